"""Reports at scale: wagtail-ocena's report against Wagtail form submissions.

For each size N, a fresh database gets N responses of the default questionnaire for one office
over two years, and the same answers as submissions of a ``wagtail.contrib.forms`` form page.
Then each measured step runs in its own process, so its peak memory (max RSS) is its own:

- ``report``: the report structure of the last 365 days (``reports.compute.build_report``);
- ``report_mid_month``: the same for 365 days ending on the 15th of last month, whose partial
  months at both ends are read from the daily counts instead of the monthly ones;
- ``forms``: the same figures computed from the form submissions of those days, the way
  one would have to (load each submission's JSON, count in Python);
- ``pdf``: the report's PDF as the task worker makes it, WeasyPrint imported and its fonts
  set up when the worker started (that preparation, untimed, is ``prepare_seconds``);
- ``pdf_cold``: the same in a process that has not imported WeasyPrint yet;
- ``xlsx`` / ``csv``: the report with all raw responses of the year as XLSX / CSV;
- ``forms_xlsx`` / ``forms_csv``: the form submissions of the year exported by Wagtail's own
  submissions view (its spreadsheet export, through the admin URL, as a superuser);
- ``publish``: publishing changed questions (one question removed) of a survey page whose version
  was answered all the seeded two years: what the editor's request waits for, the §5 report of
  the version replaced included (``before_change``); rolled back afterwards, so that the step can
  be repeated on the same database. A report file the request leaves to the background task
  (queued when the transaction commits) is not part of it.

    .venv/bin/python benchmarks/reports.py --sizes 10000,100000
    scripts/with-postgres .venv/bin/python benchmarks/reports.py --sizes 10000,100000

With DATABASE_URL pointing at PostgreSQL, each size gets its own database on that server;
otherwise an SQLite file in a temporary directory. ``report``, ``report_mid_month`` and
``forms`` run ``--repeat`` times (3), alternating; their median and first run are printed.
Query plans of the report's main queries are printed for each size.

Seeding a million responses takes about 20 minutes. To seed two databases at once and time
them one after the other, so that no measurement shares the processors:

    .venv/bin/python benchmarks/reports.py --sizes 1000000 --seed-only   # prints the URL
    .venv/bin/python benchmarks/reports.py --database-url URL            # measures it
"""

import argparse
import datetime
import functools
import itertools
import json
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = [
    "report",
    "report_mid_month",
    "forms",
    "pdf",
    "pdf_cold",
    "xlsx",
    "csv",
    "forms_xlsx",
    "forms_csv",
    "publish",
]
# Timed more than once: the first read after the bulk load pays PostgreSQL's first-touch
# costs (setting hint bits), which a database in daily use does not.
REPEATED = ["report", "report_mid_month", "forms"]


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.utils import translation

    translation.activate("pl")


def year():
    from wagtail_ocena.reports.period import Period

    today = datetime.date.today()
    return Period(today - datetime.timedelta(days=365), today - datetime.timedelta(days=1))


# --- seeding -----------------------------------------------------------------------------


def seed(count):
    """N responses over two years, and the same answers as Wagtail form submissions."""
    from django.core.management import call_command

    from example_site.home.models import FormPage, FormPageField
    from example_site.home.synthetic import ResponseGenerator
    from wagtail_ocena import counting
    from wagtail_ocena.choices import NOT_APPLICABLE, Channel, QuestionKind
    from wagtail_ocena.models import Department, OfficeSettings, SurveyPage

    call_command("migrate", verbosity=0)
    call_command("load_demo", days=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    survey = SurveyPage.objects.live().get()
    version = survey.current_version
    office = OfficeSettings.objects.get(site=survey.get_site())
    generator = ResponseGenerator(version, office.site, Department.objects.for_site(office.site))
    questions = generator.questions
    form_page = survey.get_parent().add_child(
        instance=FormPage(title="Ankieta (formularz Wagtaila)", slug="formularz")
    )
    for position, question in enumerate(questions):
        FormPageField.objects.create(
            page=form_page,
            sort_order=position,
            label=question.text[:255],
            clean_name=question.key.replace("-", "_"),
            field_type="multiline" if question.kind == QuestionKind.OPEN_TEXT else "radio",
            choices="",
            required=question.required,
        )
    days = (datetime.date.today() - datetime.timedelta(days=730), datetime.date.today())
    rng = random.Random(1)
    span = (days[1] - days[0]).days
    stamps = sorted(days[0] + datetime.timedelta(days=rng.randrange(span)) for _ in range(count))

    def form_data(answers):
        data = {}
        for question in questions:
            value = answers.get(question.key)
            if value is None:
                continue
            if question.kind == QuestionKind.DEPARTMENT:
                value = value.name
            elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.PROFILE):
                value = next(o.label for o in question.choice_options if o.key == value)
            elif (
                question.kind in (QuestionKind.RATING, QuestionKind.OVERALL_RATING)
                and value != NOT_APPLICABLE
            ):
                value = int(value)
            data[question.key.replace("-", "_")] = value
        return data

    entries = (
        (
            day,
            Channel.PAPER if rng.random() < 0.4 else Channel.ELECTRONIC,
            generator.answers((day - days[0]).days / span),
        )
        for day in stamps
    )
    started = time.perf_counter()
    write_answers(version, questions, office.site, form_page, entries, form_data)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    counting.rebuild(site=office.site)
    return {"seconds": seeded, "count_rebuild_seconds": time.perf_counter() - started}


