"""Tables of the report's PDF as one structure element each, wherever the pages break."""

import datetime
import io

import pikepdf
import pytest
from django.utils import translation

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Department
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period

from .conftest import record_response

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))


def tables(pdf):
    """Each /Table structure element of ``pdf``: the roles of its rows' parents and rows."""

    def kids(element):
        value = element.get("/K")
        items = value if isinstance(value, pikepdf.Array) else [value] if value is not None else []
        return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]

    def walk(element):
        for kid in kids(element):
            if kid.S == "/Table":
                yield (
                    [str(part.S) for part in kids(kid)],
                    [str(row.S) for part in kids(kid) for row in kids(part)],
                )
            yield from walk(kid)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return list(walk(document.Root.StructTreeRoot))


@pytest.mark.parametrize("departments", [5, 7, 9])
def test_no_table_is_split_from_its_caption(survey, office, settings, departments):
    # Departments of several sizes move the per-department tables to every place on a page.
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 1
    site = survey.get_site()
    existing = Department.objects.for_site(site).count()
    for number in range(existing, departments):
        Department.objects.create(office=office, name=f"Wydział {number}", sort_order=number)
    for number, department in enumerate(Department.objects.for_site(site).order_by("sort_order")):
        for rating in range(1 + number % 3):
            record_response(
                survey,
                {
                    "wydzial": department,
                    "czas-oczekiwania": str(1 + (number + rating) % 5),
                    "uprzejmosc": "4",
                },
                channel=Channel.PAPER if rating else Channel.ELECTRONIC,
                submitted_on=datetime.date(2025, 5 + number % 6, 10),
            )
    with translation.override("pl"):
        pdf = render_report_pdf(build_report(site, YEAR, group_comments=True))

    found = tables(pdf)
    assert len(found) >= departments
    for parts, rows in found:
        # A caption left at the foot of a page would be a /Table of its own, without rows.
        assert "/TR" in rows, parts
