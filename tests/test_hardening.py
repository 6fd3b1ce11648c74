"""The example site as production runs it: throttled logins, a secret key it will not guess,
errors logged, deployment checks clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_logins_are_throttled_after_five_wrong_passwords(client, django_user_model):
    django_user_model.objects.create_superuser("sekretarz", "s@example.org", "właściwe-hasło")
    address = {"REMOTE_ADDR": "203.0.113.7"}

    for attempt in range(5):
        wrong = client.post(
            "/admin/login/", {"username": "sekretarz", "password": f"zgadywane{attempt}"}, **address
        )
        # The fifth wrong password locks the name at this address.
        assert wrong.status_code == (429 if attempt == 4 else 200), attempt
        assert "_auth_user_id" not in client.session

    locked = client.post(
        "/admin/login/", {"username": "sekretarz", "password": "właściwe-hasło"}, **address
    )

    assert locked.status_code == 429
    assert "Logowanie wstrzymane" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The clerk at another computer is not locked out by someone guessing elsewhere.
    elsewhere = client.post(
        "/admin/login/",
        {"username": "sekretarz", "password": "właściwe-hasło"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"]


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="example_site.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_log_errors_with_tracebacks_to_stderr():
    code = (
        "import logging\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('django.request').exception('Internal Server Error: /ankieta/')\n"
    )
    result = manage("shell", "-c", code, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)

    assert result.returncode == 0, result.stderr
    assert "ERROR django.request: Internal Server Error: /ankieta/" in result.stderr
    assert "ZeroDivisionError" in result.stderr
