"""The raw responses export against its writers' floor.

For each size N, a database seeded by ``benchmarks/reports.py`` (N responses over two years;
the export covers the last 365 days, about half of them), then each step in its own process,
so that its peak memory (max RSS) is its own:

- ``raw_xlsx``: our raw export as XLSX: the sheet of raw responses (``spreadsheet.raw_sheet``:
  ``raw_rows`` written by ``sheets.Sheets.stream``, with its widths, frozen header and
  filter), read from the database as it is written;
- ``xlsx``: the whole report as XLSX (``write_xlsx``: the small sheets, the comments and the
  raw responses), what a clerk downloads;
- ``csv``: our raw export as CSV (``csv_rows``);
- ``bare_xlsx`` / ``bare_csv``: the same writers (XlsxWriter with the same options; Python's
  csv module) writing the same rows from a Python list, the rows read first (not timed);
- ``bare_openpyxl``: openpyxl's write-only mode doing the same, for comparison (with lxml if
  it is installed).

Each step builds the report's structure first (not timed: the PDF needs it too) and runs
in a transaction, as the archive renders a report. Ours and
the bare writers alternate, ``--repeat`` times (3; ``--pairs raw_xlsx`` for the raw XLSX and
its floor only, to repeat them more often); the median and fastest runs are printed,
and the ratios of ours to the bare writers. Besides wall-clock seconds, the median processor
seconds of the step's own process (on PostgreSQL the database works in the server's).

    .venv/bin/python benchmarks/raw_export.py --sizes 20000,100000
    scripts/with-postgres .venv/bin/python benchmarks/raw_export.py --sizes 20000,100000

or, with databases seeded before (``benchmarks/reports.py --seed-only`` prints their URLs):

    .venv/bin/python benchmarks/raw_export.py --database-url URL --database-url URL2
"""

import argparse
import csv
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import reports  # noqa: E402

OURS = ["raw_xlsx", "csv", "xlsx"]
BARE = ["bare_xlsx", "bare_csv", "bare_openpyxl"]
RATIOS = [("raw_xlsx", "bare_xlsx"), ("csv", "bare_csv")]


# --- measured steps ------------------------------------------------------------------------


# The bare steps' number of rows (without the header) and header, to print.
ROWS = []


def _rows(report):
    from wagtail_ocena.reports.spreadsheet import raw_rows

    rows = list(raw_rows(report))
    ROWS[:] = [len(rows) - 1, rows[0]]
    return rows


def step_raw_xlsx(report):
    import xlsxwriter

    from wagtail_ocena.reports.sheets import Sheets
    from wagtail_ocena.reports.spreadsheet import WORKBOOK_OPTIONS, raw_sheet

    def run(output):
        with xlsxwriter.Workbook(output, WORKBOOK_OPTIONS) as workbook:
            raw_sheet(Sheets(workbook), report)

    return run


def step_xlsx(report):
    from wagtail_ocena.reports.spreadsheet import write_xlsx

    return lambda output: write_xlsx(report, output)


def step_csv(report):
    from wagtail_ocena.reports.spreadsheet import csv_rows

    def run(output):
        for line in csv_rows(report):
            output.write(line.encode())

    return run


def step_bare_xlsx(report):
    import xlsxwriter

    from wagtail_ocena.reports.spreadsheet import WORKBOOK_OPTIONS

    header, *rows = _rows(report)

    def run(output):
        with xlsxwriter.Workbook(output, WORKBOOK_OPTIONS) as workbook:
            worksheet = workbook.add_worksheet("Odpowiedzi")
            worksheet.write_row(0, 0, header, workbook.add_format({"bold": True}))
            for number, row in enumerate(rows, 1):
                worksheet.write_row(number, 0, row)

    return run


def step_bare_csv(report):
    rows = _rows(report)
    for row in rows[1:]:
        row[0] = row[0].isoformat()

    def run(output):
        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo(), delimiter=";")
        output.write("\ufeff".encode())
        for row in rows:
            output.write(writer.writerow(row).encode())

    return run


