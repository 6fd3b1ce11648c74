"""Load and fault runs against the production stack (`make serve`), over real sockets.

N residents at a time, each a distinct client: its own loopback source address (127.x.y.z,
so the rate limit sees distinct clients), its own cookies, its own connection. A resident
GETs the questionnaire (and, once, the page's CSS, scripts and images), reads it for 5–10 s,
POSTs a complete, randomly answered questionnaire with the CSRF token and the form token
``ocena_token`` from the page, follows the 303 to the thank-you page and reads that for
5–10 s; then the next resident takes its place. A few send the same form again afterwards
(Back and send), which must answer the "sent twice" thank-you page and store nothing.
Halfway, an editor logs in to the admin over HTTP and publishes changed questions.

With ``--fault`` PostgreSQL is stopped (``pg_ctl stop -m fast``) for 15 s mid-run. A resident
whose POST fails does what a person would: on a 503 page that shows the questionnaire again,
checks that the answers are kept and sends that form (with its fresh tokens) again after a
pause; on any other error (500, refused connection) goes back and sends the same form again
after a pause.

Afterwards the database is checked through the Django ORM: every accepted submission stored
once and only once with exactly the answers sent (each carries a unique tag in its comment),
nothing stored that was not accepted, no response missing answers, no answer of another
questionnaire version than its response's, and the daily counts equal to a recount.

    .venv/bin/python benchmarks/load.py                      # starts scripts/serve-production
    .venv/bin/python benchmarks/load.py --fault --json benchmarks/results/fault.json
    STACK_ENV_FILE=/tmp/stack.env make serve                 # or a stack started apart:
    .venv/bin/python benchmarks/load.py --stack-env /tmp/stack.env

The machine running this also runs the stack: the client's own CPU use is in the figures.
"""

import argparse
import base64
import http.client
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENT_TWICE = "ponownie"  # wagtail_ocena.names.SENT_TWICE, the thank-you URL's marker
TOKEN_FIELD = "ocena_token"  # noqa: S105 (a field name)
TAG_PREFIX = "obciazenie-"


