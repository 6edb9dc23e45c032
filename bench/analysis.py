"""横比纵比 pages at 1× and 10× units: query counts and time, against fetching the input values alone; then the
half-year analysis and quarterly key-project reports of the demo district (`reports`).

Runs in-process against a throw-away SQLite database (or JIXIAO_DATABASE_URL) holding one 2026 scheme with two
groups of streets: G1 of BENCH_UNITS (default 30, the demo's size order) and G10 of ten times as many, each with
one indicator of its own and a verified Q2 value for every unit in 2026 and in 2025. For each size:

- fetch: the input values alone — the two year's verified values of the group's units, two plain queries;
- table: `analysis.compare.indicator_table` (the values, last year's same period, the statistics);
- page: GET /analysis/compare/ as the office (the whole page: cycle picker, choices, table, chart);
- unit page: GET /analysis/compare/mine/?unit=… for one unit of the group (its rank, window and years);
- quality: `analysis.quality_queries.flags` for the group's indicator in 2026 Q2 (数据质量预警: each figure against
  the unit's earlier Q2s and against its group).

Figures: the queries each one reads (the same at 1× and 10× when the count is constant in the units), and the
median wall-clock and CPU seconds of BENCH_RUNS; `ratio_*` is the page's CPU time ÷ the fetch's in the same run.
The last line is one JSON object.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-")
os.environ.setdefault("JIXIAO_SQLITE_PATH", str(Path(_tmp) / "bench.sqlite3"))
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ.setdefault("JIXIAO_DEBUG", "true")

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jixiao.accounts.middleware import AUTH_AT_KEY  # noqa: E402
from jixiao.accounts.models import Membership, User  # noqa: E402
from jixiao.accounts.roles import Role  # noqa: E402
from jixiao.analysis import compare, quality_queries  # noqa: E402
from jixiao.indicators.models import (  # noqa: E402
    Direction,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
)
from jixiao.org.models import Cycle, CycleStatus, Group, Unit, UnitKind  # noqa: E402
from jixiao.reporting.actions import default_dates  # noqa: E402
from jixiao.reporting.models import DONE, Period, Submission, Value  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
UNITS = int(os.environ.get("BENCH_UNITS", "30"))
AS_OF = datetime.date(2026, 7, 31)


def timed(fn, runs=RUNS) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return round(statistics.median(wall), 4), round(statistics.median(cpu), 4)


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _cycle(year, status):
    return Cycle.objects.create(year=year, name=f"{year}年度", status=status, starts_on=datetime.date(year, 1, 1),
                                ends_on=datetime.date(year, 12, 31))


def build():
    """The district, the office's user, 2025 and 2026, and the two groups with their values."""
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        district = Unit.objects.create(code="D01", name="示范区", kind=UnitKind.DISTRICT)
        office = Unit.objects.create(code="B00", name="区绩效考核办公室", kind=UnitKind.DEPARTMENT, parent=district)
        user = User.objects.create(username="office", full_name="绩效办", must_change_password=False,
                                   password_changed_at=timezone.now())
        Membership.objects.create(user=user, unit=office, role=Role.OFFICE_ADMIN)
        last, cycle = _cycle(2025, CycleStatus.ARCHIVED), _cycle(2026, CycleStatus.RUNNING)
        scheme = Scheme.objects.create(cycle=cycle, assessing_unit=district, code="D01-2026", name="2026年度方案")
        block = SchemeBlock.objects.create(scheme=scheme, code="A", name="指标考核", weight=Decimal(100))
        sizes = {"G1": UNITS, "G10": UNITS * 10}
        for code, size in sizes.items():
            _group(code, size, district, scheme, block, cycle, last)
    return user, cycle, sizes


def _group(code, size, district, scheme, block, cycle, last):
    units = Unit.objects.bulk_create([Unit(code=f"{code}-{i:04d}", name=f"{code}第{i}街道", kind=UnitKind.STREET,
                                           parent=district, sort_order=i) for i in range(size)])
    group = Group.objects.create(cycle=cycle, code=code, name=f"{code}组")
    group.units.set(units)
    SchemeGroup.objects.create(scheme=scheme, group=group)
    indicator = Indicator.objects.create(code=f"E-{code}", name=f"{code}指标", category="economic_core",
                                         direction=Direction.HIGHER_BETTER, measure_unit="万元")
    version = IndicatorVersion.objects.create(indicator=indicator, valid_from_year=2020, definition="口径")
    SchemeItem.objects.create(scheme=scheme, block=block, group=group, indicator=indicator, version=version,
                              points=Decimal(10), rule="completion_ratio", params={})
    for year_cycle, base in ((last, 900), (cycle, 1000)):
        period, _ = Period.objects.get_or_create(cycle=year_cycle, code="Q2", defaults={
            "kind": "quarter", **default_dates(year_cycle.year, "Q2")})
        subs = Submission.objects.bulk_create([Submission(unit=u, period=period, cycle=year_cycle, status="locked")
                                               for u in units])
        Value.objects.bulk_create([Value(submission=s, cycle=year_cycle, unit=s.unit, indicator=indicator,
                                         number=Decimal(base + (i * 37) % 500), verified_at=timezone.now())
                                   for i, s in enumerate(subs)])


def fetch(cycle, indicator, unit_ids):
    """The input values alone: this year's and last year's verified figures of the units, two queries."""
    rows = Value.objects.filter(indicator=indicator, unit_id__in=unit_ids, submission__status__in=DONE,
                                verified_at__isnull=False)
    return list(rows.filter(cycle=cycle).values_list("unit_id", "number")), list(
        rows.filter(cycle__year=cycle.year - 1).values_list("unit_id", "number"))


