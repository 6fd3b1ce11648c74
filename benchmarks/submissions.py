"""Accepted survey submissions per second through the real view.

Each round trip is what a resident's browser does: GET the questionnaire (CSRF cookie and
form token), then POST a complete set of answers with CSRF checks enforced; the POST goes
through Django's middleware, Wagtail's page routing, validation and the one-transaction save,
and must answer 303. Only POSTs are timed for the headline figure.

    .venv/bin/python benchmarks/submissions.py [--count 500]
    scripts/with-postgres .venv/bin/python benchmarks/submissions.py   # on PostgreSQL

Without DATABASE_URL it uses a fresh SQLite file in a temporary directory.
"""

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain HTTP
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    import django

    django.setup()


def demo_survey():
    """The demo office's live survey on a freshly migrated database: ``(survey, office)``."""
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from wagtail_ocena.models import OfficeSettings, SurveyPage

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", days=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    survey = SurveyPage.objects.live().get()
    return survey, OfficeSettings.objects.get(site=survey.get_site())


def form_action(html, default):
    """Where the page's form is sent, as a browser reads it from the page."""
    match = re.search(r'<form class="ocena-form" method="post" action="([^"]*)"', html)
    return (match and match[1]) or default


def post_data(generator, html):
    from wagtail_ocena.models import Department

    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1],
        "ocena_token": re.search(r'name="ocena_token" value="([^"]+)"', html)[1],
    }
    for key, value in generator.answers(progress=1.0).items():
        if isinstance(value, Department):
            value = str(value.pk)
        fields[f"q-{key}"] = value
    # As a browser sends a form without files (the survey refuses multipart bodies).
    return urlencode(fields, doseq=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="submissions to time")
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from example_site.home.synthetic import ResponseGenerator
    from wagtail_ocena.models import SurveyResponse

    survey, office = demo_survey()
    generator = ResponseGenerator(
        survey.current_version, office.site, office.departments.all(), seed=7
    )
    before = SurveyResponse.objects.count()

    client = Client(enforce_csrf_checks=True)
    url = survey.url
    get_times, post_times = [], []
    with override_settings(
        WAGTAIL_OCENA_MIN_FILL_SECONDS=0,
        WAGTAIL_OCENA_RATE_LIMIT_POSTS=10**9,
        DEBUG=False,
    ):
        for _ in range(20):  # warm-up, not timed
            html = client.get(url).content.decode()
            response = client.post(
                form_action(html, url), post_data(generator, html), content_type=FORM
            )
            assert response.status_code == 303, response.status_code
        for _ in range(args.count):
            started = time.perf_counter()
            html = client.get(url).content.decode()
            get_times.append(time.perf_counter() - started)
            data = post_data(generator, html)
            action = form_action(html, url)
            started = time.perf_counter()
            response = client.post(action, data, content_type=FORM)
            post_times.append(time.perf_counter() - started)
            assert response.status_code == 303, response.status_code

    saved = SurveyResponse.objects.count() - before
    assert saved == args.count + 20, saved
    vendor = connection.vendor
    print(f"database: {vendor} {connection.get_database_version()}")
    print(f"debug: {settings.DEBUG}, submissions timed: {args.count}, all saved: {saved}")
    print(f"accepted submissions per second (POST only): {args.count / sum(post_times):.1f}")
    print(
        f"round trips per second (GET questionnaire + POST): "
        f"{args.count / (sum(get_times) + sum(post_times)):.1f}"
    )
    for name, times in (("POST", post_times), ("GET", get_times)):
        ordered = sorted(times)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"{name} latency: median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
