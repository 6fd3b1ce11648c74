"""The Polish catalog is complete and compiled; English is the source language."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "wagtail_ocena" / "locale"


def test_polish_catalog_is_compiled():
    po = polib.pofile(LOCALE / "pl" / "LC_MESSAGES" / "django.po")
    mo = polib.mofile(LOCALE / "pl" / "LC_MESSAGES" / "django.mo")

    compiled = {entry.msgid: (entry.msgstr, entry.msgstr_plural) for entry in mo}
    for entry in po.translated_entries():
        assert compiled.get(entry.msgid) == (entry.msgstr, entry.msgstr_plural), entry.msgid


def test_english_catalog_holds_the_same_messages():
    """English is the source language: its catalog lists every message as itself."""
    pl = polib.pofile(LOCALE / "pl" / "LC_MESSAGES" / "django.po")
    en = polib.pofile(LOCALE / "en" / "LC_MESSAGES" / "django.po")

    assert len(pl) > 100
    assert {entry.msgid for entry in en} == {entry.msgid for entry in pl}
    assert en.untranslated_entries() == [] and en.fuzzy_entries() == []
    for entry in en:
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").exists()


def test_polish_catalog_is_complete():
    po = polib.pofile(LOCALE / "pl" / "LC_MESSAGES" / "django.po")

    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


def test_polish_plural_forms_are_declared():
    po = polib.pofile(LOCALE / "pl" / "LC_MESSAGES" / "django.po")

    assert (
        "nplurals=4" in po.metadata["Plural-Forms"] or "nplurals=3" in po.metadata["Plural-Forms"]
    )


@pytest.mark.django_db
def test_an_english_site_gets_an_english_questionnaire(client, settings, home, office):
    from .conftest import publish_survey

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        survey = publish_survey(home)
        html = client.get(survey.url).content.decode()

    assert "In which department or at which desk was your matter handled?" in html
    assert "Send the questionnaire" in html
    assert "(required)" in html
    for polish in ("Wyślij", "wymagane", "wydziale", "Dziękujemy"):
        assert polish not in html


def test_polish_translations_keep_the_placeholders():
    """What msgfmt --check would refuse: a translation that drops or adds a placeholder."""
    import re

    placeholder = re.compile(r"%(?:\([a-z_]+\))?[sd]|\{[a-z_]+\}|%%")
    po = polib.pofile(LOCALE / "pl" / "LC_MESSAGES" / "django.po")
    for entry in po.translated_entries():
        if "python-format" not in entry.flags:
            continue
        expected = sorted(set(placeholder.findall(entry.msgid_plural or entry.msgid)))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            found = sorted(set(placeholder.findall(text)))
            assert found == expected, (entry.msgid, text)
