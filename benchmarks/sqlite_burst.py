"""The demo's SQLite under a burst: N residents open the questionnaire, then send it at once.

`make demo` serves SQLite through Django's threaded development server. Each resident is a
distinct client (its own loopback address and cookies, see load.py); all of them POST in the
same instant, the worst case for SQLite's single writer. Reported: statuses, "database is
locked" in the server's log, latency, and accepted = stored (counted in the database file).

    .venv/bin/python benchmarks/sqlite_burst.py --residents 200
"""

import argparse
import os
import random
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    TAG_PREFIX,
    Browser,
    Recorder,
    form_body,
    free_port,
    parse_page,
    random_answers,  # noqa: E402
)

# The form's minimum fill time is 5 s: residents send a little after it.
FILL_SECONDS = 5.5


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument(
        "--open-over",
        type=float,
        default=5.0,
        help="seconds over which residents open the questionnaire (0: all at once)",
    )
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="wagtail-ocena-burst."))
    database = directory / "demo.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo", "--days", "30")
    port = free_port()
    log = open(directory / "server.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        result = burst(port, args.residents, args.open_over)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()

    stored = count_stored(database)
    locked = (directory / "server.log").read_text().count("database is locked")
    print(
        f"residents: {args.residents}, opening the questionnaire over {args.open_over} s, "
        "then all POSTing at once to the demo's SQLite (runserver)"
    )
    print(f"GET statuses: {dict(result['get'])}")
    print(f"POST statuses: {dict(result['post'])}")
    print(f"connections that failed: {dict(result['failures'])}")
    times = sorted(result["post_times"])
    if times:
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"POST latency: median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )
    accepted = result["post"].get(303, 0)
    print(f"accepted (303): {accepted}, stored: {stored}, lost: {accepted - stored}")
    print(f'"database is locked" in the server log: {locked}')
    print(f"server log: {directory / 'server.log'}")


def burst(port, residents, open_over):
    recorder = Recorder()
    browsers = [
        Browser("127.0.0.1", port, f"127.4.{i // 250}.{i % 250 + 1}", recorder)
        for i in range(residents)
    ]
    gets, posts, post_times = Counter(), Counter(), []
    lock = threading.Lock()
    opened = threading.Barrier(residents + 1)
    send = threading.Event()

    def resident(index, browser):
        rng = random.Random(index)  # noqa: S311 (answers, not secrets)
        time.sleep(rng.uniform(0, open_over))
        status, _, body = browser.request("GET form", "GET", "/ankieta/")
        form = parse_page(body) if status == 200 else None
        with lock:
            gets[status] += 1
        opened.wait()
        send.wait()
        if form is None:
            return
        csrf = browser.cookies.get("csrftoken")
        data = form_body(form, random_answers(form, f"burst-{index}", rng), csrf)
        start = time.monotonic()
        status, _, _ = browser.request("POST", "POST", "/ankieta/", body=data)
        with lock:
            posts[status] += 1
            post_times.append(time.monotonic() - start)
        browser.close()

    threads = [
        threading.Thread(target=resident, args=(i, b), daemon=True) for i, b in enumerate(browsers)
    ]
    first_get = time.monotonic()
    for thread in threads:
        thread.start()
    opened.wait()
    time.sleep(max(0.0, open_over + FILL_SECONDS - (time.monotonic() - first_get)))
    send.set()
    for thread in threads:
        thread.join(timeout=120)
    failures = Counter(
        f"{kind} {status}"
        for kind, status, *_ in recorder.requests
        if str(status).startswith("conn:")
    )
    return {"get": gets, "post": posts, "post_times": post_times, "failures": failures}


def count_stored(database):
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute(
            "SELECT count(DISTINCT response_id) FROM wagtail_ocena_answer WHERE text LIKE ?",
            (f"%({TAG_PREFIX}burst-%",),
        ).fetchone()
    return stored


if __name__ == "__main__":
    main()
