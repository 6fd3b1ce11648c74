"""The survey side by side with Wagtail's own form builder, alternately in one run.

A scratch ``wagtail.contrib.forms`` form page (the example site's ``FormPage``) gets one field
per question of the default questionnaire; then, round after round, the same number of
residents answer each: GET the page (CSRF cookie, form), POST complete answers with CSRF
checks enforced. Ours must answer 303 (the thank-you page), theirs 200 (its landing page),
and every POST must have stored its answers. The survey's protections stay on: form token,
used-token record, rate limit (its limit raised for the run), honeypot; only the minimum fill
time is lifted, as it is in ``submissions.py``.

Then both get the same ``--export-size`` answers of one year and export them: our report as
XLSX (its sheets and every raw response, what a clerk downloads) and the raw responses as CSV,
against Wagtail's submissions export (``?export=xlsx|csv`` through its admin view),
alternately. Ours is timed from the report's structure (built first, as for the PDF). Last,
our raw sheet against its writer's floor: XlsxWriter writing the same rows from a list
(``raw_export.py``'s steps).

    .venv/bin/python benchmarks/compare.py [--count 200] [--rounds 3] [--export-size 20000]
    scripts/with-postgres .venv/bin/python benchmarks/compare.py      # on PostgreSQL

Without DATABASE_URL it uses a fresh SQLite file in a temporary directory.
"""

import argparse
import datetime
import io
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.submissions import (  # noqa: E402
    FORM,
    demo_survey,
    form_action,
    post_data,
    setup_django,
)

NOT_APPLICABLE_LABEL = "nie dotyczy"


def form_page_fields(questions, departments):
    """One form builder field per question, as an office would build the questionnaire."""
    from wagtail_ocena.choices import QuestionKind

    fields = []
    for question in questions:
        kind = question.kind
        if kind in (QuestionKind.RATING, QuestionKind.OVERALL_RATING):
            choices = ["1", "2", "3", "4", "5"]
            if question.allow_not_applicable:
                choices.append(NOT_APPLICABLE_LABEL)
            field_type = "radio"
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            choices = [option.label for option in question.choice_options]
            field_type = "checkboxes"
        elif kind == QuestionKind.DEPARTMENT:
            choices = [department.name for department in departments]
            field_type = "dropdown"
        elif kind == QuestionKind.OPEN_TEXT:
            choices, field_type = [], "multiline"
        else:
            choices = [option.label for option in question.choice_options]
            field_type = "radio"
        fields.append((question, field_type, choices))
    return fields


def create_form_page(survey, questions, departments):
    from example_site.home.models import FormPage, FormPageField

    page = survey.get_parent().add_child(
        instance=FormPage(title="Ankieta (formularz Wagtaila)", slug="formularz-porownanie")
    )
    for position, (question, field_type, choices) in enumerate(
        form_page_fields(questions, departments)
    ):
        FormPageField.objects.create(
            page=page,
            sort_order=position,
            label=question.text[:255],
            field_type=field_type,
            choices="\n".join(choices),
            required=question.required,
        )
    return page


def form_page_data(page, generator, html):
    """The generator's answers as the form builder's field values (labels, not keys)."""
    from wagtail_ocena.choices import NOT_APPLICABLE
    from wagtail_ocena.models import Department

    answers = generator.answers(progress=1.0)
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    }
    clean_names = {form_field.label: form_field.clean_name for form_field in page.get_form_fields()}
    for question in generator.questions:
        value = answers.get(question.key)
        if value is None:
            continue
        labels = {option.key: option.label for option in question.choice_options}
        if isinstance(value, Department):
            value = value.name
        elif isinstance(value, list):
            value = [labels[key] for key in value]
        elif value == NOT_APPLICABLE:
            value = NOT_APPLICABLE_LABEL
        else:
            value = labels.get(value, value)
        fields[clean_names[question.text[:255]]] = value
    return urlencode(fields, doseq=True)