def step_bare_openpyxl(report):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    header, *rows = _rows(report)

    def run(output):
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet("Odpowiedzi")
        bold = Font(bold=True)
        cells = []
        for value in header:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.font = bold
            cells.append(cell)
        worksheet.append(cells)
        for row in rows:
            worksheet.append(row)
        workbook.save(output)

    return run


def child(step, database_url):
    reports.setup_django(database_url)
    from django.db import transaction

    from wagtail_ocena.models import SurveyResponse

    started = time.perf_counter()
    report = reports._report()
    built = time.perf_counter() - started
    run = globals()[f"step_{step}"](report)
    # In a transaction, as the archive renders a report: on PostgreSQL the rows then stream
    # from the server's cursor (outside one, Django's cursor holds the whole result first).
    with tempfile.TemporaryFile() as output, transaction.atomic():
        started, processor = time.perf_counter(), time.process_time()
        run(output)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - processor
        size = output.tell()
    result = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "bytes": size,
        "report_seconds": built,
        "responses": SurveyResponse.objects.count(),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if ROWS:
        result["rows"], result["header"] = ROWS
    if step == "bare_openpyxl":
        from openpyxl.xml import LXML

        result["lxml"] = LXML
    print(json.dumps(result))


# --- driver ------------------------------------------------------------------------------


def run_child(database_url, step):
    return reports.run_child(database_url, step, script=__file__)


def measure(url, repeat, pairs=OURS):
    pairs = [(ours, bare) for ours, bare in zip(OURS, BARE, strict=True) if ours in pairs]
    runs = {step: [] for pair in pairs for step in pair}
    for _ in range(max(1, repeat)):
        for ours, bare in pairs:
            runs[ours].append(run_child(url, ours))
            runs[bare].append(run_child(url, bare))
    ours, bare = (runs[step] for step in pairs[0])
    print(f"== N = {ours[0]['responses']:,} responses ({url.split(':')[0]}), "
          f"{bare[0]['rows']:,} in the year's export of {len(bare[0]['header'])} columns; the "
          f"report built in {statistics.median(r['report_seconds'] for r in ours):.1f} s "
          f"(not timed below)")  # fmt: skip
    median, fastest = {}, {}
    for step, results in runs.items():
        median[step] = statistics.median(r["seconds"] for r in results)
        fastest[step] = min(r["seconds"] for r in results)
        cpu = statistics.median(r["cpu_seconds"] for r in results)
        peak = max(r["max_rss_mb"] for r in results)
        extra = f"   lxml={results[0]['lxml']}" if "lxml" in results[0] else ""
        print(
            f"{step:14} median {median[step]:6.2f} s, fastest {fastest[step]:6.2f} s "
            f"(processor {cpu:6.2f} s)   peak {peak:5.0f} MB   {results[0]['bytes']:,} bytes"
            f"{extra}"
        )
    for ours, bare in RATIOS:
        if ours not in runs:
            continue
        # Each round's ratio as well: on a shared machine the processors' speed changes from
        # one minute to the next, and the two runs of a round are closest in time.
        together = zip(runs[ours], runs[bare], strict=True)
        rounds = sorted(o["seconds"] / b["seconds"] for o, b in together)
        print(
            f"ratio {ours} / {bare}: {median[ours] / median[bare]:.2f} (medians), "
            f"{fastest[ours] / fastest[bare]:.2f} (fastest runs); by round "
            f"{' '.join(f'{r:.2f}' for r in rounds)}"
        )
    return median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--child", dest="step")
    parser.add_argument(
        "--database-url",
        action="append",
        help="Measure this database seeded by benchmarks/reports.py (repeatable).",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pairs",
        default=",".join(OURS),
        help="Which of ours (each with its bare writer) to measure: " + ", ".join(OURS),
    )
    args = parser.parse_args()
    if args.step:
        return child(args.step, args.database_url[0])
    urls = args.database_url or []
    if not urls:
        for size in [int(s) for s in args.sizes.split(",")]:
            url = reports.database_for(size)
            seeded = reports.run_child(url, "seed", size)
            print(f"(seeded {size:,} responses in {seeded['seconds']:.0f} s: {url})", flush=True)
            urls.append(url)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} processors", flush=True)
    for url in urls:
        measure(url, args.repeat, args.pairs.split(","))


if __name__ == "__main__":
    main()