# -- HTML ----------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """The survey form's fields (first POST form on the page) and the page's assets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.form_seen = False
        self.action = None
        self.hidden = {}
        self.text_inputs = {}
        self.choices = defaultdict(list)  # name -> [(value, type, checked)]
        self.textareas = {}
        self.selects = defaultdict(list)
        self.assets = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "") and a.get("href"):
            self.assets.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.assets.append(a["src"])
        if tag == "form" and (a.get("method") or "").lower() == "post" and not self.form_seen:
            self.in_form = self.form_seen = True
            self.action = a.get("action")
            return
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self.hidden[name] = a.get("value", "")
            elif kind in ("radio", "checkbox"):
                self.choices[name].append((a.get("value", "on"), kind, "checked" in a))
            elif kind not in ("submit", "button"):
                self.text_inputs[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.textareas[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self.selects[self._select].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea:
            self.textareas[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def parse_page(body):
    parser = PageParser()
    parser.feed(body.decode("utf-8", "replace"))
    return parser if parser.form_seen and TOKEN_FIELD in parser.hidden else None


def token_version(signed):
    """The questionnaire version a form token names (its payload is signed, not secret)."""
    payload = signed.split(":")[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)["v"]


def random_answers(form, tag, rng):
    """A complete questionnaire: every question answered, the comment carrying ``tag``."""
    answers = {}
    for name, options in form.choices.items():
        values = [value for value, _, _ in options]
        if options[0][1] == "checkbox":
            answers[name] = sorted(rng.sample(values, rng.randint(1, len(values))))
        else:
            answers[name] = rng.choice(values)
    for name, options in form.selects.items():
        values = [value for value, _ in options if value]
        answers[name] = rng.choice(values)
    for name in form.textareas:
        answers[name] = f"{rng.choice(COMMENTS)} ({TAG_PREFIX}{tag})"
    return answers


COMMENTS = [
    "Sprawnie i uprzejmie, dziękuję.",
    "Długo czekałem w kolejce do okienka.",
    "Przydałoby się więcej miejsc siedzących w poczekalni.",
    "Pani w okienku wszystko dokładnie wyjaśniła.",
    "Formularze na stronie są trudne do znalezienia.",
]


def kept_answers(form, answers):
    """Whether a re-rendered questionnaire shows every answer the resident gave."""
    for name, value in answers.items():
        if name in form.textareas:
            if form.textareas[name].strip() != value:
                return False
        elif name in form.choices:
            checked = sorted(v for v, _, is_checked in form.choices[name] if is_checked)
            if checked != (value if isinstance(value, list) else [value]):
                return False
        elif name in form.selects:
            if [v for v, selected in form.selects[name] if selected] != [value]:
                return False
    return True


def form_body(form, answers, csrf_cookie):
    fields = list(form.hidden.items())
    fields += [(name, "") for name in form.text_inputs]  # the honeypot stays empty
    for name, value in answers.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((name, item))
    if "csrfmiddlewaretoken" not in form.hidden and csrf_cookie:
        fields.append(("csrfmiddlewaretoken", csrf_cookie))
    return urllib.parse.urlencode(fields)


# -- HTTP ----------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (kind, status, start, end)
        self.events = Counter()
        self.accepted = []  # {"tag", "answers", "version", "at", "attempts", "via"}
        self.lost = []  # residents who gave up: their tag and why
        self.fault_window = None
        self.publish = {}

    def request(self, kind, status, start, end):
        with self.lock:
            self.requests.append((kind, status, start, end))

    def event(self, name, n=1):
        with self.lock:
            self.events[name] += n


STALE_CONNECTION_ERRORS = (
    BrokenPipeError,
    ConnectionResetError,
    http.client.RemoteDisconnected,
)


class Browser:
    """One client: one loopback source address, one cookie jar, one connection at a time."""

    def __init__(self, host, port, source, recorder, timeout=30):
        self.host, self.port, self.source = host, port, source
        self.recorder = recorder
        self.timeout = timeout
        self.cookies = {}
        self.conn = None
        self.host_header = f"{host}:{port}"

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout, source_address=(self.source, 0)
            )
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, kind, method, path, body=None, referer=None):
        headers = {
            "Host": self.host_header,
            "User-Agent": "wagtail-ocena-load/1",
            "Accept": "text/html,*/*",
            "Accept-Language": "pl",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host_header}"
        if referer:
            headers["Referer"] = f"http://{self.host_header}{referer}"
        start = time.monotonic()
        for attempt in (1, 2):
            reused = self.conn is not None and self.conn.sock is not None
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if reused and attempt == 1 and isinstance(error, STALE_CONNECTION_ERRORS):
                    # The server closed the idle keep-alive connection: a browser opens a
                    # new one and sends the request again, the resident sees nothing.
                    self.recorder.event("stale keep-alive connection reopened")
                    start = time.monotonic()
                    continue
                end = time.monotonic()
                self.recorder.request(kind, f"conn:{type(error).__name__}", start, end)
                return None, {}, b""
        end = time.monotonic()
        self.recorder.request(kind, status, start, end)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return status, dict(response.getheaders()), data


# -- Residents -----------------------------------------------------------------------------


class Run:
    def __init__(self, args, host, port, survey_path, recorder):
        self.args = args
        self.host, self.port = host, port
        self.survey_path = survey_path
        self.recorder = recorder
        self.start = time.monotonic()
        self.deadline = self.start + args.duration
        self.drain_deadline = self.deadline + args.drain
        addresses = (
            f"127.{a}.{b}.{c}" for a in range(1, 255) for b in range(0, 256) for c in range(1, 255)
        )
        self._addresses = addresses
        self._address_lock = threading.Lock()
        self._tags = itertools.count(1)
        self.run_id = f"{random.randrange(16**6):06x}"

    def next_address(self):
        with self._address_lock:
            return next(self._addresses)

    def pause(self, rng, low=None, high=None):
        time.sleep(rng.uniform(low or self.args.pause[0], high or self.args.pause[1]))

    def resident_slot(self, slot):
        rng = random.Random(f"{self.run_id}-{slot}")
        # Arrivals spread over the first pause, as residents do not come all at once.
        time.sleep(rng.uniform(0, self.args.pause[1]))
        while time.monotonic() < self.deadline:
            browser = Browser(self.host, self.port, self.next_address(), self.recorder)
            try:
                self.visit(browser, rng)
            finally:
                browser.close()

    def get_form(self, browser, rng):
        """The questionnaire as the page shows it; a resident reloads a failed page."""
        while time.monotonic() < self.drain_deadline:
            status, _, body = browser.request("GET form", "GET", self.survey_path)
            form = parse_page(body) if status == 200 else None
            if form is not None:
                return form
            self.recorder.event("GET form failed, reloaded later")
            self.pause(rng)
            if time.monotonic() > self.deadline:
                return None
        return None

    def visit(self, browser, rng):
        form = self.get_form(browser, rng)
        if form is None:
            return
        for asset in dict.fromkeys(form.assets):
            if asset.startswith("/"):
                browser.request("GET static", "GET", asset, referer=self.survey_path)
        tag = f"{self.run_id}-{next(self._tags)}"
        answers = random_answers(form, tag, rng)
        self.pause(rng)
        self.submit(browser, rng, form, answers, tag)

    def submit(self, browser, rng, form, answers, tag):
        attempts = 0
        after_error = False
        while True:
            attempts += 1
            kind = "POST" if attempts == 1 else "POST retry"
            body = form_body(form, answers, browser.cookies.get("csrftoken"))
            version = token_version(form.hidden[TOKEN_FIELD])
            status, headers, data = browser.request(kind, "POST", self.survey_path, body=body)
            if status == 303:
                location = urllib.parse.urlsplit(headers.get("Location", "")).path
                query = urllib.parse.urlsplit(headers.get("Location", "")).query
                browser.request("GET thank-you", "GET", location or "/")
                if SENT_TWICE in query and not after_error:
                    self.recorder.event("first POST answered 'sent twice' (not stored?)")
                    self.recorder.lost.append({"tag": tag, "why": "sent twice on first POST"})
                    return
                with self.recorder.lock:
                    self.recorder.accepted.append(
                        {
                            "tag": tag,
                            "answers": answers,
                            "version": version,
                            "attempts": attempts,
                            "sent_twice_after_error": SENT_TWICE in query,
                            "at": time.monotonic() - self.start,
                        }
                    )
                if attempts > 1:
                    self.recorder.event("accepted after a retry")
                if rng.random() < self.args.resend:
                    # Back and send again: must answer "sent twice" and store nothing.
                    status, headers, _ = browser.request(
                        "POST resend", "POST", self.survey_path, body=body
                    )
                    if status == 303 and SENT_TWICE in headers.get("Location", ""):
                        self.recorder.event("resend answered 'sent twice'")
                    else:
                        self.recorder.event(f"resend answered {status}")
                self.pause(rng)  # reading the thank-you page
                return
            after_error = True
            again = parse_page(data) if status in (400, 503) else None
            if status == 503 and again is not None:
                self.recorder.event("503 with the questionnaire")
                if kept_answers(again, answers):
                    self.recorder.event("503: answers kept")
                else:
                    self.recorder.event("503: answers NOT kept")
                form = again  # its fresh tokens
            elif status == 400 and again is not None:
                self.recorder.event("400 with the questionnaire (a problem with the form)")
                form = again
            elif status in (403, 429):
                self.recorder.event(f"{status}: resident gives up")
                self.recorder.lost.append({"tag": tag, "why": f"answered {status}"})
                return
            else:
                self.recorder.event(f"POST {status}: sent again later")
            if attempts >= self.args.max_attempts or time.monotonic() > self.drain_deadline:
                self.recorder.lost.append({"tag": tag, "why": f"gave up after {attempts}"})
                return
            self.pause(rng)


# -- The editor and the fault --------------------------------------------------------------


def stream_form_data(block, value):
    """A StreamField value as the page editor's JavaScript posts it (nested_form_data)."""
    from wagtail import blocks
    from wagtail.test.utils.form_data import rich_text, streamfield

    if isinstance(block, blocks.StreamBlock):
        return streamfield(
            [(child.block_type, stream_form_data(child.block, child.value)) for child in value]
        )
    if isinstance(block, blocks.ListBlock):
        items = list(value)
        data = {
            str(i): {
                "value": stream_form_data(block.child_block, item),
                "deleted": "",
                "order": str(i),
            }
            for i, item in enumerate(items)
        }
        data["count"] = str(len(items))
        return data
    if isinstance(block, blocks.StructBlock):
        return {
            name: stream_form_data(child, value.get(name))
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.BooleanBlock):
        return "on" if value else ""
    if isinstance(block, blocks.RichTextBlock):
        return rich_text(value.source if value is not None else "")
    state = block.get_form_state(value)
    return "" if state is None else str(state)


def publish_changed_questions(run, survey_id, recorder):
    """Log in to the admin over HTTP and publish the questionnaire with one question changed."""
    from django.db import connection
    from wagtail.test.utils.form_data import nested_form_data, querydict_from_html

    from wagtail_ocena.models import SurveyPage

    started = time.monotonic() - run.start
    # Publishing archives the §5 report of the replaced version first, in the request:
    # seconds on a quiet machine, more under load.
    browser = Browser(run.host, run.port, "127.0.0.1", recorder, timeout=300)
    try:
        status, _, body = browser.request("admin", "GET", "/admin/login/")
        csrf = browser.cookies.get("csrftoken", "")
        login = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "username": "admin", "password": "admin", "next": ""}
        )
        status, headers, _ = browser.request(
            "admin", "POST", "/admin/login/", body=login, referer="/admin/login/"
        )
        if status != 302:
            recorder.publish = {"error": f"login answered {status}"}
            return
        edit = f"/admin/pages/{survey_id}/edit/"
        status, _, body = browser.request("admin", "GET", edit)
        page = SurveyPage.objects.get(pk=survey_id).get_latest_revision_as_object()
        before = page.current_version.number
        questions = page.questions
        # One rated area is worded differently: a new questionnaire version.
        changed = False
        for child in questions:
            if child.block_type == "rating" and not changed:
                child.value["text"] = child.value["text"] + " (w tym miesiącu)"
                changed = True
        data = querydict_from_html(body.decode(), form_id="page-edit-form")
        fields = [(k, v) for k, values in data.lists() for v in values]
        fields = [(k, v) for k, v in fields if not k.startswith("questions-")]
        fields += list(
            nested_form_data(
                {"questions": stream_form_data(questions.stream_block, questions)}
            ).items()
        )
        fields += [
            ("csrfmiddlewaretoken", browser.cookies.get("csrftoken", "")),
            ("action-publish", "action-publish"),
        ]
        status, headers, body = browser.request(
            "admin", "POST", edit, body=urllib.parse.urlencode(fields), referer=edit
        )
        after = SurveyPage.objects.get(pk=survey_id).current_version.number
        recorder.publish = {
            "at_s": round(started, 1),
            "status": status,
            "version_before": before,
            "version_after": after,
        }
    finally:
        browser.close()
        connection.close()


