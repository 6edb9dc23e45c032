"""Import of the demo district's scheme workbook, against reading the same file with python-calamine alone.

Runs in-process against a throw-away SQLite database loaded with the demo organisation, accounts and
indicator system (the other demo steps are not needed). The workbook is the 2026 export of the demo with its
目标值 sheet grown to the full matrix of ≈110 units × every numeric indicator (≈8,500 targets), as if the
office had filled in every cell. Figures (seconds, median of BENCH_RUNS; wall-clock, and CPU time of this process, which is steadier when the
machine is busy):

- calamine_s: python-calamine alone opening the file and turning every sheet into Python lists — the baseline,
  run in turn with the import it is compared with (this machine's speed drifts within seconds; the unchanged
  re-import's ratio is to calamine's runs beside it).
- Two paths, each timed against calamine's runs beside it:
  - command_s: the whole import as the `import_scheme` command runs it (`import_in_own_process`: the collector
    paused around `schemeimport.import_scheme_file` — size/type/package checks, strict read, calamine's parse in a
    worker thread while the cycle's stored rows load, plan against the database, write ≈7,500 new targets in
    one transaction, audit); rolled back after each run.
  - web_s: the same `schemeimport.import_scheme_file` with the collector left on, as a server thread must run it
    (the pages never pause it: it is process-wide); the difference is the pause's whole gain. The pages split
    it in two requests, also timed without the pause: web_preview_s (`schemeplan.read`, the upload's preview)
    and web_confirm_s (the token's book back from JSON, `schemeimport.import_scheme_book`: plan again, write).
  Goal ≤ 3 s and CPU ratio to calamine ≤ 3 for the web path.
- unchanged_s: importing the same file once it has been applied (every row equal to its stored target, taken
  as stored without converting its cells; nothing written), by the command and the web path.
- scheme page: the office's scheme table (/indicators/schemes/<pk>/) for the district scheme (88 items
  in 2026, its three groups) and for the street scheme (6 items): the query count must not depend on
  the number of items.

The last line is one JSON object.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ["JIXIAO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

import django  # noqa: E402

django.setup()

import json  # noqa: E402
import random  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
N_UNITS = 110


def medians_s(*fns, runs=RUNS) -> list[tuple[float, float]]:
    """Median wall-clock and median CPU seconds of each of `fns` (CPU time is steadier on a busy machine), run in
    turn (a, b, a, b …): a machine whose speed drifts over the seconds the bench takes slows them alike."""
    wall, cpu = [[] for _ in fns], [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
    return [(round(statistics.median(w), 3), round(statistics.median(c), 3)) for w, c in zip(wall, cpu, strict=True)]


def load():
    from jixiao.demo import accounts, build, indicators, org

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for step in (org.build, accounts.build, indicators.build):
            step(build.step_rng(step))


def full_workbook(path: Path) -> tuple[int, int, int]:
    """The 2026 export with a target for every one of ≈110 units × every numeric indicator."""
    from jixiao.indicators import schemebook
    from jixiao.indicators.models import Indicator
    from jixiao.lib.excel import Sheet, write_workbook
    from jixiao.org.models import Cycle, Unit

    cycle = Cycle.objects.get(year=2026)
    rows = schemebook.export_rows(cycle)
    present = {(r[0], r[2]) for r in rows["targets"]}
    units = list(Unit.objects.current().exclude(kind="village").order_by("sort_order", "code"))
    units += list(Unit.objects.current().filter(kind="village").order_by("code")[: N_UNITS - len(units)])
    numeric = list(Indicator.objects.filter(direction__in=["higher_better", "lower_better"]).order_by("sort_order"))
    rng = random.Random(2026)
    for unit in units:
        for ind in numeric:
            if (unit.code, ind.code) not in present:
                value = round(rng.uniform(10, 5000), 2)
                rows["targets"].append([unit.code, unit.name, ind.code, ind.name, ind.measure_unit, value, None, None,
                                        round(value * 0.95, 2), None, "区定"])
    sheets = [Sheet(spec.name, spec.titles, rows[spec.key]) for spec in schemebook.SPECS]
    write_workbook(str(path), sheets)
    return len(units), len(numeric), len(rows["targets"])


def calamine_only(path: Path) -> int:
    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def import_file(path: Path, *, keep: bool = False, paused: bool = False):
    """The import of `path` as the web path runs it (collector on) or, `paused`, as the command does; rolled back
    unless `keep`."""
    from jixiao.indicators import schemeimport
    from jixiao.indicators.management.commands.import_scheme import import_in_own_process

    with transaction.atomic():
        if paused:
            plan = import_in_own_process(str(path), reason="bench")
        else:
            plan = schemeimport.import_scheme_file(path, settings.UPLOAD_MAX_BYTES, by=None, reason="bench",
                                              file_name=path.name)
        if not keep:
            transaction.set_rollback(True)
    return plan


def web_preview(path: Path):
    from jixiao.indicators import schemebook, schemeplan

    with path.open("rb") as handle:
        book, _plan = schemeplan.read(handle, settings.UPLOAD_MAX_BYTES)
    return schemebook.book_to_json(book)


def web_confirm(book_json: dict):
    from jixiao.indicators import schemebook, schemeimport

    with transaction.atomic():
        plan = schemeimport.import_scheme_book(schemebook.book_from_json(book_json), by=None, reason="bench",
                                          file_name="bench.xlsx")
        transaction.set_rollback(True)
    return plan


def office_client() -> Client:
    from jixiao.accounts.middleware import AUTH_AT_KEY
    from jixiao.accounts.models import Membership

    membership = Membership.objects.select_related("user").get(user__username="office")
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session["active_membership_id"] = membership.pk
    session.save()
    return client


def page_queries(client, scheme) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/indicators/schemes/{scheme.pk}/")
    assert response.status_code == 200, response.status_code
    return len(captured), scheme.items.count()


def timed(fns: dict) -> dict:
    """{name: {"wall": s, "cpu": s}} for calamine alone and each of `fns`, run in turn, with each one's ratios to
    calamine's runs beside it."""
    names = ["calamine", *fns]
    medians = medians_s(lambda: calamine_only(PATH), *fns.values())
    out = {name: {"wall": wall, "cpu": cpu} for name, (wall, cpu) in zip(names, medians, strict=True)}
    for name in fns:
        out[name]["ratio_wall"] = round(out[name]["wall"] / out["calamine"]["wall"], 2)
        out[name]["ratio_cpu"] = round(out[name]["cpu"] / out["calamine"]["cpu"], 2)
    return out


