"""Regenerate wagtail_ocena's catalogs, fill in the Polish translations, compile both.

Run it through `make messages` (needs GNU gettext's xgettext for extraction).
"""

import os
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "wagtail_ocena" / "locale"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from translations_pl import PL  # noqa: E402

HEADERS = {
    "pl": {
        "Language": "pl",
        "Language-Team": "Polish",
        "Plural-Forms": "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && "
        "(n%100<12 || n%100>14) ? 1 : n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && "
        "n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);",
    },
    "en": {
        "Language": "en",
        "Language-Team": "English",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
}


def extract():
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")
    django.setup()
    os.chdir(ROOT / "wagtail_ocena")
    call_command(
        "makemessages",
        locale=["pl", "en"],
        no_obsolete=True,
        no_location=True,
        verbosity=0,
    )


def fill_and_compile():
    missing = []
    for language, headers in HEADERS.items():
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path), wrapwidth=100)
        po.metadata.update(
            {
                "Project-Id-Version": "wagtail-ocena",
                "Report-Msgid-Bugs-To": "",
                "Last-Translator": "wagtail-ocena maintainers",
                **headers,
            }
        )
        po.header = (
            "Translations of wagtail-ocena. Polish strings live in scripts/translations_pl.py."
        )
        po.metadata_is_fuzzy = False
        for entry in po:
            if language == "pl":
                entry.msgstr = PL.get(entry.msgid, "")
                if not entry.msgstr:
                    missing.append(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
    return missing


if __name__ == "__main__":
    if "--compile-only" not in sys.argv:
        extract()
    missing = fill_and_compile()
    if missing:
        print("Missing Polish translations (add them to scripts/translations_pl.py):")
        for msgid in missing:
            print(f"  {msgid!r}")
        sys.exit(1)
    print("Catalogs updated and compiled: wagtail_ocena/locale/{pl,en}")