def write_answers(version, questions, site, form_page, entries, form_data, batch=2000):
    """For each (day, channel, answers) of ``entries``, a response and a submission of
    ``form_page`` with the same answers (``form_data(answers)``), ``batch`` at a time."""
    from django.db import transaction
    from django.utils import timezone
    from wagtail.contrib.forms.models import FormSubmission

    from wagtail_ocena.models import Answer, SurveyResponse
    from wagtail_ocena.models.responses import draft_response

    # Submissions are dated like the responses (the field is otherwise set on saving).
    FormSubmission._meta.get_field("submit_time").auto_now_add = False
    entries = iter(entries)
    while chunk := list(itertools.islice(entries, batch)):
        drafts = [
            draft_response(version, questions, answers, site=site, channel=channel,
                           submitted_on=day)
            for day, channel, answers in chunk
        ]  # fmt: skip
        submissions = [
            FormSubmission(
                page=form_page,
                form_data=form_data(answers),
                submit_time=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
            )
            for day, _channel, answers in chunk
        ]
        with transaction.atomic():
            SurveyResponse.objects.bulk_create([response for response, _ in drafts])
            Answer.objects.bulk_create(
                [_bind(row, response) for response, rows in drafts for row in rows], batch_size=5000
            )
            FormSubmission.objects.bulk_create(submissions, batch_size=2000)


def _bind(row, response):
    row.response = response
    return row


# --- measured steps ------------------------------------------------------------------------


@functools.cache
def office_site():
    from wagtail_ocena.models import SurveyPage

    return SurveyPage.objects.live().get().get_site()


def step_report():
    from wagtail_ocena.reports.compute import build_report

    report = build_report(office_site(), year())
    return {"responses": report.responses, "index": round(report.overall.satisfaction_index, 2)}


def step_report_mid_month():
    from wagtail_ocena.reports.compute import build_report
    from wagtail_ocena.reports.period import Period

    end = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    report = build_report(office_site(), Period(end - datetime.timedelta(days=364), end))
    return {"responses": report.responses, "index": round(report.overall.satisfaction_index, 2)}


def step_forms():
    """The yearly figures from Wagtail form submissions: what the form builder leaves you."""
    from django.utils import timezone
    from wagtail.contrib.forms.models import FormSubmission

    from example_site.home.models import FormPage
    from wagtail_ocena.choices import QuestionKind
    from wagtail_ocena.models import SurveyPage
    from wagtail_ocena.reports.statistics import RatingStats, merge

    period = year()
    questions = SurveyPage.objects.live().get().current_version.load_questions()
    ratings = [q.key.replace("-", "_") for q in questions if q.kind == QuestionKind.RATING]
    choices = [
        q.key.replace("-", "_")
        for q in questions
        if q.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.PROFILE, QuestionKind.DEPARTMENT)
    ]
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end, datetime.time.max))
    submissions = FormSubmission.objects.filter(
        page=FormPage.objects.get(), submit_time__range=(start, end)
    )
    counts = {key: Counter() for key in ratings}
    by_department = defaultdict(Counter)
    by_month = defaultdict(Counter)
    options = {key: Counter() for key in choices}
    comments = 0
    total = 0
    for data, submitted in submissions.values_list("form_data", "submit_time").iterator(
        chunk_size=2000
    ):
        total += 1
        department = data.get("wydzial")
        for key in ratings:
            value = data.get(key)
            if value is not None:
                value = 0 if value == "na" else value
                counts[key][value] += 1
                by_department[department][value] += 1
                by_month[submitted.date().replace(day=1)][value] += 1
        for key in choices:
            if key in data:
                options[key][data[key]] += 1
        comments += bool(data.get("uwagi"))
    stats = [RatingStats({v: c[v] for v in range(1, 6)}, c[0]) for c in counts.values()]
    overall = merge(stats)
    return {"responses": total, "index": round(overall.satisfaction_index, 2)}


