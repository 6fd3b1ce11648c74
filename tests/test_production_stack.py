"""The example site's settings under `make serve` (scripts/serve-production): no server is
started; the settings are loaded in a fresh process with the stack's environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stack_environment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="example_site.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-generated-secret-for-this-test-only-0123456789abcdefghijkl",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Nothing listens there: neither check below connects to Redis.
        REDIS_URL="redis://127.0.0.1:9/0",
        DJANGO_TASKS_BACKEND="database",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return env


def test_stack_environment_selects_redis_and_the_database_task_backend(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.TASKS['default']['BACKEND'], "
        "'django_tasks_db' in settings.INSTALLED_APPS, settings.DEBUG]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=stack_environment(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    cache, tasks_backend, app_installed, debug = json.loads(result.stdout)
    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
    assert tasks_backend == "django_tasks_db.DatabaseBackend"
    assert app_installed and debug is False


def test_stack_settings_pass_the_deployment_checks(tmp_path):
    # As on a server behind HTTPS (DJANGO_HTTPS defaults to on): not a single warning.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=stack_environment(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