def measure(client, cycle, code, size):
    indicator = Indicator.objects.get(code=f"E-{code}")
    peers = compare.peer_set(cycle, indicator, code)
    ids = list(peers.unit_ids)
    one = Unit.objects.filter(code=f"{code}-0000").get()
    page_url = f"/analysis/compare/?cycle=2026&indicator={indicator.code}&peers={code}"
    unit_url = f"/analysis/compare/mine/?cycle=2026&unit={one.code}"
    period = Period.objects.select_related("cycle").get(cycle=cycle, code="Q2")
    assert client.get(page_url).status_code == 200 and client.get(unit_url).status_code == 200
    runs = {
        "fetch": lambda: fetch(cycle, indicator, ids),
        "table": lambda: compare.indicator_table(cycle, indicator, peers, as_of=AS_OF),
        "page": lambda: client.get(page_url),
        "unit_page": lambda: client.get(unit_url),
        "quality": lambda: quality_queries.flags(period, indicator_ids=[indicator.pk]),
    }
    out = {"units": size}
    for name, fn in runs.items():
        wall, cpu = timed(fn)
        out.update({f"{name}_queries": queries(fn), f"{name}_wall_s": wall, f"{name}_cpu_s": cpu})
    out["ratio_page_to_fetch_cpu"] = round(out["page_cpu_s"] / out["fetch_cpu_s"], 1) if out["fetch_cpu_s"] else None
    out["ratio_table_to_fetch_cpu"] = round(out["table_cpu_s"] / out["fetch_cpu_s"], 1) if out["fetch_cpu_s"] else None
    return out


def main():
    user, cycle, sizes = build()
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session.save()
    one, ten = (measure(client, cycle, code, size) for code, size in sizes.items())
    figures = {"bench": "analysis_compare", "database": connection.vendor, "runs": RUNS,
               **{f"x1_{k}": v for k, v in one.items()}, **{f"x10_{k}": v for k, v in ten.items()}}
    figures["constant_queries"] = all(one[f"{n}_queries"] == ten[f"{n}_queries"]
                                      for n in ("fetch", "table", "page", "unit_page", "quality"))
    figures.update(reports())  # the half-year and quarterly reports, on the demo district
    for key, value in figures.items():
        if key != "bench":
            print(f"{key:32} {value}")
    print(json.dumps(figures, ensure_ascii=False))


def reports() -> dict:
    """The half-year reports of the demo district, in the same throw-away database emptied and seeded with the demo.

    fetch: the district's figures alone (`report_queries.facts`: the pace, comparison, satisfaction and rectification
    queries); district: the whole district report (figures, sentences, charts, .docx), district_pdf the same as PDF;
    quarter_*: the district's 2026 Q3 key-project evaluation report (its figures alone, the .docx, the PDF);
    all_units: every unit's report (.docx and PDF) in one zip, as the task worker builds it, with the figures of every
    unit alone as its fetch. Goals: ≤ 5 s a district report and ≤ 60 s the zip. Wall and CPU seconds (median of
    BENCH_REPORT_RUNS for the district; the zip once).
    """
    from jixiao.analysis import report_actions, report_quarter_queries, report_queries
    from jixiao.analysis.models import AnalysisReport, ReportScope
    from jixiao.demo import build as demo

    call_command("flush", "--noinput", verbosity=0)
    demo.load()
    cycle, runs = Cycle.objects.get(year=2026), int(os.environ.get("BENCH_REPORT_RUNS", "3"))
    units = list(report_actions.report_units(cycle))
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).first()
    out = {"report_units": len(units)}
    for name, fn, times in (
            ("report_fetch", lambda: report_queries.facts(cycle, 1), runs),
            ("report_district", lambda: report_actions.build_file(cycle, 1), runs),
            ("report_district_pdf", lambda: report_actions.build_file(cycle, 1, pdf=True), runs),
            ("report_quarter_fetch", lambda: report_quarter_queries.facts(cycle, 3), runs),
            ("report_quarter_district", lambda: report_actions.build_file(cycle, None, quarter=3), runs),
            ("report_quarter_district_pdf", lambda: report_actions.build_file(cycle, None, quarter=3, pdf=True), runs),
            ("report_all_fetch", lambda: [report_queries.facts(cycle, 1, u) for u in units], 1),
            ("report_all_units", lambda: report_actions.generate(AnalysisReport.objects.create(
                cycle=cycle, half=1, scope=ReportScope.ALL_UNITS, key=f"bench-{time.time()}", requested_by=office,
                requested_at=timezone.now())), 1)):
        wall, cpu = timed(fn, times)
        out.update({f"{name}_wall_s": wall, f"{name}_cpu_s": cpu})
    out["ratio_report_district_to_fetch_cpu"] = round(out["report_district_cpu_s"] / out["report_fetch_cpu_s"], 1)
    out["ratio_report_all_units_to_fetch_cpu"] = round(out["report_all_units_cpu_s"] / out["report_all_fetch_cpu_s"], 1)
    out["ratio_report_quarter_to_fetch_cpu"] = round(out["report_quarter_district_cpu_s"]
                                                     / max(out["report_quarter_fetch_cpu_s"], 0.001), 1)
    out["report_goals_met"] = out["report_district_wall_s"] <= 5 and out["report_all_units_wall_s"] <= 60
    # On a shared machine the wall clock measures the other processes too: the CPU seconds and the load say how much.
    out["report_goals_met_cpu"] = out["report_district_cpu_s"] <= 5 and out["report_all_units_cpu_s"] <= 60
    out["load_average_1m"] = round(os.getloadavg()[0], 1)
    return out


if __name__ == "__main__":
    main()