def timed_round(client, url, count, data_for, expected_status, stored):
    """``count`` GET + POST round trips; the POSTs' and GETs' times."""
    before = stored()
    get_times, post_times = [], []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        get_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        html = response.content.decode()
        data, action = data_for(html), form_action(html, url)
        started = time.perf_counter()
        response = client.post(action, data, content_type=FORM)
        post_times.append(time.perf_counter() - started)
        assert response.status_code == expected_status, (
            response.status_code,
            response.content.decode()[:2000],
        )
    assert stored() - before == count, (stored() - before, count)
    return {
        "post_per_second": count / sum(post_times),
        "post_median_ms": statistics.median(post_times) * 1000,
        "get_per_second": count / sum(get_times),
        "get_median_ms": statistics.median(get_times) * 1000,
    }


def seed_year(version, site, departments, form_page, size, generator):
    """``size`` responses of the last year for us, the same answers as form submissions."""
    from django.utils import timezone

    from benchmarks.reports import write_answers
    from wagtail_ocena import counting
    from wagtail_ocena.choices import Channel

    rng = random.Random(3)
    today = timezone.localdate()
    clean_names = {f.label: f.clean_name for f in form_page.get_form_fields()}

    def form_data(answers):
        return {
            clean_names[question.text[:255]]: value.name if hasattr(value, "name") else value
            for question in generator.questions
            if (value := answers.get(question.key)) is not None
        }

    entries = (
        (
            today - datetime.timedelta(days=rng.randint(2, 360)),
            Channel.ELECTRONIC,
            generator.answers(progress=0.5),
        )
        for _ in range(size)
    )
    write_answers(version, generator.questions, site, form_page, entries, form_data)
    counting.rebuild()


def our_export(site, spreadsheet_format):
    from django.db import transaction
    from django.utils import timezone

    from wagtail_ocena.reports.compute import build_report
    from wagtail_ocena.reports.filters import ReportFilters
    from wagtail_ocena.reports.period import Period
    from wagtail_ocena.reports.spreadsheet import csv_rows, write_xlsx

    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=365), today - datetime.timedelta(days=1))
    report = build_report(site, period, ReportFilters(include_comments=True))
    started = time.perf_counter()
    with transaction.atomic():  # as the archive renders it
        if spreadsheet_format == "xlsx":
            output = io.BytesIO()
            write_xlsx(report, output)
            size = len(output.getvalue())
        else:
            size = sum(len(line.encode()) for line in csv_rows(report))
    return time.perf_counter() - started, size


def floor_ratio(site):
    """Our raw sheet's time against XlsxWriter writing the same rows from a list (read
    first, not timed): ``raw_export.py``'s two steps, once each."""
    import tempfile

    from django.db import transaction
    from django.utils import timezone

    from benchmarks.raw_export import step_bare_xlsx, step_raw_xlsx
    from wagtail_ocena.reports.compute import build_report
    from wagtail_ocena.reports.filters import ReportFilters
    from wagtail_ocena.reports.period import Period

    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=365), today - datetime.timedelta(days=1))
    report = build_report(site, period, ReportFilters(include_comments=True))
    times = {}
    for name, step in (("ours", step_raw_xlsx(report)), ("floor", step_bare_xlsx(report))):
        with tempfile.TemporaryFile() as output, transaction.atomic():
            started = time.perf_counter()
            step(output)
            times[name] = time.perf_counter() - started
    return times["ours"], times["floor"]


