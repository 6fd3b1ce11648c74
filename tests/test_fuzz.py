"""Property-based fuzzing of the two POSTs that store answers: the resident's questionnaire and
paper entry (and correction). Whatever arrives — any fields, values, encodings, repeated keys,
forged or replayed tokens, NUL bytes, huge numbers — the answer is never a server error, and
the database never holds a partial save: every response has its answers, complete for its
version, and the daily counts equal a recount.

Each example runs in a savepoint rolled back afterwards, so that every example starts from the
state the fixtures made.
"""

import contextlib
import io
import time
import uuid
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wagtail_ocena import counting
from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Answer, Department, SurveyResponse
from wagtail_ocena.protection import HONEYPOT_FIELD, TOKEN_FIELD, FormToken

from .conftest import logged_in, record_response, valid_answers
from .test_counting import recomputed, stored

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    # The fixtures are made once per test; each example rolls its changes back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a browser, a bot or a student may put in a value.
NASTY = [
    "",
    " ",
    "\x00",
    "4\x00",
    "a\x00b",
    "0",
    "-1",
    "6",
    "4.0",
    "1e3",
    "٤",  # an Arabic-Indic four: int() accepts it
    "４",
    str(2**63),
    str(2**64 + 1),
    "9" * 5000,  # more digits than int() converts by default
    "na",
    "NaN",
    "None",
    "[]",
    "true",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "\r\n" * 3000,
    "ż" * 5001,
    "x" * 100_000,
    str(uuid.uuid4()),
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers().map(str),
    st.tuples(st.sampled_from("a\x00\r\nżé€"), st.integers(1, 6000)).map(lambda t: t[0] * t[1]),
)


def values(valid):
    """One field's posted value(s): valid, nasty, or several (a repeated key)."""
    if valid:
        single = st.one_of(st.sampled_from(valid), st.sampled_from(valid), text_values)
    else:
        single = text_values
    return st.one_of(single, single, st.lists(single, min_size=0, max_size=4))


def field_values(fields):
    """Posted data: a few known fields with any value, some unknown fields."""
    known = st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just(f[0]), values(f[1])))
    unknown = st.tuples(st.text(max_size=20), values([]))
    return st.lists(st.one_of(known, known, unknown), max_size=4).map(dict)


def valid_values(question, departments):
    if question.kind == "department":
        return [str(d.pk) for d in departments]
    if question.kind == "rating":
        return ["1", "3", "5", "na"]
    if question.kind == "overall_rating":
        return ["1", "3", "5"]
    if question.kind == "open_text":
        return ["Dziękuję.", "Długo czekałem,\r\nale sprawa załatwiona."]
    return [option.key for option in question.choice_options]


def answer_fields(version, departments):
    return [(q.field_name, valid_values(q, departments)) for q in version.load_questions()]


def typical_answers(version, departments):
    """A complete, valid answer to every question: a base the examples mutate."""
    return {name: valid[0] for name, valid in answer_fields(version, departments)}


ENCODINGS = ["utf-8", "latin-1", "cp1250", "utf-16"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/json",
    "",
]


def token_for(kind, page, version):
    now = time.time()
    if kind == "valid":
        return FormToken.issue(page.pk, version.pk).sign()
    if kind == "expired":
        return FormToken.issue(page.pk, version.pk, now=now - 5 * 24 * 3600).sign()
    if kind == "other_page":
        return FormToken(page.pk + 1000, version.pk, int(now), "n").sign()
    if kind == "other_version":
        return FormToken(page.pk, version.pk + 1000, int(now), "n").sign()
    if kind == "tampered":
        signed = FormToken.issue(page.pk, version.pk).sign()
        return signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB")
    if kind == "forged":
        return "eyJwIjoxLCJ2IjoxLCJ0IjoxLCJuIjoibiJ9:1abcde:forged"
    if kind == "repeated":
        return [token_for("forged", page, version), token_for("valid", page, version)]
    if kind == "twice":
        signed = token_for("valid", page, version)
        return [signed, signed]
    return None


TOKEN_KINDS = ["valid"] * 5 + ["expired", "other_page", "other_version", "tampered"]
TOKEN_KINDS += ["forged", "missing", "repeated", "twice"]


def assert_no_partial_save():
    """Every response is whole: answers for its version's questions only, every required
    one answered, the department where the department question was answered; and the counts
    equal a recount from the rows."""
    for response in SurveyResponse.objects.select_related("version"):
        questions = {q.pk: q for q in response.version.questions.all()}
        answers = list(response.answers.all())
        assert answers, f"response {response.pk} has no answers"
        answered = {a.question_id for a in answers}
        assert answered <= set(questions)
        assert {pk for pk, q in questions.items() if q.required} <= answered
        for answer in answers:
            question = questions[answer.question_id]
            if question.kind == "department":
                assert answer.department_id == response.department_id
            if question.kind == "rating":
                assert answer.not_applicable or 1 <= answer.rating <= 5
            assert "\x00" not in answer.text
    for model, rows in counting.rows_from_records(
        SurveyResponse.objects.all(), Answer.objects.all()
    ):
        assert stored(model) == recomputed(model, rows), model.__name__