def _report():
    from wagtail_ocena.reports.compute import build_report

    return build_report(office_site(), year())


def prepare_pdf():
    """What the task worker does when it starts (apps.py)."""
    from wagtail_ocena.printing import prepare_pdf_rendering

    prepare_pdf_rendering()


def step_pdf():
    from wagtail_ocena.reports.compute import build_report
    from wagtail_ocena.reports.pdf import render_report_pdf

    report = build_report(office_site(), year(), group_comments=True)
    pdf = render_report_pdf(report)
    return {
        "pdf": pdf,  # its pages are counted after the timing
        "comments": report.comments_total,
        "comment_groups": len(report.comment_groups),
    }


def step_pdf_cold():
    return step_pdf()


def step_xlsx():
    from wagtail_ocena.reports.spreadsheet import write_xlsx

    with tempfile.TemporaryFile() as output:
        write_xlsx(_report(), output)
        return {"bytes": output.tell()}


def step_csv():
    from wagtail_ocena.reports.spreadsheet import csv_rows

    size = sum(len(line.encode()) for line in csv_rows(_report()))
    return {"bytes": size}


def _forms_export(spreadsheet_format):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from example_site.home.models import FormPage

    user, _ = get_user_model().objects.get_or_create(
        username="benchmark", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    period = year()
    response = client.get(
        reverse("wagtailforms:list_submissions", args=[FormPage.objects.get().pk]),
        {"export": spreadsheet_format, "date_from": period.start, "date_to": period.end},
    )
    assert response.status_code == 200, response.status_code
    content = response.streaming_content if response.streaming else [response.content]
    return {"bytes": sum(len(chunk) for chunk in content)}


def step_forms_xlsx():
    return _forms_export("xlsx")


def step_forms_csv():
    return _forms_export("csv")


def prepare_publish():
    """A database seeded by an older checkout gets this one's migrations (untimed)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def step_publish():
    from django.db import connection, transaction

    from wagtail_ocena import before_change
    from wagtail_ocena.models import GeneratedReport, SurveyPage, SurveyVersion

    survey = SurveyPage.objects.live().get()
    version = survey.current_version
    first_day = datetime.date.today() - datetime.timedelta(days=730)
    timed = {}
    report_before_change = before_change.report_before_change

    def timed_report(*args, **kwargs):
        started = time.perf_counter()
        try:
            return report_before_change(*args, **kwargs)
        finally:
            timed["before_change_seconds"] = round(time.perf_counter() - started, 3)

    before_change.report_before_change = timed_report
    with transaction.atomic():
        # Versions never change: only here, and rolled back, is it dated back to the first
        # response, so that its report covers the two years seeded.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SurveyVersion._meta.db_table} SET created_at = %s WHERE id = %s",
                [datetime.datetime.combine(first_day, datetime.time(8), datetime.UTC), version.pk],
            )
        survey = SurveyPage.objects.get(pk=survey.pk)
        survey.questions = [q for q in survey.questions.raw_data if q["value"]["key"] != "uwagi"]
        started = time.perf_counter()
        survey.save_revision().publish()
        seconds = time.perf_counter() - started
        published = SurveyPage.objects.get(pk=survey.pk).current_version
        records = list(GeneratedReport.objects.filter(replaced_version=version))
        result = {
            "publish_seconds": round(seconds, 3),
            **timed,
            "new_version": published.pk != version.pk,
            "reports": [(r.status, str(r.period_start), str(r.period_end)) for r in records],
        }
        for record in records:
            if record.file:
                record.file.storage.delete(record.file.name)
        transaction.set_rollback(True)
    return result


def query_plans():
    """EXPLAIN of the report's grouped queries, to show they use the count tables' index."""
    from django.db import connection

    from wagtail_ocena.models import (
        DailyAnswerCount,
        DailyDepartmentRating,
        DailyOfficeAnswerCount,
        DailyResponseCount,
        MonthlyAreaCount,
        MonthlyOfficeAnswerCount,
    )
    from wagtail_ocena.reports.comments import comment_groups, newest_comments
    from wagtail_ocena.reports.filters import ReportFilters

    period = year()
    site = office_site()
    plans = {}
    for model, columns, extra in (
        (DailyOfficeAnswerCount, ["month", "question_id", "value"], {}),
        (DailyAnswerCount, ["month", "question_id", "value"], {"department_key": 1}),
        (DailyDepartmentRating, ["department_key", "value"], {}),
        (DailyResponseCount, ["month", "channel", "department_key", "version_id"], {}),
        (MonthlyAreaCount, ["department_key", "question_id", "value"], {}),
        (MonthlyOfficeAnswerCount, ["month", "question_id", "value"], {}),
    ):
        from django.db.models import Sum

        queryset = (
            model.objects.filter(site=site, day__range=(period.start, period.end), **extra)
            .values_list(*columns)
            .annotate(total=Sum("count"))
            .order_by()
        )
        plans[model.__name__] = queryset.explain()
    plans["comments shown"] = newest_comments(site, period, ReportFilters()).explain()
    plans["comment groups (PDF)"] = comment_groups(site, period, ReportFilters()).explain()
    return {"vendor": connection.vendor, "plans": plans}


# --- driver ------------------------------------------------------------------------------


def child(args):
    setup_django(args.database_url)
    if args.step == "seed":
        result = seed(args.count)
    elif args.step == "plans":
        result = query_plans()
    else:
        prepare = globals().get(f"prepare_{args.step}")
        prepared = None
        if prepare is not None:
            started = time.perf_counter()
            prepare()
            prepared = time.perf_counter() - started
        # Not timed: the first lookup of the site imports every URLconf (Page.get_site
        # reverses a URL), 0.3 s that a running process has long paid.
        office_site()
        started, cpu = time.perf_counter(), time.process_time()
        result = globals()[f"step_{args.step}"]()
        result["seconds"] = time.perf_counter() - started
        # This process's own processor time: on a shared machine, what waiting does not inflate.
        result["cpu_seconds"] = round(time.process_time() - cpu, 2)
        if prepared is not None:
            result["prepare_seconds"] = round(prepared, 2)
        if "pdf" in result:
            import io

            import pypdf

            pdf = result.pop("pdf")
            result.update(bytes=len(pdf), pages=len(pypdf.PdfReader(io.BytesIO(pdf)).pages))
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=str))


def run_child(database_url, step, count=0, script=__file__):
    """Run ``step`` of ``script`` (this one, or another benchmark with the same options) in
    a process of its own; returns the JSON it printed last."""
    arguments = [sys.executable, script, "--child", step, "--database-url", database_url]
    if count:
        arguments += ["--count", str(count)]
    output = subprocess.run(arguments, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def database_for(size):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"bench_reports_{size}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
        return url.rsplit("/", 1)[0] + "/" + name
    return f"sqlite:///{tempfile.mkdtemp()}/bench-{size}.sqlite3"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--child", dest="step")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--database-url", help="Measure this seeded database (from --seed-only).")
    parser.add_argument(
        "--steps", default=",".join(STEPS), help="The steps to time, comma-separated (all)."
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Runs of the report steps, forms and publish, alternating (the others run once).",
    )
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="Seed the databases, print their URLs and stop (to measure later with --database-url).",
    )
    args = parser.parse_args()
    if args.step:
        return child(args)
    if args.database_url:
        measure(args.database_url, args.repeat, args.steps.split(","))
        return

    for size in [int(s) for s in args.sizes.split(",")]:
        url = database_for(size)
        seeded = run_child(url, "seed", size)
        print(f"\n(database: {url})", end="")
        print(
            f"\n== N = {size:,} responses ({url.split(':')[0]}): seeded in {seeded['seconds']:.0f} s, "
            f"daily counts rebuilt in {seeded['count_rebuild_seconds']:.1f} s",
            flush=True,
        )
        if not args.seed_only:
            measure(url, args.repeat, args.steps.split(","))


def measure(url, repeat, steps=STEPS):
    """Time ``steps`` on a seeded database and print the results and query plans."""
    runs = {step: [] for step in steps}
    for _ in range(max(1, repeat)):
        for step in REPEATED + ["publish"]:
            if step in runs:
                runs[step].append(run_child(url, step))
    for step in steps:
        if not runs[step]:
            runs[step].append(run_child(url, step))
    for step in steps:
        seconds = [run["seconds"] for run in runs[step]]
        result = runs[step][0]
        detail = ", ".join(
            f"{k}={v}" for k, v in result.items() if k not in ("seconds", "max_rss_mb")
        )
        peak = max(run["max_rss_mb"] for run in runs[step])
        timing = f"{statistics.median(seconds):8.2f} s"
        if len(seconds) > 1:
            timing += f" (median of {len(seconds)}; first {seconds[0]:.2f} s)"
        print(f"{step:10} {timing}   peak {peak:6.0f} MB   {detail}")
    if runs.get("forms") and runs.get("report"):
        speedup = statistics.median(r["seconds"] for r in runs["forms"]) / statistics.median(
            r["seconds"] for r in runs["report"]
        )
        print(f"report structure vs form submissions (medians): {speedup:.1f}x as fast")
    if "report" not in runs:
        return
    plans = run_child(url, "plans")
    for name, plan in plans["plans"].items():
        print(f"plan ({plans['vendor']}) {name}: {' | '.join(plan.splitlines())}")


if __name__ == "__main__":
    main()
