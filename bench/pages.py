"""Server time and query count of the office admin's home page, unit tree and reporting board at 1× and 10×
units, and of a unit's data-entry page with 8 and 80 indicators.

Runs in-process against a throw-away SQLite database loaded with the demo district, measures each page
`RUNS` times through Django's test client (the whole request cycle: middleware, session, view, template),
and prints the figures; the last line is one JSON object. The baseline is /healthz measured in the same
run, so the ratio says how much heavier a page is than the lightest request the server can answer.
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

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm caches and the template loader
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {"median_ms": round(statistics.median(times), 2), "queries": len(ctx.captured_queries)}


def office_client() -> Client:
    from jixiao.accounts.middleware import AUTH_AT_KEY
    from jixiao.accounts.models import Membership

    membership = Membership.objects.active().filter(role="office_admin").select_related("user").first()
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session["active_membership_id"] = membership.pk
    session.save()
    return client


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
    """Put every unit copy made by multiply_units into its original's groups, so the board covers all units."""
    from jixiao.org.models import Group, Unit

    through = Group.units.through
    by_code = dict(Unit.objects.values_list("code", "pk"))
    links = list(through.objects.filter(group__cycle__year=year).values_list("group_id", "unit__code"))
    rows = [through(group_id=g, unit_id=by_code[clone]) for g, code in links for clone in by_code
            if clone.startswith("X") and clone[2:] == code]
    through.objects.bulk_create(rows, ignore_conflicts=True)


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


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    client = office_client()
    period = reporting_period()
    pages = {"home": "/", "unit_tree": "/org/units/", "reporting_board": f"/reporting/board/?period={period.pk}"}
    result = {"runs": RUNS}
    baseline = measure(client, "/healthz")
    result["baseline_healthz"] = baseline
    for factor in (1, 10):
        if factor > 1:
            multiply_units(factor)
            join_groups()
        from jixiao.org.models import Unit

        result[f"units_{factor}x"] = Unit.objects.count()
        for name, url in pages.items():
            figures = measure(client, url)
            figures["ratio_to_baseline"] = round(figures["median_ms"] / baseline["median_ms"], 1)
            result[f"{name}_{factor}x"] = figures
            print(f"{name:10s} {factor:>2}×  {figures['median_ms']:8.2f} ms  {figures['queries']:3d} queries  "
                  f"×{figures['ratio_to_baseline']} of /healthz")
    for name in pages:
        result[f"{name}_queries_constant"] = result[f"{name}_1x"]["queries"] == result[f"{name}_10x"]["queries"]
    result.update(entry_page_figures(client, baseline, period))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