@contextlib.contextmanager
def rolled_back():
    for cache in caches.all():
        cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def csrf_client(url, user=None):
    """A client that enforces CSRF, with its cookie set by a GET of ``url``."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    assert client.get(url).status_code == 200
    return client, client.cookies["csrftoken"].value


@pytest.fixture
def fuzz_settings(settings):
    settings.WAGTAIL_OCENA_MIN_FILL_SECONDS = 0
    settings.WAGTAIL_OCENA_RATE_LIMIT_POSTS = 10**6
    return settings


@pytest.fixture
def departments(office):
    return list(Department.objects.filter(office=office))


# The public survey ------------------------------------------------------------------------


SURVEY_STATUSES = {200, 303, 400, 403, 413, 429, 503}


@pytest.fixture
def survey_target(fuzz_settings, survey, departments):
    version = survey.current_version
    fields = answer_fields(version, departments)
    fields.append((HONEYPOT_FIELD, ["", "http://spam.example"]))
    return survey, version, fields


def test_fuzzed_survey_posts_never_fail_nor_save_partly(survey_target, departments):
    survey, version, fields = survey_target
    base = typical_answers(version, departments)
    plain = Client()
    enforcing, csrf_token = csrf_client(survey.url)

    @FUZZ
    @given(
        token=st.sampled_from(TOKEN_KINDS),
        csrf=st.sampled_from(["off", "off", "off", "valid", "valid", "missing", "wrong"]),
        with_base=st.sampled_from([True, True, True, False]),
        dropped=st.sets(st.sampled_from([name for name, _valid in fields]), max_size=2),
        data=field_values(fields),
        how=st.sampled_from(["browser", "browser", "browser", "encoded", "multipart", "raw"]),
        encoding=st.sampled_from(ENCODINGS),
        content_type=st.sampled_from(CONTENT_TYPES),
        raw=st.binary(max_size=500),
        times=st.integers(1, 2),
    )
    # Found: Django's 400 handler read the refused body again for its CSRF check, and the
    # second refusal escaped as a 500 (wagtail_ocena.middleware.UndecodableFormMiddleware).
    @example(
        token="valid",
        csrf="missing",
        with_base=True,
        dropped=set(),
        data={},
        how="encoded",
        encoding="latin-1",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        raw=b"",
        times=1,
    )
    # Django's limits: more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields, a body over
    # DATA_UPLOAD_MAX_MEMORY_SIZE.
    @example(
        token="valid",
        csrf="valid",
        with_base=True,
        dropped=set(),
        data={f"f{i}": "1" for i in range(1100)},
        how="browser",
        encoding="utf-8",
        content_type="",
        raw=b"",
        times=1,
    )
    @example(
        token="valid",
        csrf="off",
        with_base=True,
        dropped=set(),
        data={"q-uwagi": "x" * 2_700_000},
        how="browser",
        encoding="utf-8",
        content_type="",
        raw=b"",
        times=1,
    )
    def post(token, csrf, with_base, dropped, data, how, encoding, content_type, raw, times):
        with rolled_back():
            posted = {k: v for k, v in (base if with_base else {}).items() if k not in dropped}
            posted.update(data)
            signed = token_for(token, survey, version)
            if signed is not None:
                posted.setdefault(TOKEN_FIELD, signed)
            if csrf != "off":
                posted["csrfmiddlewaretoken"] = {"valid": csrf_token, "wrong": "x" * 64}.get(
                    csrf, ""
                )
            content_type, body = encode(posted, how, encoding, content_type, raw)
            client = plain if csrf == "off" else enforcing
            before = SurveyResponse.objects.count()
            for _ in range(times):
                earlier = SurveyResponse.objects.count()
                response = client.generic("POST", survey.url, body, content_type=content_type)
                assert response.status_code in SURVEY_STATUSES, response.status_code
                if response.status_code != 303:
                    assert SurveyResponse.objects.count() == earlier
            # One form token, so at most one response however often it is sent.
            assert SurveyResponse.objects.count() - before <= 1
            assert_no_partial_save()

    post()


def encode(posted, how, encoding, content_type, raw):
    pairs = [
        (key, value)
        for key, values_ in posted.items()
        for value in (values_ if isinstance(values_, list) else [values_])
    ]
    if how == "browser":
        return "application/x-www-form-urlencoded", urlencode(pairs).encode()
    if how == "multipart":
        # As the test client posts a dict, with a file among the fields.
        fields = {**posted, "plik": io.BytesIO(raw or b"%PDF")}
        return MULTIPART_CONTENT, encode_multipart(BOUNDARY, fields)
    if how == "encoded":

        def encoded(text):
            return quote_from_bytes(text.encode(encoding, errors="replace"))

        body = "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs).encode()
        return content_type, body + (b"&" + raw.replace(b"&", b"%26") if raw else b"")
    return content_type, raw


def test_a_nul_byte_in_a_comment_is_refused_with_a_message(fuzz_settings, client, survey):
    # PostgreSQL cannot store NUL in text: the form must refuse it before the database does.
    response = client.post(survey.url, valid_answers(survey, **{"q-uwagi": "Dobrze\x00."}))

    assert response.status_code == 400
    assert "Znaki null są niedozwolone." in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("url", ["survey", "/admin/login/"])
def test_a_form_in_another_charset_gets_the_400_page(survey, url):
    url = survey.url if url == "survey" else url
    client, csrf_token = csrf_client(url)
    body = f"csrfmiddlewaretoken={csrf_token}&q-uwagi=%B3%F3d%BC".encode()

    response = client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded; charset=latin-1"
    )

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


# Paper entry and correction ----------------------------------------------------------------


PAPER_STATUSES = {200, 302, 400, 403, 413, 503}


@pytest.fixture
def paper_target(fuzz_settings, survey, departments, clerk):
    version = survey.current_version
    site = survey.get_site()
    sheet = record_response(
        survey, channel=Channel.PAPER, batch="b", sheet_number=1, entered_by=clerk
    )
    today = timezone.localdate().isoformat()
    fields = answer_fields(version, departments) + [
        ("version", [str(version.pk)]),
        ("batch", ["", "b", "skrzynka BOI", "ż" * 100]),
        ("sheet_number", ["", "1", "2", "999999"]),
        ("sheet_date", ["", today]),
        ("next", ["sheet", "listing"]),
    ]
    base = {
        **typical_answers(version, departments),
        "version": str(version.pk),
        "batch": "skrzynka BOI",
        "sheet_number": "7",
        "sheet_date": "",
    }
    urls = {
        "entry": f"/admin/ocena/paper/{site.pk}/",
        "correct": f"/admin/ocena/responses/{sheet.pk}/correct/",
    }
    return sheet, fields, base, urls


def stored_answers(response):
    return sorted(
        response.answers.values_list(
            "question_id", "rating", "not_applicable", "option_id", "department_id", "text"
        )
    )


def test_fuzzed_paper_sheets_never_fail_nor_save_partly(paper_target, clerk):
    sheet, fields, base, urls = paper_target
    plain = logged_in(clerk)
    enforcing, csrf_token = csrf_client(urls["entry"], clerk)

    @FUZZ
    @given(
        target=st.sampled_from(["entry", "entry", "entry", "correct", "correct", "entry_get"]),
        csrf=st.sampled_from(["off", "off", "off", "valid", "valid", "missing", "wrong"]),
        with_base=st.sampled_from([True, True, True, False]),
        dropped=st.sets(st.sampled_from([name for name, _valid in fields]), max_size=2),
        data=field_values(fields),
        how=st.sampled_from(["browser", "browser", "browser", "encoded", "multipart", "raw"]),
        encoding=st.sampled_from(ENCODINGS),
        content_type=st.sampled_from(CONTENT_TYPES),
        raw=st.binary(max_size=500),
    )
    # Found on PostgreSQL: the batch's sheet count was queried with the batch as typed (or
    # as in the URL), NUL included, and PostgreSQL refused the query (a 500).
    @example(
        target="entry",
        csrf="off",
        with_base=True,
        dropped=set(),
        data={"batch": "a\x00b"},
        how="browser",
        encoding="utf-8",
        content_type="",
        raw=b"",
    )
    @example(
        target="entry_get",
        csrf="off",
        with_base=False,
        dropped=set(),
        data={"batch": "\x00", "version": str(2**64 + 1)},
        how="browser",
        encoding="utf-8",
        content_type="",
        raw=b"",
    )
    def post(target, csrf, with_base, dropped, data, how, encoding, content_type, raw):
        with rolled_back():
            posted = {k: v for k, v in (base if with_base else {}).items() if k not in dropped}
            posted.update(data)
            if csrf != "off":
                posted["csrfmiddlewaretoken"] = {"valid": csrf_token, "wrong": "x" * 64}.get(
                    csrf, ""
                )
            content_type, body = encode(posted, how, encoding, content_type, raw)
            client = plain if csrf == "off" else enforcing
            before, sheet_before = SurveyResponse.objects.count(), stored_answers(sheet)

            if target == "entry_get":
                # The form's GET takes the version, batch and next sheet number from the URL.
                response = plain.get(urls["entry"], query(posted))
            else:
                response = client.generic("POST", urls[target], body, content_type=content_type)

            assert response.status_code in PAPER_STATUSES, response.status_code
            saved = response.status_code == 302 and target != "entry_get"
            grown = 1 if saved and target == "entry" else 0
            assert SurveyResponse.objects.count() == before + grown
            if not (saved and target == "correct"):
                assert stored_answers(sheet) == sheet_before
            assert_no_partial_save()

    post()


def query(posted):
    names = {"version": "version", "batch": "batch", "sheet_number": "sheet"}
    return {names[k]: v for k, v in posted.items() if k in names}


def test_a_nul_byte_in_a_sheet_is_refused_with_a_message(fuzz_settings, paper_target, clerk):
    _sheet, _fields, base, urls = paper_target

    response = logged_in(clerk).post(urls["entry"], {**base, "batch": "BOI\x00"})

    assert "Znaki null są niedozwolone." in response.content.decode()
    assert SurveyResponse.objects.count() == 1