def pg_ctl(stack, *args):
    command = ["runuser", "-u", "postgres", "--", f"{stack['PG_BINDIR']}/pg_ctl", *args]
    if os.getuid() != 0:
        command = command[4:]
    return subprocess.run(command, cwd="/", capture_output=True, text=True, check=False)


def stop_database(run, stack, seconds, recorder):
    data, log = stack["PG_DATA"], stack["PG_LOG"]
    t_stop = time.monotonic()
    stopped = pg_ctl(stack, "-D", data, "-m", "fast", "-w", "stop")
    time.sleep(seconds)
    started = pg_ctl(stack, "-D", data, "-l", log, "-w", "start")
    t_start = time.monotonic()
    recorder.fault_window = (t_stop, t_start)
    recorder.fault = {
        "stopped_at_s": round(t_stop - run.start, 1),
        "started_at_s": round(t_start - run.start, 1),
        "stop_rc": stopped.returncode,
        "start_rc": started.returncode,
    }


# -- CPU use -------------------------------------------------------------------------------

CPU_GROUPS = [
    ("gunicorn", "gunicorn"),
    ("db_worker", "db_worker"),
    ("postgres", "postgres"),
    ("redis", "redis-server"),
    ("load client", "benchmarks/load.py"),
]


def _process_ticks():
    """CPU ticks (user + system) of each running process of the stack and the client."""
    ticks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for group, needle in CPU_GROUPS:
            if needle in cmdline:
                ticks[int(entry)] = (group, int(fields[11]) + int(fields[12]))
                break
    return ticks


