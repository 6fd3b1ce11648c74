"""The resident's pages in a real browser (Chromium) against the demo site in its own server process.

The server is `manage.py runserver` on a fresh database loaded by `load_demo`, the same content
`make demo` serves: an SQLite file, or a new database on the PostgreSQL server that DATABASE_URL
points at. Checks cover axe-core's WCAG 2.1 AA rules, visible focus, the error summary, and
answering the survey with JavaScript turned off.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
BANNER = "Oceń Urząd Powiedz nam, jak Cię obsłużyliśmy. Ankieta jest anonimowa i zajmie około trzech minut."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoServer:
    def __init__(self, directory):
        self.postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        if self.postgres:
            self.admin_url = os.environ["DATABASE_URL"]
            self.database_url = self.admin_url.rsplit("/", 1)[0] + f"/browser_{os.getpid()}"
            self.admin(f"CREATE DATABASE browser_{os.getpid()}")
        else:
            self.database_url = f"sqlite:///{directory / 'browser.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "example_site.settings",
            "DATABASE_URL": self.database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "browser-tests-only",
            # Plain http on the loopback: no redirect to https.
            "DJANGO_HTTPS": "0",
        }
        self.url = f"http://127.0.0.1:{free_port()}"

    def admin(self, sql):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self):
        self.manage("migrate", "--noinput")
        self.manage("load_demo", "--days", "30")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", self.url[7:]],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)  # noqa: S310 (our own server)
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the demo server did not start") from None
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.postgres:
            self.admin(f"DROP DATABASE browser_{os.getpid()}")

    def query(self, sql):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.database_url) as connection:
                return connection.execute(sql).fetchall()
        with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = DemoServer(tmp_path_factory.mktemp("browser"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def assert_accessible(page):
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_questionnaire_meets_wcag_21_aa(browser, server, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto(server.url + "/ankieta/")

    assert page.locator("fieldset").count() == 22
    assert_accessible(page)
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_homepage_banner_meets_wcag_21_aa(browser, server, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto(server.url + "/")

    assert page.get_by_role("link", name=BANNER).is_visible()
    assert_accessible(page)
    page.close()


def test_error_summary_is_accessible_and_links_to_the_question(browser, server):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server.url + "/ankieta/")

    page.get_by_role("button", name="Wyślij ankietę").click()

    summary = page.get_by_role("alert")
    assert "Prosimy poprawić odpowiedzi" in summary.inner_text()
    assert page.title().startswith("Błąd:")
    assert_accessible(page)
    summary.get_by_role("link").filter(has_text="Jak ogólnie ocenia Pan/Pani obsługę").click()
    assert page.evaluate("document.activeElement.id") == "id_q-ogolna-ocena_0"
    page.close()


def test_keyboard_focus_is_always_visible(browser, server):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server.url + "/ankieta/")

    seen = set()
    for _ in range(8):
        page.keyboard.press("Tab")
        tag, element_id, outline_style, outline_width = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName, e.id, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert tag != "BODY"
        assert outline_style != "none" and outline_width != "0px", (tag, element_id)
        seen.add(tag)
    # The tab order reaches the questions' inputs, not only links.
    assert "INPUT" in seen
    page.close()


def test_resident_completes_the_survey_without_javascript(browser, server):
    before = server.query("SELECT count(*) FROM wagtail_ocena_surveyresponse")[0][0]
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "/")

    page.get_by_role("link", name=BANNER).click()
    opened = time.monotonic()
    page.get_by_role("group", name="W którym wydziale").get_by_label(
        "Podatki i opłaty lokalne"
    ).check()
    page.get_by_role("group", name="Czas oczekiwania na obsługę").get_by_label(
        "2 raczej źle"
    ).check()
    page.get_by_role("group", name="Jak ogólnie ocenia Pan/Pani obsługę").get_by_label(
        "5 bardzo dobrze"
    ).check()
    page.get_by_label("Uwagi, opinie i propozycje zmian").fill("Więcej krzeseł w poczekalni.")
    # A person takes longer than the form's minimum fill time (5 s by default).
    time.sleep(max(0, 5.5 - (time.monotonic() - opened)))
    page.get_by_role("button", name="Wyślij ankietę").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Dziękujemy za wypełnienie ankiety"
    assert page.url.endswith("/ankieta/dziekujemy/")
    after = server.query("SELECT count(*) FROM wagtail_ocena_surveyresponse")[0][0]
    assert after == before + 1
    answers = dict(
        server.query(
            "SELECT q.key, coalesce(CAST(a.rating AS TEXT), d.name, a.text)"
            " FROM wagtail_ocena_answer a"
            " JOIN wagtail_ocena_surveyquestion q ON q.id = a.question_id"
            " LEFT JOIN wagtail_ocena_department d ON d.id = a.department_id"
            " WHERE a.response_id = (SELECT response_id FROM wagtail_ocena_answer"
            " WHERE text = 'Więcej krzeseł w poczekalni.')"
        )
    )
    assert answers == {
        "wydzial": "Podatki i opłaty lokalne",
        "czas-oczekiwania": "2",
        "ogolna-ocena": "5",
        "uwagi": "Więcej krzeseł w poczekalni.",
    }
    context.close()


SHEET_KEYS = [
    # department, purpose, frequency, resolved, right clerk
    "2",
    "3",
    "1",
    "1",
    "1",
    # eleven rated areas on the 1–5 scale (0 = not applicable), then the overall rating
    "4",
    "5",
    "3",
    "0",
    "4",
    "4",
    "5",
    "2",
    "3",
    "0",
    "4",
    "5",
    # compared with other institutions
    "2",
]
PROFILE_KEYS = ["1", "3", "2", "1"]


def test_administrator_types_in_five_sheets_with_the_keyboard_only(browser, server):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server.url + "/admin/login/")
    # The browser applies autofocus at its next rendering step, which may come after "load".
    page.wait_for_function("document.activeElement.id === 'id_username'", timeout=10000)
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("admin")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/admin/")
    page.goto(server.url + "/admin/ocena/paper/")

    def active():
        return page.evaluate("document.activeElement.id")

    def wait_for_first_question():
        page.wait_for_function("document.activeElement.id === 'id_q-wydzial_0'", timeout=15000)

    # First sheet: from the first question back to the batch and sheet number fields.
    wait_for_first_question()
    while active() != "id_batch":
        page.keyboard.press("Shift+Tab")
    page.keyboard.type("skrzynka BOI, listopad")
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    while not active().startswith("id_q-wydzial"):
        page.keyboard.press("Tab")

    for sheet in range(1, 6):
        wait_for_first_question()
        for key in SHEET_KEYS:
            page.keyboard.press(key)
        assert active() == "id_q-uwagi"
        page.keyboard.type(f"Uwagi z arkusza {sheet}")
        page.keyboard.press("Tab")
        for key in PROFILE_KEYS:
            page.keyboard.press(key)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        status = page.locator(".ocena-paper-count").inner_text()
        assert f"dotąd wprowadzono {sheet} " in status, page.locator(
            ".error-message"
        ).all_inner_texts()

    rows = server.query(
        "SELECT r.sheet_number, r.batch, r.channel, d.name FROM wagtail_ocena_surveyresponse r"
        " JOIN wagtail_ocena_department d ON d.id = r.department_id"
        " WHERE r.batch = 'skrzynka BOI, listopad' ORDER BY r.sheet_number"
    )
    assert rows == [
        (n, "skrzynka BOI, listopad", "paper", "Podatki i opłaty lokalne") for n in range(1, 6)
    ]
    ratings = server.query(
        "SELECT q.key, a.rating, a.not_applicable FROM wagtail_ocena_answer a"
        " JOIN wagtail_ocena_surveyquestion q ON q.id = a.question_id"
        " JOIN wagtail_ocena_surveyresponse r ON r.id = a.response_id"
        " WHERE r.batch = 'skrzynka BOI, listopad' AND r.sheet_number = 5"
        " AND q.key IN ('czas-oczekiwania', 'uprzejmosc', 'ogolna-ocena')"
        " ORDER BY q.key"
    )
    assert [tuple(row) for row in ratings] == [
        ("czas-oczekiwania", 4, False),
        ("ogolna-ocena", 5, False),
        ("uprzejmosc", None, True),
    ]
    page.close()


def test_report_meets_wcag_21_aa(browser, server):
    import datetime

    page = browser.new_page(viewport=DESKTOP)
    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    today = datetime.date.today()
    start = today - datetime.timedelta(days=60)
    page.goto(
        f"{server.url}/admin/ocena/reports/1/?preset=custom&date_from={start}&date_to={today}"
        "&include_comments=on"
    )

    report = page.locator(".ocena-report")
    assert "Raport z badania satysfakcji klientów" in report.inner_text()
    assert page.locator(".ocena-report svg[role=img] title").count() > 5
    # Only the report's own markup: the rest of the page is Wagtail's admin.
    results = Axe().run(page, context={"include": [".ocena-report"]}, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    page.close()


COLLECT_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def test_no_content_security_policy_violation_while_answering_or_administering(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    seen = []

    def violations():
        seen.extend(page.evaluate("window.violations"))
        return seen

    response = page.goto(server.url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page.get_by_role("link", name=BANNER).click()
    opened = time.monotonic()
    page.get_by_role("group", name="W którym wydziale").get_by_label("Inne").check()
    page.get_by_role("group", name="Jak ogólnie ocenia Pan/Pani obsługę").get_by_label(
        "5 bardzo dobrze"
    ).check()
    page.get_by_label("Uwagi, opinie i propozycje zmian").fill("Bez zastrzeżeń.")
    page.wait_for_timeout(200)
    assert violations() == []
    time.sleep(max(0, 5.5 - (time.monotonic() - opened)))
    page.get_by_role("button", name="Wyślij ankietę").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dziękujemy za wypełnienie ankiety"
    assert violations() == []

    page.goto(server.url + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(server.url + "/admin/")
    (site_id,) = server.query("SELECT id FROM wagtailcore_site")[0]
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/ocena/paper/{site_id}/",
        f"/admin/ocena/reports/{site_id}/",
        "/admin/wagtail_ocena/surveyresponse/",
    ):
        response = page.goto(server.url + path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        assert violations() == [], path
    context.close()
