"""The report and the printable questionnaire are tagged PDF/UA-1 documents, for the office's
BIP: checked by an independent checker (the ``pdfua`` package) and read back with pypdf."""

import datetime
import io
import itertools

import pdfua
import pypdf
import pytest
from django.core.files.images import ImageFile
from django.utils import translation
from PIL import Image as PILImage
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject
from wagtail.images.models import Image

from wagtail_ocena.choices import Channel
from wagtail_ocena.models import Department
from wagtail_ocena.printing import render_questionnaire_pdf
from wagtail_ocena.reports.compute import build_report
from wagtail_ocena.reports.filters import ReportFilters
from wagtail_ocena.reports.pdf import render_report_pdf
from wagtail_ocena.reports.period import Period

from .conftest import record_response

pytestmark = pytest.mark.django_db

YEAR = Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
SURVEY_URL = "http://localhost/ankieta/"
LANGUAGES = ["pl", "en"]
HEADINGS = {f"/H{level}" for level in range(1, 7)}
# pdfua 0.1.3's rule for empty headings stops on pikepdf 10, by asking an array for
# ``is_integer``; assert_accessible() checks that the headings hold text instead.
SKIPPED_BY_THE_CHECKER = {"UA-14-001"}


def checker_problems(pdf, tmp_path):
    """What the pdfua checker finds in ``pdf`` (warnings and errors), and the rules it could
    not run on it."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    report = pdfua.validate(str(path))
    problems = [
        f"{finding.rule_id} {finding.severity.name}: {finding.message} "
        f"({finding.location.describe()})"
        for finding in report.findings
        if finding.severity >= pdfua.Severity.WARNING
    ]
    skipped = {outcome.rule_id: outcome.skipped_reason for outcome in report.outcomes}
    return problems, {rule: reason for rule, reason in skipped.items() if reason}


def structure(reader):
    """The structure elements of the document in reading order, as ``(object number,
    element)``."""

    def walk(node):
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            element = kid.get_object()
            if isinstance(element, DictionaryObject) and "/S" in element:
                yield kid.idnum, element
                yield from walk(element)

    yield from walk(reader.trailer["/Root"]["/StructTreeRoot"].get_object())


def marks_content(element):
    """Whether ``element`` or an element inside it holds marked page content (an MCID)."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        if isinstance(kid, int) or (
            isinstance(kid.get_object(), DictionaryObject) and marks_content(kid.get_object())
        ):
            return True
    return False


def marked_sequences(reader, page):
    """The marked-content sequences of a page's content: ``(tag, properties)``."""
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"BDC":
            yield operands[0], operands[1]
        elif operator == b"BMC":
            yield operands[0], {}


def assert_accessible(pdf, language, tmp_path):
    """The checks every PDF of the package passes; returns its structure elements."""
    problems, skipped = checker_problems(pdf, tmp_path)
    assert not problems, "\n".join(problems)
    assert set(skipped) <= SKIPPED_BY_THE_CHECKER, skipped

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data()

    tree = dict(structure(reader))
    elements = list(tree.values())
    roles = [element["/S"] for element in elements]
    # Headings from H1 down, never skipping a level, none of them empty.
    headings = [element for element in elements if element["/S"] in HEADINGS]
    levels = [int(heading["/S"][2:]) for heading in headings]
    assert levels[0] == 1 and roles.count("/H1") == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    assert all(marks_content(heading) for heading in headings)
    for element in elements:
        if element["/S"] == "/Figure":
            assert str(element.get("/Alt", "")).strip(), element
        if element["/S"] == "/TH":
            assert element["/A"]["/Scope"] in ("/Column", "/Row"), element
        if element["/S"] == "/L":
            assert {kid.get_object()["/S"] for kid in element["/K"]} == {"/LI"}

    # Every piece of page content is in the structure tree, or an artifact: the running
    # headers and page numbers are pagination artifacts.
    nums = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    for number, page in enumerate(reader.pages, start=1):
        mcid_parents = parents[page["/StructParents"]].get_object()
        sequences = list(marked_sequences(reader, page))
        for tag, properties in sequences:
            if "/MCID" in properties:
                parent = mcid_parents[properties["/MCID"]]
                assert parent and parent.idnum in tree, f"page {number}: {tag} {properties}"
            else:
                assert tag == "/Artifact", f"page {number}: {tag}"
        assert any(properties.get("/Type") == "/Pagination" for _, properties in sequences)
    return elements


def alt_texts(elements):
    return [str(element["/Alt"]) for element in elements if element["/S"] == "/Figure"]