def _machine_ticks():
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


class CpuSampler(threading.Thread):
    """Cores used on average by each part of the stack, the client and everything else.

    Processes are sampled every second, so that those started during the run (PostgreSQL
    after the fault, a restarted worker) count and those ended lose at most a second.
    """

    def __init__(self):
        super().__init__(daemon=True)
        self.base = _process_ticks()
        self.last = dict(self.base)
        self.machine_base = _machine_ticks()
        self.started = time.monotonic()
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(1):
            self.last.update(_process_ticks())

    def result(self):
        self.stopping.set()
        self.last.update(_process_ticks())
        seconds = time.monotonic() - self.started
        hz = os.sysconf("SC_CLK_TCK")
        used = Counter()
        for pid, (group, ticks) in self.last.items():
            used[group] += ticks - self.base.get(pid, (group, 0))[1]
        busy, total = (b - a for a, b in zip(self.machine_base, _machine_ticks(), strict=True))
        result = {group: round(used[group] / hz / seconds, 2) for group, _ in CPU_GROUPS}
        result["machine busy"] = round(busy / hz / seconds, 2)
        result["machine cores"] = round(total / hz / seconds)
        result["other processes"] = round(
            result["machine busy"] - sum(result[group] for group, _ in CPU_GROUPS), 2
        )
        return result


