"""Nothing is lost, and nothing stored twice, when the database fails for a moment or a form
is replayed: a locked SQLite file, a PostgreSQL server restarting, several app processes.

Database faults are injected with Django's own execute wrapper: the statement named fails with
the error the database would raise, in the middle of the real saving code.
"""

import contextlib
import datetime
import re

import pytest
from django.core.cache import caches
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, DailyResponseCount, SurveyResponse, UsedFormToken
from wagtail_ocena.protection import TOKEN_FIELD, FormToken, RateLimit

from .conftest import BrowserClient, valid_answers


@contextlib.contextmanager
def failing(statement_start, table, message="database is locked"):
    """Every statement starting with ``statement_start`` that names ``table`` fails (on
    PostgreSQL also a ``WITH`` statement that contains one)."""

    def wrapper(execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        starts = statement.startswith(statement_start) or (
            statement.startswith("WITH") and f"{statement_start} " in statement
        )
        if starts and table in sql:
            raise OperationalError(message)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def assert_nothing_saved():
    assert not SurveyResponse.objects.exists()
    assert not Answer.objects.exists()
    assert not DailyResponseCount.objects.exists()
    assert not UsedFormToken.objects.exists()


def test_a_database_error_while_saving_keeps_every_answer_and_the_token(client, survey):
    data = valid_answers(survey, **{"q-uwagi": "Proszę o dłuższe godziny otwarcia."})

    # The response row is written; its answers fail: the whole save must go back.
    with failing("INSERT", "wagtail_ocena_answer"):
        response = client.post(survey.url, data)

    assert response.status_code == 503
    html = response.content.decode()
    assert "chwilowej awarii" in html
    assert "Proszę o dłuższe godziny otwarcia." in html
    assert re.search(r'name="q-czas-oczekiwania" value="4"[^>]*checked', html)
    rendered = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', html).group(1)
    assert FormToken.read(rendered, survey.pk) == FormToken.read(data[TOKEN_FIELD], survey.pk)
    assert_nothing_saved()

    # Sent again once the database is back: saved once.
    assert client.post(survey.url, data).status_code == 303
    assert SurveyResponse.objects.count() == 1
    assert client.post(survey.url, data)["Location"].endswith("?ponownie")
    assert SurveyResponse.objects.count() == 1


def test_a_database_gone_before_the_page_is_found_repeats_the_form_to_send(survey):
    client = BrowserClient(enforce_csrf_checks=True)
    html = client.get(survey.url).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = valid_answers(survey, csrfmiddlewaretoken=csrf, **{"q-uwagi": "Ala <b>ma</b> kota"})

    # Wagtail cannot even find the page: the request's own data is all there is.
    url = survey.url
    with failing("SELECT", "wagtailcore_"):
        response = client.post(url, data)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Proszę chwilę poczekać i wysłać ponownie" in html
    assert f'<form method="post" action="{survey.url}">' in html
    assert '<input type="hidden" name="q-uwagi" value="Ala &lt;b&gt;ma&lt;/b&gt; kota">' in html
    assert f'name="{TOKEN_FIELD}" value="{data[TOKEN_FIELD]}"' in html
    assert_nothing_saved()

    # The repeated form, sent as it stands, is accepted.
    resent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    resent["q-uwagi"] = "Ala <b>ma</b> kota"
    assert client.post(survey.url, resent).status_code == 303
    assert Answer.objects.get(question__key="uwagi").text == "Ala <b>ma</b> kota"


def test_an_admin_form_sent_while_the_database_is_gone_is_kept_but_not_its_password(clerk):
    client = BrowserClient()
    client.force_login(clerk)

    with failing("SELECT", "auth_user"):
        response = client.post(
            "/admin/", {"title": "Nowa strona", "new_password": "tajne-hasło"}, follow=False
        )

    assert response.status_code == 503
    html = response.content.decode()
    assert 'name="title" value="Nowa strona"' in html
    assert "tajne-hasło" not in html


def test_a_page_asked_for_while_the_database_is_gone_says_to_try_again(client, survey):
    url = survey.url
    with failing("SELECT", "wagtailcore_"):
        response = client.get(url)

    assert response.status_code == 503
    assert "Proszę spróbować ponownie za chwilę" in response.content.decode()


def test_a_used_token_is_refused_after_the_cache_is_emptied(client, survey):
    data = valid_answers(survey)
    assert client.post(survey.url, data).status_code == 303

    # Another app process, a restart, or a cache that evicted the key: the database remembers.
    for cache in caches.all():
        cache.clear()
    replay = client.post(survey.url, data)

    assert replay["Location"].endswith("?ponownie")
    assert SurveyResponse.objects.count() == 1
    assert UsedFormToken.objects.count() == 1


def test_used_tokens_say_nothing_of_the_submission_and_are_pruned(client, survey):
    data = valid_answers(survey)
    client.post(survey.url, data)
    token = FormToken.read(data[TOKEN_FIELD], survey.pk)

    (used,) = UsedFormToken.objects.all()
    assert token.nonce not in used.key
    # Valid until the form would have expired, counted from when it was rendered.
    assert used.expires_at > datetime.datetime.fromtimestamp(token.issued_at, tz=datetime.UTC)

    assert UsedFormToken.objects.prune(now=used.expires_at) == 0
    assert UsedFormToken.objects.prune(now=used.expires_at + datetime.timedelta(seconds=1)) == 1


class Request:
    def __init__(self, address):
        self.META = {"REMOTE_ADDR": address}


def limit_key(address):
    return RateLimit(Request(address), now=0).key


def test_the_rate_limit_counts_an_ipv6_network_as_one_client():
    assert limit_key("2001:db8:1:2::1") == limit_key("2001:db8:1:2:ffff:1:2:3")
    assert limit_key("2001:db8:1:2::1") != limit_key("2001:db8:1:3::1")
    assert limit_key("::ffff:198.51.100.7") == limit_key("198.51.100.7")
    assert limit_key("198.51.100.7") != limit_key("198.51.100.8")


@pytest.mark.parametrize(
    ("debug", "backend", "warned"),
    [
        (False, "django.core.cache.backends.locmem.LocMemCache", True),
        (False, "django.core.cache.backends.db.DatabaseCache", False),
        (True, "django.core.cache.backends.locmem.LocMemCache", False),
    ],
)
def test_a_per_process_cache_in_production_is_warned_about(settings, debug, backend, warned):
    settings.DEBUG = debug
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "cache"}}

    ids = {message.id for message in run_checks()}

    assert ("wagtail_ocena.W001" in ids) is warned


