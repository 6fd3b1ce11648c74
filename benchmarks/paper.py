"""Paper questionnaires: PDF generation time, and paper sheets saved per second.

Both go through the real admin views with Django's test client, logged in as the demo
administrator: GET of the printable questionnaire (WeasyPrint renders the PDF each time),
and POST of completed sheets to the paper entry form (validation, the one-transaction save
and the audit log entry), each with its own sheet number, answering 302.

    .venv/bin/python benchmarks/paper.py [--pdfs 20] [--sheets 300]
    scripts/with-postgres .venv/bin/python benchmarks/paper.py   # on PostgreSQL
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.submissions import demo_survey, setup_django  # noqa: E402


def sheet_data(generator, version, number):
    from wagtail_ocena.models import Department

    data = {
        "version": str(version.pk),
        "batch": "benchmark",
        "sheet_number": str(number),
        "sheet_date": "",
        "next": "sheet",
    }
    for key, value in generator.answers(progress=1.0).items():
        data[f"q-{key}"] = str(value.pk) if isinstance(value, Department) else value
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--sheets", type=int, default=300)
    args = parser.parse_args()

    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from example_site.home.synthetic import ResponseGenerator
    from wagtail_ocena.models import SurveyResponse

    survey, office = demo_survey()
    version = survey.current_version
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    print(f"database: {connection.vendor} {connection.get_database_version()}")

    pdf_url = f"/admin/ocena/printable/{survey.pk}/"
    started = time.perf_counter()
    first = client.get(pdf_url)
    cold = time.perf_counter() - started
    assert first["Content-Type"] == "application/pdf"
    times = []
    for _ in range(args.pdfs):
        started = time.perf_counter()
        response = client.get(pdf_url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(
        f"printable questionnaire PDF ({len(first.content) // 1024} KiB): first {cold:.2f} s, "
        f"then median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"over {args.pdfs} downloads"
    )

    generator = ResponseGenerator(version, office.site, office.departments.all(), seed=11)
    entry_url = f"/admin/ocena/paper/{office.site.pk}/"
    posts = [sheet_data(generator, version, number) for number in range(1, args.sheets + 1)]
    started = time.perf_counter()
    for data in posts:
        response = client.post(entry_url, data)
        assert response.status_code == 302, response.content[:2000]
    elapsed = time.perf_counter() - started
    saved = SurveyResponse.objects.filter(batch="benchmark").count()
    assert saved == args.sheets, saved
    print(
        f"paper sheets saved through the entry form: {args.sheets} in {elapsed:.1f} s = "
        f"{args.sheets / elapsed:.1f} per second ({elapsed / args.sheets * 1000:.1f} ms each)"
    )


if __name__ == "__main__":
    main()