PATH = Path(_tmp) / "scheme-2026-full.xlsx"


def main():
    from jixiao.indicators.models import Scheme

    load()
    path = PATH
    n_units, n_indicators, n_targets = full_workbook(path)
    rows = calamine_only(path)
    first = import_file(path)
    book_json = web_preview(path)
    new = timed({"command": lambda: import_file(path, paused=True), "web": lambda: import_file(path),
                 "web_preview": lambda: web_preview(path), "web_confirm": lambda: web_confirm(book_json)})
    import_file(path, keep=True)
    unchanged = import_file(path)
    again = timed({"command": lambda: import_file(path, paused=True), "web": lambda: import_file(path)})
    client = office_client()
    big = page_queries(client, Scheme.objects.get(code="D01-2026"))
    small = page_queries(client, Scheme.objects.get(code="S01-2026"))
    figures = {
        "workbook": {"units": n_units, "indicators": n_indicators, "targets": n_targets, "rows": rows,
                     "bytes": path.stat().st_size},
        "created_targets": first.counts["targets"]["new"],
        "import": new,
        "unchanged": again,
        "unchanged_changes": unchanged.totals["new"] + unchanged.totals["changed"],
        "goal": {"import_s": 3, "ratio_cpu": 3},
        "web_within_goal": new["web"]["ratio_cpu"] <= 3 and new["web"]["wall"] <= 3,
        "scheme_page": {"items": [big[1], small[1]], "queries": [big[0], small[0]],
                        "independent_of_items": big[0] == small[0]},
        "runs": RUNS,
    }
    print(f"workbook: {n_units} units × {n_indicators} indicators, {n_targets} targets, {rows} rows")
    for title, group in (("import", new), ("unchanged re-import", again)):
        print(f"{title}: calamine alone {group['calamine']['wall']} s wall / {group['calamine']['cpu']} s CPU")
        for name, f in group.items():
            if name != "calamine":
                print(f"  {name:<12} {f['wall']:>6} s wall (×{f['ratio_wall']})  {f['cpu']:>6} s CPU (×{f['ratio_cpu']})")
    print(f"scheme page queries {big[0]} ({big[1]} items) vs {small[0]} ({small[1]} items)")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
