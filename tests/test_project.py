"""Checks of the project itself that CI would otherwise run separately."""

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_are_complete():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_code_passes_the_linter():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff, "ruff is part of the dev extras: pip install -e '.[dev]'"
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [ruff, *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_wheel_ships_the_app_with_templates_static_and_catalogs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("wagtail_ocena-*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    assert "wagtail_ocena/templates/wagtail_ocena/survey_page.html" in names
    assert "wagtail_ocena/static/wagtail_ocena/css/ocena.css" in names
    assert "wagtail_ocena/locale/pl/LC_MESSAGES/django.mo" in names
    assert "wagtail_ocena/migrations/0001_initial.py" in names
    assert not [
        name for name in names if name.startswith(("tests/", "example_site/", "benchmarks/"))
    ]
