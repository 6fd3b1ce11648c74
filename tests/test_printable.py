"""Pobierz ankietę do wydrukowania: the printable questionnaire, read back from the PDF."""

import io

import pypdf
import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from wagtail_ocena.models import OfficeSettings
from wagtail_ocena.printing import render_questionnaire_pdf

pytestmark = pytest.mark.django_db


def pdf_url(survey):
    return f"/admin/ocena/printable/{survey.pk}/"


def read_pdf(response):
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_printable_questionnaire_holds_office_questions_and_version(clerk_client, survey):
    response = clerk_client.get(pdf_url(survey))

    version = survey.current_version
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ankieta-{version.code}.pdf"'
    reader = read_pdf(response)
    pages = page_texts(reader)
    text = " ".join(pages)
    assert len(pages) <= 2
    assert "Urząd Miejski w Koronowie" in text
    assert "ul. Testowa 1" in text
    for question in version.load_questions():
        assert " ".join(question.text.split()) in text, question.text
    for number, page in enumerate(pages, start=1):
        assert f"Wersja ankiety {version.code}" in page
        assert f"Strona {number} / {len(pages)}" in page
    for department in ("Urząd Stanu Cywilnego", "Podatki i opłaty lokalne"):
        assert department in text
    assert "nie dotyczy / trudno powiedzieć" in text
    assert "□" in text
    assert "http://localhost/ankieta/" in text
    # What paper entry asks of a sheet has its place on it.
    assert "Data wypełnienia" in text
    assert "Wypełnia urząd – partia:" in text and "numer arkusza:" in text
    for letters in ("ą", "ć", "ę", "ł", "ń", "ó", "ś", "ź", "ż"):
        assert letters in text, letters


@pytest.mark.parametrize("image_format, name", [("PNG", "herb.png"), ("JPEG", "herb.jpg")])
def test_printable_questionnaire_shows_the_office_logo(
    clerk_client, survey, office, image_format, name
):
    buffer = io.BytesIO()
    PILImage.new("RGB", (200, 120), (11, 61, 145)).save(buffer, image_format)
    office.logo = Image.objects.create(title="Herb", file=ImageFile(buffer, name=name))
    office.save()

    reader = read_pdf(clerk_client.get(pdf_url(survey)))

    assert len(reader.pages[0].images) == 1


def test_office_without_office_data_prints_the_site_name(clerk_client, survey, office, site):
    OfficeSettings.objects.filter(pk=office.pk).delete()
    site.site_name = "Gmina Koronowo"
    site.save()

    text = " ".join(page_texts(read_pdf(clerk_client.get(pdf_url(survey)))))

    assert "Gmina Koronowo" in text


def test_office_data_with_an_empty_name_prints_the_site_name(clerk_client, survey, office, site):
    # Opening the office settings page creates an empty row.
    office.name = ""
    office.save()
    site.site_name = "Gmina Koronowo"
    site.save()

    text = " ".join(page_texts(read_pdf(clerk_client.get(pdf_url(survey)))))

    assert "Gmina Koronowo" in text


def test_unpublished_survey_explains_instead_of_failing(clerk_client, survey):
    survey.unpublish()

    response = clerk_client.get(pdf_url(survey), follow=True)

    assert response.redirect_chain[-1][0] == "/admin/ocena/printable/"
    assert "nie jest opublikowana" in response.content.decode()


def test_the_index_offers_each_office_its_surveys(clerk_client, survey, other_office_survey):
    other_office_survey.unpublish()

    html = clerk_client.get("/admin/ocena/printable/").content.decode()

    assert f'href="{pdf_url(survey)}"' in html
    assert f"wersja {survey.current_version.code}" in html
    assert "Urząd Gminy Sicienko" in html
    assert "nie ma opublikowanej ankiety" in html


def test_the_command_writes_the_same_questionnaire(survey, tmp_path):
    from django.core.management import call_command

    output = tmp_path / "ankieta.pdf"
    call_command("printable_questionnaire", output=str(output), stdout=io.StringIO())

    text = " ".join(page.extract_text() for page in pypdf.PdfReader(output).pages)
    assert "Urząd Miejski w Koronowie" in text
    assert survey.current_version.code in text


def test_residents_get_the_printable_questionnaire_only_when_offered(client, survey, monkeypatch):
    from wagtail_ocena.views import public

    renders = []

    def counted(*args, **kwargs):
        renders.append(args)
        return render_questionnaire_pdf(*args, **kwargs)

    monkeypatch.setattr(public, "render_questionnaire_pdf", counted)
    printable = survey.url + "do-wydruku/"

    assert "do-wydruku" not in client.get(survey.url).content.decode()
    assert client.get(printable).status_code == 404

    survey.offer_printable = True
    survey.save_revision().publish()

    html = client.get(survey.url).content.decode()
    assert f'href="{printable}"' in html
    response = client.get(printable)
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page_texts(reader))
    assert "Urząd Miejski w Koronowie" in text
    assert survey.current_version.code in text
    assert client.get(printable).content == response.content
    assert len(renders) == 1  # the second download came from the cache