def scopes(elements):
    return {element["/A"]["/Scope"] for element in elements if element["/S"] == "/TH"}


@pytest.fixture
def year_of_answers(survey, office, settings):
    """Two years of responses in every department, with comments and profile answers."""
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 2
    departments = list(Department.objects.for_site(survey.get_site()).order_by("sort_order"))
    days = [datetime.date(2025, 1, 15), datetime.date(2025, 6, 10), datetime.date(2025, 11, 3)]
    days += [datetime.date(2026, 2, 20), datetime.date(2026, 3, 9)]
    for number in range(24):
        record_response(
            survey,
            {
                "wydzial": departments[number % len(departments)],
                "ogolna-ocena": str(2 + number % 4),
                "czas-oczekiwania": "na" if number % 7 == 0 else str(1 + number % 5),
                "uprzejmosc": str(3 + number % 3),
                "cel-wizyty": "wniosek" if number % 2 else "informacja",
                "porownanie": "lepsza" if number % 3 else "gorsza",
                "klient": "osoba-fizyczna",
                "wiek": "26-40" if number % 2 else "56-70",
                "uwagi": ["Za mało krzeseł.", "Bardzo miła obsługa!", ""][number % 3],
            },
            channel=Channel.PAPER if number % 4 == 0 else Channel.ELECTRONIC,
            submitted_on=days[number % len(days)],
        )
    return survey


def yearly_report(site, language, **filters):
    with translation.override(language):
        report = build_report(site, YEAR, ReportFilters(**filters), group_comments=True)
        return report, render_report_pdf(report, language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_yearly_report_is_an_accessible_pdf(year_of_answers, site, language, tmp_path):
    report, pdf = yearly_report(site, language)
    assert report.has_data and report.profile and report.comment_groups
    assert report.choice_questions and len(report.departments) == 3

    elements = assert_accessible(pdf, language, tmp_path)

    roles = [element["/S"] for element in elements]
    assert {"/H1", "/H2", "/H3", "/Table", "/Caption", "/L", "/LI", "/Link"} <= set(roles)
    assert scopes(elements) == {"/Column", "/Row"}
    # The charts: the trend, a distribution bar per rated area with answers, the departments.
    alts = alt_texts(elements)
    assert len(alts) == 2 + sum(1 for q in report.rating_questions if q.rating.n)
    assert {"pl": "od kwietnia 2025 do marca 2026", "en": "April 2025 to March 2026"}[
        language
    ] in alts[0]
    for department in report.departments:
        assert any(department.name in alt for alt in alts), department.name
    # The contents' links are described by their text, not by the id they lead to.
    links = {
        str(annotation.get_object()["/Contents"])
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
        for annotation in page.get("/Annots", [])
    }
    assert {"pl": "Podsumowanie", "en": "Summary"}[language] in links
    assert "summary" not in links


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_without_data_is_an_accessible_pdf(survey, office, site, language, tmp_path):
    report, pdf = yearly_report(site, language)
    assert not report.has_data

    elements = assert_accessible(pdf, language, tmp_path)

    assert alt_texts(elements) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withheld_department_report_is_an_accessible_pdf(
    year_of_answers, site, settings, language, tmp_path
):
    settings.WAGTAIL_OCENA_REPORT_MINIMUM_GROUP = 50
    department = Department.objects.for_site(site).first()
    report, pdf = yearly_report(site, language, department=department)
    assert report.withheld

    assert_accessible(pdf, language, tmp_path)


def add_logo(office):
    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 120), (11, 61, 145)).save(buffer, "PNG")
    office.logo = Image.objects.create(title="Herb", file=ImageFile(buffer, name="herb.png"))
    office.save()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("logo", [True, False])
def test_the_printable_questionnaire_is_an_accessible_pdf(survey, office, language, logo, tmp_path):
    if logo:
        add_logo(office)
    pdf = render_questionnaire_pdf(survey.current_version, office, SURVEY_URL, language=language)

    elements = assert_accessible(pdf, language, tmp_path)

    alts = alt_texts(elements)
    assert len(alts) == 1 + logo
    assert SURVEY_URL in alts[-1]  # the QR code says where it leads
    if logo:
        assert alts[0] == office.name
    # The ratings' table: a column for each point of the scale, a row for each area.
    assert scopes(elements) == {"/Column", "/Row"}
    # The options of a question, the departments' too, are lists.
    department_names = [department.name for department in Department.objects.filter(office=office)]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for name in department_names:
        assert name in text
    assert [element["/S"] for element in elements].count("/L") >= 4
