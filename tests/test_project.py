"""Checks of the project itself that CI would otherwise run separately."""

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

import wagtail_ocena

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
    # Built from a copy, so that build leftovers in the checkout cannot leak into it.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "db.sqlite3", "media"
        ),
    )
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
            str(source),
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
    assert wheel.name.startswith(f"wagtail_ocena-{wagtail_ocena.__version__}-")


def test_works_with_a_swapped_page_model(tmp_path):
    """A site may swap Wagtail 8's page model (WAGTAIL_PAGE_MODEL); the survey page follows it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_swapped_page",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'swapped.sqlite3'}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    for args in (["check"], ["migrate", "--noinput"]):
        result = manage(*args)
        assert result.returncode == 0, result.stdout + result.stderr
    script = (
        "from wagtail.models import Site\n"
        "from wagtail_ocena.models import SurveyPage\n"
        "home = Site.objects.get(is_default_site=True).root_page\n"
        "page = home.add_child(instance=SurveyPage(title='Ankieta', slug='ankieta'))\n"
        "page.save_revision().publish()\n"
        "page = SurveyPage.objects.get(pk=page.pk)\n"
        "print(type(page)._meta.pk.remote_field.model.__name__, page.current_version.number)\n"
    )
    result = manage("shell", "--no-imports", "-c", script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-2:] == ["BasePage", "1"]
