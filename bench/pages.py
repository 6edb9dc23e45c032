"""Server time (wall and CPU) and query count of every page the crawler reaches, for every demo role, at 1× and
10× units; and of a unit's data-entry page with 8 and 80 indicators.

Runs in-process against a throw-away SQLite database loaded with the demo district on the demo day, walks
each role's pages as the crawler test does (tests/crawl.py, one address of each shape per role), measures
each page `RUNS` times through Django's test client (the whole request cycle: middleware, session, view,
template), names the ten slowest and every page over one second, and prints the figures; the last line is one
JSON object. The baseline is /healthz measured in the same run, so a ratio says how much heavier a page is than
the lightest request the server can answer.

Flat in rows: after the first pass every department, street and village is copied nine times (10× units,
joined to their originals' groups, with their targets) and every page is measured again; a page whose query count grew lists
its rows with a query each. Units are the rows that grow a district's pages; submissions, values and
answers of the copies are not made (the data-entry page's 8 vs 80 indicators covers rows of values).
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
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ["JIXIAO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

import django  # noqa: E402

django.setup()

import json  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def measure(client: Client, url: str) -> dict:
    """Median wall and CPU time of RUNS requests (after one warm-up), and the queries of one more."""
    client.get(url)  # warm caches and the template loader
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return {"median_ms": round(statistics.median(walls), 1), "cpu_ms": round(statistics.median(cpus), 1),
            "queries": len(ctx.captured_queries), "status": response.status_code}


def multiply_units(factor: int) -> int:
    """Add (factor - 1) copies of every department, street and village, so the tree is factor× as large."""
    from jixiao.org.models import Unit

    originals = list(Unit.objects.exclude(kind__in=["district", "city"]).order_by("id"))
    parents = {}
    for copy in range(1, factor):
        for unit in originals:
            parent_id = parents.get((copy, unit.parent_id), unit.parent_id)
            clone = Unit.objects.create(
                code=f"X{copy}{unit.code}"[:20], name=f"{unit.name}（副本{copy}）", kind=unit.kind,
                parent_id=parent_id, is_assessor=unit.is_assessor, valid_from=unit.valid_from,
            )
            parents[(copy, unit.id)] = clone.id
    return Unit.objects.count()


def reporting_period():
    """2026 Q1 of the demo (its periods come from the reporting demo step; generated here when missing)."""
    from jixiao.org.models import Cycle
    from jixiao.reporting import actions
    from jixiao.reporting.models import Period

    cycle = Cycle.objects.get(year=2026)
    if not Period.objects.filter(cycle=cycle).exists():
        actions.generate_periods(cycle, by=None)
    return Period.objects.select_related("cycle").get(cycle=cycle, code="Q1")


def join_groups(year: int = 2026) -> None:
    """Put every unit copy made by multiply_units into its original's groups and give it its original's targets,
    so the copies owe what their originals owe (an indicator with targets is due only from the units that have
    one) and the board covers all units."""
    from jixiao.indicators.models import Target
    from jixiao.org.models import Group, Unit

    through = Group.units.through
    by_code = dict(Unit.objects.values_list("code", "pk"))
    clones_of: dict[str, list[int]] = {}
    for clone, pk in by_code.items():
        if clone.startswith("X"):
            clones_of.setdefault(clone[2:], []).append(pk)
    links = list(through.objects.filter(group__cycle__year=year).values_list("group_id", "unit__code"))
    rows = [through(group_id=g, unit_id=pk) for g, code in links for pk in clones_of.get(code, [])]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    targets = Target.objects.filter(cycle__year=year, parent__isnull=True).select_related("unit")
    Target.objects.bulk_create([Target(cycle_id=t.cycle_id, unit_id=pk, indicator_id=t.indicator_id,
                                       target_value=t.target_value, upper_value=t.upper_value,
                                       target_text=t.target_text, baseline=t.baseline, source=t.source)
                                for t in targets for pk in clones_of.get(t.unit.code, [])], ignore_conflicts=True)


def unit_with_indicators(period, n: int):
    """A new unit in a new group of the published 2026 district scheme, with n quarterly indicators filled in."""
    from decimal import Decimal

    from jixiao.indicators.models import Indicator, IndicatorVersion, Scheme, SchemeItem
    from jixiao.org.models import Group, Unit
    from jixiao.reporting import imports

    scheme = Scheme.objects.filter(cycle=period.cycle, status="published").order_by("id").first()
    block = scheme.blocks.filter(kind="items").first()
    district = Unit.objects.get(code="D01")
    unit = Unit.objects.create(code=f"BENCH{n}", name=f"测试单位（{n}项指标）", kind="department", parent=district)
    group = Group.objects.create(cycle=period.cycle, code=f"BENCH{n}", name=f"测试组{n}")
    group.units.add(unit)
    items = []
    for i in range(n):
        ind = Indicator.objects.create(code=f"Z{n}{i:03d}", name=f"测试指标{i}", category="common",
                                       direction="higher_better", measure_unit="万元", frequency="quarter")
        ver = IndicatorVersion.objects.create(indicator=ind, valid_from_year=2020, definition="测试口径")
        items.append(SchemeItem.objects.create(scheme=scheme, block=block, group=group, indicator=ind, version=ver,
                                               points=Decimal(0), rule="completion_ratio"))
    entries = [imports.Entry(unit.pk, item, Decimal(100 + i), "", "", "", None, i) for i, item in enumerate(items)]
    imports.bulk_save(period, entries, by=None, as_assessor=True, source="bench")
    return unit


def entry_page_figures(client, baseline, period) -> dict:
    result = {}
    for n in (8, 80):
        unit = unit_with_indicators(period, n)
        figures = measure(client, f"/reporting/units/{unit.pk}/periods/{period.pk}/")
        figures["ratio_to_baseline"] = round(figures["median_ms"] / baseline["median_ms"], 1)
        result[f"entry_page_{n}_indicators"] = figures
        print(f"entry page {n:>2} indicators  {figures['median_ms']:8.2f} ms  {figures['queries']:3d} queries  "
              f"×{figures['ratio_to_baseline']} of /healthz")
    result["entry_page_queries_constant"] = (result["entry_page_8_indicators"]["queries"]
                                             == result["entry_page_80_indicators"]["queries"])
    return result


def crawl_pages() -> dict:
    """{role label: [url, …]}: the HTML pages each role reaches, one address of each shape."""
    from tests import crawl

    pages = {}
    for role in crawl.demo_roles():
        pages[role.label] = [p.url for p in crawl.walk(crawl.client_for(role), per_shape_limit=1)
                             if p.html and p.status == 200]
    return pages


def measure_all(pages: dict, baseline: dict, factor: int) -> dict:
    """{"role url": figures} for every page, printed as it goes."""
    from tests import crawl

    roles = {role.label: role for role in crawl.demo_roles()}
    figures = {}
    for label, urls in pages.items():
        client = crawl.client_for(roles[label])
        for url in urls:
            row = measure(client, url)
            row["ratio_to_baseline"] = round(row["median_ms"] / baseline["median_ms"], 1)
            figures[f"{label} {url}"] = row
            print(f"{factor:>2}× {label:16s} {url:64s} {row['median_ms']:8.1f} ms  cpu {row['cpu_ms']:8.1f} ms  "
                  f"{row['queries']:4d} q  ×{row['ratio_to_baseline']}", flush=True)
    return figures


def summary(at_1x: dict, at_10x: dict) -> dict:
    slowest = sorted(at_1x.items(), key=lambda item: -item[1]["median_ms"])[:10]
    grown = {page: [at_1x[page]["queries"], at_10x[page]["queries"]] for page in at_1x
             if page in at_10x and at_10x[page]["queries"] > at_1x[page]["queries"]}
    return {
        "pages": len(at_1x),
        "slowest_ten": [{"page": page, **row} for page, row in slowest],
        "over_1s": sorted(page for page, row in at_1x.items() if row["median_ms"] > 1000),
        "over_1s_at_10x": sorted(page for page, row in at_10x.items() if row["median_ms"] > 1000),
        "queries_grown_at_10x": grown,
        "queries_flat_at_10x": not grown,
    }


def client_of(label: str) -> Client:
    from tests import crawl

    return crawl.client_for(next(role for role in crawl.demo_roles() if role.label == label))


def main():
    import time_machine

    from tests.browser.conftest import DEMO_DAY

    with time_machine.travel(DEMO_DAY, tick=True):
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        baseline = measure(Client(), "/healthz")
        pages = crawl_pages()
        at_1x = measure_all(pages, baseline, 1)
        period = reporting_period()
        multiply_units(10)
        join_groups()
        at_10x = measure_all(pages, baseline, 10)
        result = {"runs": RUNS, "baseline_healthz": baseline, **summary(at_1x, at_10x)}
        result.update(entry_page_figures(client_of("office"), baseline, period))
    print("slowest ten at 1×:")
    for row in result["slowest_ten"]:
        print(f"  {row['page']:80s} {row['median_ms']:8.1f} ms  cpu {row['cpu_ms']:8.1f} ms  {row['queries']} q")
    print("over 1 s:", result["over_1s"] or "none", "; queries grown at 10×:", result["queries_grown_at_10x"] or "none")
    result["at_1x"], result["at_10x"] = at_1x, at_10x
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