def their_export(client, form_page, spreadsheet_format):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    response = client.get(
        reverse("wagtailforms:list_submissions", args=[form_page.pk]),
        {
            "export": spreadsheet_format,
            "date_from": today - datetime.timedelta(days=365),
            "date_to": today - datetime.timedelta(days=1),
        },
    )
    assert response.status_code == 200, response.status_code
    content = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in content)
    return time.perf_counter() - started, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="POSTs per side and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--export-size", type=int, default=20000, help="0: no export rounds")
    args = parser.parse_args()

    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from wagtail.contrib.forms.models import FormSubmission

    from example_site.home.synthetic import ResponseGenerator
    from wagtail_ocena.models import SurveyResponse

    survey, office = demo_survey()
    departments = list(office.departments.all())
    generator = ResponseGenerator(survey.current_version, office.site, departments, seed=7)
    form_page = create_form_page(survey, generator.questions, departments)
    print(f"database: {connection.vendor} {connection.get_database_version()}")
    print(f"questions: {len(generator.questions)}, form builder fields: "
          f"{len(form_page.get_form_fields())}")  # fmt: skip

    sides = {
        "ours": {
            "url": survey.url,
            "data_for": lambda html: post_data(generator, html),
            "expected_status": 303,
            "stored": SurveyResponse.objects.count,
        },
        "theirs": {
            "url": form_page.url,
            "data_for": lambda html: form_page_data(form_page, generator, html),
            "expected_status": 200,
            "stored": FormSubmission.objects.filter(page=form_page).count,
        },
    }
    clients = {side: Client(enforce_csrf_checks=True) for side in sides}
    ratios = {"POST": [], "GET": []}
    with override_settings(
        WAGTAIL_OCENA_MIN_FILL_SECONDS=0, WAGTAIL_OCENA_RATE_LIMIT_POSTS=10**9, DEBUG=False
    ):
        for side, options in sides.items():  # warm-up, not reported
            timed_round(clients[side], count=20, **options)
        for round_number in range(1, args.rounds + 1):
            # Alternate who goes first, so that neither always meets a warmer machine.
            order = list(sides) if round_number % 2 else list(reversed(sides))
            results = {side: timed_round(clients[side], count=args.count, **sides[side])
                       for side in order}  # fmt: skip
            for side in sides:
                result = results[side]
                print(
                    f"round {round_number} {side:6}: POST {result['post_per_second']:6.1f}/s "
                    f"(median {result['post_median_ms']:5.1f} ms), "
                    f"GET {result['get_per_second']:6.1f}/s "
                    f"(median {result['get_median_ms']:5.1f} ms)"
                )
            post_ratio = results["ours"]["post_per_second"] / results["theirs"]["post_per_second"]
            get_ratio = results["ours"]["get_per_second"] / results["theirs"]["get_per_second"]
            ratios["POST"].append(post_ratio)
            ratios["GET"].append(get_ratio)
            print(f"round {round_number} ours/theirs: POST {post_ratio:.2f}, GET {get_ratio:.2f}")
    for name, values in ratios.items():
        print(f"median ratio ours/theirs, {name} per second: {statistics.median(values):.2f}")

    if not args.export_size:
        return
    seed_year(
        survey.current_version, office.site, departments, form_page, args.export_size, generator
    )
    admin, _ = get_user_model().objects.get_or_create(
        username="benchmark-compare", defaults={"is_superuser": True, "is_staff": True}
    )
    admin_client = Client()
    admin_client.force_login(admin)
    print(f"export: one year of {args.export_size} seeded responses (+ those posted above)")
    for spreadsheet_format in ("xlsx", "csv"):
        times = {"ours": [], "theirs": []}
        for _round in range(args.rounds):
            ours, our_size = our_export(office.site, spreadsheet_format)
            theirs, their_size = their_export(admin_client, form_page, spreadsheet_format)
            times["ours"].append(ours)
            times["theirs"].append(theirs)
            print(
                f"{spreadsheet_format} ours {ours:6.2f} s ({our_size // 1024} KiB), "
                f"theirs {theirs:6.2f} s ({their_size // 1024} KiB), "
                f"time ratio ours/theirs {ours / theirs:.2f}"
            )
        print(
            f"median time ratio ours/theirs, {spreadsheet_format}: "
            f"{statistics.median(times['ours']) / statistics.median(times['theirs']):.2f}"
        )
    floors = []
    for _round in range(args.rounds):
        ours, floor = floor_ratio(office.site)
        floors.append(ours / floor)
        print(f"raw XLSX sheet ours {ours:6.2f} s, XlsxWriter from a list {floor:6.2f} s, "
              f"ratio {ours / floor:.2f}")  # fmt: skip
    print(f"median ratio of our raw XLSX to its writer's floor: {statistics.median(floors):.2f}")


if __name__ == "__main__":
    main()
