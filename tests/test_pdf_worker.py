"""WeasyPrint stays ready in the task worker: imported when it starts, one font configuration
per thread kept between documents; other processes import it only to render."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from wagtail_ocena.printing import font_configuration


def test_one_font_configuration_per_thread_kept_between_renders():
    first = font_configuration()
    assert font_configuration() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(font_configuration()))
    thread.start()
    thread.join()
    assert other[0] is not first


@pytest.mark.parametrize("command, preloaded", [("db_worker", True), ("runserver", False)])
def test_only_the_task_worker_imports_weasyprint_when_it_starts(command, preloaded):
    script = (
        "import sys; sys.argv = ['manage.py', sys.argv[1]]; import django; django.setup(); "
        "from wagtail_ocena import printing; "
        "print('weasyprint' in sys.modules, hasattr(printing._fonts, 'configuration'))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", script, command],
        cwd=root,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [str(preloaded)] * 2