def test_a_site_without_the_database_middleware_is_warned_about(settings):
    assert "wagtail_ocena.W002" not in {message.id for message in run_checks()}
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m != "wagtail_ocena.middleware.DatabaseUnavailableMiddleware"
    ]

    assert "wagtail_ocena.W002" in {message.id for message in run_checks()}


def test_paper_channel_is_unchanged_by_the_token_table(survey):
    # Paper sheets carry no form token: typing one in writes no used-token row.
    from .conftest import record_response

    record_response(survey, channel=Channel.PAPER)
    assert not UsedFormToken.objects.exists()


def test_a_survey_post_with_files_is_refused_and_nothing_stored(survey):
    client = Client()  # Django's test client posts multipart, as a script uploading files would
    data = valid_answers(survey, attachment=SimpleUploadedFile("skan.pdf", b"%PDF-1.7" * 1000))

    response = client.post(survey.url, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Do tego formularza nie można dołączać plików." in html
    assert f'href="{survey.url}"' in html
    assert_nothing_saved()


def test_an_oversized_survey_post_gets_a_readable_page(client, survey, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = valid_answers(survey, **{"q-uwagi": "x" * 20_000})

    response = client.post(survey.url, data)

    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "znacznie większe" in html
    assert f'href="{survey.url}"' in html
    assert_nothing_saved()


def test_a_survey_post_with_too_many_fields_gets_a_readable_page(client, survey, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    data = valid_answers(survey, **{f"pole{n}": "x" for n in range(200)})

    response = client.post(survey.url, data)

    assert response.status_code == 400
    assert "znacznie więcej pól" in response.content.decode()
    assert_nothing_saved()