# -- Stack ---------------------------------------------------------------------------------


def read_env_file(path):
    values = {}
    for line in Path(path).read_text().splitlines():
        for item in line.split(" "):
            key, sep, value = item.partition("=")
            if sep:
                values[key] = value
    return values


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stack(args):
    env_file = Path(tempfile.mkdtemp(prefix="wagtail-ocena-load.")) / "stack.env"
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "STACK_ENV_FILE": str(env_file),
        "WORKERS": str(args.workers),
        "WORKER_CLASS": args.worker_class,
        "THREADS": str(args.threads),
        "DEMO_DAYS": str(args.demo_days),
        "PYTHON": sys.executable,
    }
    env.pop("DATABASE_URL", None)
    log = open(env_file.parent / "stack.log", "wb")  # noqa: SIM115 (kept open for the stack)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve-production")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    print(f"Starting the stack (log: {env_file.parent / 'stack.log'})…", file=sys.stderr)
    limit = time.monotonic() + 600
    while time.monotonic() < limit:
        if process.poll() is not None:
            sys.exit(f"The stack ended early; see {env_file.parent / 'stack.log'}")
        if env_file.exists():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                pass
        time.sleep(0.5)
    return process, read_env_file(env_file)


def stop_stack(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C does
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# -- Database checks -----------------------------------------------------------------------


def setup_django(stack):
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_site.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DATABASE_URL"] = stack["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SECRET_KEY", stack.get("DJANGO_SECRET_KEY", "load-run"))
    os.environ["DJANGO_TASKS_BACKEND"] = "database"
    import django

    django.setup()


def electronic_ids():
    from wagtail_ocena.models import SurveyResponse

    return set(SurveyResponse.objects.filter(channel="electronic").values_list("pk", flat=True))


def normalise(form_data):
    return {
        name: sorted(map(str, value)) if isinstance(value, list) else str(value)
        for name, value in form_data.items()
        if value not in (None, "", [])
    }


def check_database(baseline, recorder):
    from django.db.models import F

    from wagtail_ocena import counting
    from wagtail_ocena.models import Answer, SurveyResponse, SurveyVersion

    new = list(
        SurveyResponse.objects.filter(channel="electronic")
        .exclude(pk__in=baseline)
        .select_related("version")
    )
    by_tag = defaultdict(list)
    missing_answers = 0
    for response in new:
        stored = normalise(response.form_answers())
        tag = next(
            (v.rsplit(TAG_PREFIX, 1)[1].rstrip(")") for v in stored.values() if TAG_PREFIX in v),
            None,
        )
        by_tag[tag].append((response, stored))
        expected = {q.field_name for q in response.version.load_questions()}
        if set(stored) != expected:
            missing_answers += 1
    accepted = {a["tag"]: a for a in recorder.accepted}
    lost = [tag for tag in accepted if tag not in by_tag]
    unaccepted = [tag for tag in by_tag if tag not in accepted]
    duplicates = sum(len(rows) - 1 for rows in by_tag.values() if len(rows) > 1)
    wrong_answers = wrong_version = 0
    for tag, submission in accepted.items():
        for response, stored in by_tag.get(tag, []):
            if stored != normalise(submission["answers"]):
                wrong_answers += 1
            if response.version_id != submission["version"]:
                wrong_version += 1
    mixed = Answer.objects.exclude(question__version_id=F("response__version_id")).count()
    counts = {}
    for model, rows in counting.rows_from_records(
        SurveyResponse.objects.all(), Answer.objects.all()
    ):
        rows = list(rows)
        fields = sorted(rows[0]) if rows else []
        recount = Counter(tuple(row[f] for f in fields) for row in rows)
        kept = (
            Counter(tuple(row) for row in model.objects.values_list(*fields))
            if fields
            else Counter()
        )
        counts[model.__name__] = sum((recount - kept).values()) + sum((kept - recount).values())
    per_version = Counter(r.version.number for r in new)
    return {
        "accepted (303 to the thank-you page)": len(recorder.accepted),
        "stored (new electronic responses)": len(new),
        "lost (accepted, not stored)": len(lost),
        "stored but never accepted": len([t for t in unaccepted if t is not None]),
        "stored without a run tag": len(by_tag.get(None, [])),
        "duplicates": duplicates,
        "responses missing answers": missing_answers,
        "responses whose answers differ from those sent": wrong_answers,
        "responses of another version than the form's": wrong_version,
        "answers mixed between versions (whole database)": mixed,
        "daily count rows differing from a recount": counts,
        "responses per version": dict(sorted(per_version.items())),
        "versions": SurveyVersion.objects.count(),
    }


# -- Report --------------------------------------------------------------------------------


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summarise(recorder, run):
    window = recorder.fault_window

    def in_window(start, end):
        return window is not None and start <= window[1] and end >= window[0]

    kinds = defaultdict(lambda: {"times": [], "statuses": Counter(), "in_fault": Counter()})
    for kind, status, start, end in recorder.requests:
        entry = kinds[kind]
        if in_window(start, end):
            entry["in_fault"][status] += 1
        else:
            entry["statuses"][status] += 1
            if status in (200, 302, 303, 304):
                entry["times"].append((end - start) * 1000)
    table = {}
    for kind in [
        "GET form",
        "GET static",
        "POST",
        "POST retry",
        "GET thank-you",
        "POST resend",
        "admin",
    ]:
        if kind not in kinds:
            continue
        entry = kinds[kind]
        times = sorted(entry["times"])
        ok = {200, 302, 303, 304}
        table[kind] = {
            "requests": sum(entry["statuses"].values()) + sum(entry["in_fault"].values()),
            "p50_ms": round(percentile(times, 50), 1) if times else None,
            "p95_ms": round(percentile(times, 95), 1) if times else None,
            "p99_ms": round(percentile(times, 99), 1) if times else None,
            "max_ms": round(times[-1], 1) if times else None,
            "errors_outside_fault": {
                str(s): n for s, n in entry["statuses"].items() if s not in ok
            },
            "in_fault_window": {str(s): n for s, n in entry["in_fault"].items()},
        }
    timeline = defaultdict(list)
    for kind, status, start, end in recorder.requests:
        if kind in ("GET form", "POST") and status in (200, 303):
            timeline[(int((start - run.start) // 10) * 10, kind)].append((end - start) * 1000)
    by_bucket = {}
    for (bucket, kind), times in sorted(timeline.items()):
        times.sort()
        by_bucket.setdefault(str(bucket), {})[kind] = {
            "n": len(times),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
        }
    in_time = [a for a in recorder.accepted if a["at"] <= run.args.duration]
    return {
        "timeline_10s": by_bucket,
        "accepted_per_s": round(len(in_time) / run.args.duration, 2),
        "accepted_total": len(recorder.accepted),
        "pages": table,
        "events": dict(recorder.events),
        "gave_up": len(recorder.lost),
    }


def print_report(result):
    print()
    print(
        f"accepted submissions/s: {result['summary']['accepted_per_s']} "
        f"({result['summary']['accepted_total']} in all, drain included)"
    )
    header = f"{'page':<14} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  errors outside fault | in fault window"
    print(header)
    print("-" * len(header))
    for kind, row in result["summary"]["pages"].items():

        def fmt(value):
            return "-" if value is None else f"{value:.1f}"

        print(
            f"{kind:<14} {row['requests']:>8} {fmt(row['p50_ms']):>8} {fmt(row['p95_ms']):>8} "
            f"{fmt(row['p99_ms']):>8} {fmt(row['max_ms']):>8}  "
            f"{row['errors_outside_fault'] or 0} | {row['in_fault_window'] or '-'}"
        )
    print()
    for name, n in sorted(result["summary"]["events"].items()):
        print(f"  {name}: {n}")
    print(f"  residents who gave up: {result['summary']['gave_up']}")
    if result.get("publish"):
        print(f"editor: {result['publish']}")
    if result.get("fault"):
        print(f"fault: {result['fault']}")
    print(f"CPU (cores used on average): {result['cpu_cores_used']}")
    for bucket, kinds in result["summary"]["timeline_10s"].items():
        line = ", ".join(
            f"{k} n={v['n']} p50={v['p50_ms']} p95={v['p95_ms']}" for k, v in kinds.items()
        )
        print(f"  t={bucket:>4}s  {line}")
    print()
    for name, value in result.get("database", {}).items():
        print(f"  {name}: {value}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-env", help="the STACK_ENV_FILE of a running `make serve`")
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--duration", type=float, default=120, help="seconds of arrivals")
    parser.add_argument("--pause", type=float, nargs=2, default=[5, 10], metavar=("MIN", "MAX"))
    parser.add_argument("--drain", type=float, default=120, help="seconds to finish visits")
    parser.add_argument("--resend", type=float, default=0.05, help="share who send twice")
    parser.add_argument("--max-attempts", type=int, default=8)
    parser.add_argument("--publish-at", type=float, default=0.5, help="share of the run")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--fault", action="store_true", help="stop PostgreSQL mid-run")
    parser.add_argument("--fault-at", type=float, default=0.3, help="share of the run")
    parser.add_argument("--fault-seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4, help="when starting the stack")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--demo-days", type=int, default=730)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if args.pause[0] < 5:
        print("Note: a pause under 5 s meets WAGTAIL_OCENA_MIN_FILL_SECONDS (default 5).")

    process = None
    if args.stack_env:
        stack = read_env_file(args.stack_env)
    else:
        process, stack = start_stack(args)
    try:
        url = urllib.parse.urlsplit(stack["URL"])
        setup_django(stack)
        from django.db import connection

        from wagtail_ocena.models import SurveyPage

        survey = SurveyPage.objects.live().first()
        survey_path = urllib.parse.urlsplit(survey.get_url()).path or "/ankieta/"
        survey_id = survey.pk
        baseline = electronic_ids()
        connection.close()

        recorder = Recorder()
        recorder.fault = None
        run = Run(args, url.hostname, url.port, survey_path, recorder)
        threads = [
            threading.Thread(target=run.resident_slot, args=(slot,), daemon=True)
            for slot in range(args.residents)
        ]
        if not args.no_publish:
            threads.append(
                threading.Timer(
                    args.duration * args.publish_at,
                    publish_changed_questions,
                    args=(run, survey_id, recorder),
                )
            )
        if args.fault:
            if not stack.get("PG_DATA"):
                sys.exit("--fault needs the throwaway PostgreSQL of scripts/serve-production")
            threads.append(
                threading.Timer(
                    args.duration * args.fault_at,
                    stop_database,
                    args=(run, stack, args.fault_seconds, recorder),
                )
            )
        print(
            f"{args.residents} residents for {args.duration:.0f} s against "
            f"{stack['URL'].rstrip('/')}{survey_path} (pause {args.pause[0]:g}–{args.pause[1]:g} s"
            f"{', fault' if args.fault else ''})…",
            file=sys.stderr,
        )
        sampler = CpuSampler()
        sampler.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0, run.drain_deadline + 30 - time.monotonic()))
        cpu = sampler.result()

        result = {
            "command": " ".join(sys.argv),
            "stack": {
                k: v for k, v in stack.items() if k in ("WORKERS", "WORKER_CLASS", "THREADS")
            },
            "args": vars(args),
            "summary": summarise(recorder, run),
            "publish": recorder.publish,
            "fault": recorder.fault,
            "cpu_cores_used": cpu,
            "database": check_database(baseline, recorder),
        }
        print_report(result)
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(result, indent=2, default=str))
    finally:
        if process is not None:
            stop_stack(process)


if __name__ == "__main__":
    main()
