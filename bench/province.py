"""A province on PostgreSQL (issue 19): ≈ 13,000 units in 100 districts of 10 cities, scored, its 2,000,000 public
answers aggregated, and the leader's dashboard and the comparison page read at one city (10 districts) and at the
whole province (100 districts).

Creates a throw-away PostgreSQL database (BENCH_PG, default 127.0.0.1:5432, user postgres), migrates it and builds
the province with bulk inserts (not timed). Each district is bench/scoring_city.py's district, reused as is (one
scheme of 3 blocks; 10 streets on 20 indicators, 15 bureaus on 40, 100 departments on 6; targets, two verified
values per unit × indicator, 40 key tasks, a campaign with a leader and a public rater group, bonus, deduction and
a veto), so 126 units a district; the indicator library is shared by every district (one `Indicator` row per
code, as decision 0016 proposes for a city library). On top, BENCH_ANSWERS ÷ districts public answers per district
(one department each, 4 dimensions: 4 ratings an answer) are generated in SQL with generate_series, the two
tables' foreign keys dropped for the load and added again after it (which checks every row at once).

The same steps at two sizes, SMALL districts (one city) and DISTRICTS (the province), in one run:

1. scoring: `scoring.actions.compute(scheme, "preliminary")` for every scheme, as `compute_scores` and the
   office's 计算 do (lock, fetch incl. the evaluation block, engine, store, audit), inside a transaction that is
   rolled back at the end; baseline: `scoring.loader.load` of every scheme (fetching the inputs alone);
2. aggregation: `evaluation.campaign_results.block_scores(cycle)` (what the scoring engine's evaluation block
   reads: every campaign of the cycle, all its answers); baseline: a plain `SELECT count(*)` over the ratings;
3. pages, as a district leader (区级领导) through django.test.Client, with the runs of step 1 marked published
   (a plain UPDATE, inside the same rolled-back transaction): the home page (工作台 · 领导驾驶舱), its printed
   dashboard, the comparison page (横比) of a street indicator over every street of the installation
   (`peers=all`) and over one district's streets; query count (CaptureQueriesContext) and median time of RUNS;
4. the rows and size of the tables a province makes big (`table_mb`).

Wall time and CPU time (this process and its PostgreSQL backend, from /proc) side by side; the load average is
printed with the figures (2 shared cores). The database is dropped at the end. The last line is one JSON object.
"""

import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = f"jixiao_bench_province_{os.getpid()}"
os.environ["JIXIAO_DATABASE_URL"] = f"{PG}/{DB}"
os.environ["JIXIAO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

import scoring_city as city  # noqa: E402  (the district's shape; sets demo mode and a media folder of its own)

DISTRICTS = int(os.environ.get("BENCH_DISTRICTS", "100"))
SMALL = int(os.environ.get("BENCH_SMALL_DISTRICTS", "10"))
PER_CITY = 10  # districts per city
ANSWERS = int(os.environ.get("BENCH_ANSWERS", "2000000"))  # public answers in the whole province
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
YEAR = city.YEAR
INDICATOR = "G01I00"  # a street indicator of the shared library, reported by every street of the installation
BIG_TABLES = ["reporting.Value", "reporting.ValueRevision", "indicators.Target", "evaluation.Answer",
              "evaluation.Rating", "scoring.ScoreResult", "scoring.ScoreLine", "audit.Event"]
GOALS = {"scoring_s": 60.0, "aggregate_s": 20.0}


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)  # noqa: S603, S607


class Rollback(Exception):
    pass


# --- Measuring ----------------------------------------------------------------------------------------


def backend_seconds() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine: /proc)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn):
    """(result, wall s, this process's CPU s, the database backend's CPU s) of one call."""
    wall, cpu, db = time.perf_counter(), time.process_time(), backend_seconds()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu, backend_seconds() - db


def median_of(fn, runs: int = RUNS) -> dict:
    times = [timed(fn)[1:] for _ in range(runs)]
    return {"wall_s": round(statistics.median(t[0] for t in times), 3),
            "cpu_s": round(statistics.median(t[1] for t in times), 3),
            "db_cpu_s": round(statistics.median(t[2] for t in times), 3)}


def load() -> float:
    return round(os.getloadavg()[0], 2)


# --- The province -------------------------------------------------------------------------------------


def base(rng: random.Random) -> dict:
    """What every district shares: the office user, the cycle and its periods, the indicator library."""
    from django.utils import timezone

    from jixiao.accounts.models import User
    from jixiao.indicators.models import Indicator, IndicatorVersion
    from jixiao.org.models import Cycle

    user = User.objects.create(username="bench-office", full_name="绩效办")
    cycle = Cycle.objects.create(year=YEAR, name=f"{YEAR}年度", status="running",
                                 starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 12, 31))
    indicators = {}
    for suffix, (_kind, _n, specs) in city.GROUPS.items():
        rows = Indicator.objects.bulk_create([
            Indicator(code=f"{suffix}I{i:02d}", name=f"{suffix}指标{i}", category="economic_core",
                      direction=direction, measure_unit="万元") for i, (_r, _p, direction) in enumerate(specs)])
        versions = IndicatorVersion.objects.bulk_create([
            IndicatorVersion(indicator=ind, valid_from_year=2020, definition="口径") for ind in rows])
        indicators[suffix] = list(zip(rows, versions, specs, strict=True))
    return {"rng": rng, "user": user, "cycle": cycle, "indicators": indicators, "periods": periods(cycle),
            "now": timezone.now(), "cities": {}, "schemes": []}


def periods(cycle) -> list:
    """Q3 and Q4 as bench/scoring_city.py makes them, with a kind PostgreSQL accepts (its "quarterly" is longer
    than the column: SQLite never checks a varchar's length)."""
    from jixiao.reporting.models import Period, PeriodKind

    rows = []
    for code, month in (("Q3", 9), ("Q4", 12)):
        end = datetime.date(YEAR, month, 28)
        rows.append(Period(cycle=cycle, code=code, kind=PeriodKind.QUARTER, starts_on=datetime.date(YEAR, 1, 1),
                           ends_on=end, opens_on=end, deadline=end + datetime.timedelta(days=10),
                           verify_deadline=end + datetime.timedelta(days=20)))
    return Period.objects.bulk_create(rows)


def add_districts(ctx: dict, first: int, last: int) -> None:
    """Districts first..last (each under its city, created when first needed) and their public answers."""
    from django.db import connection, transaction

    from jixiao.org.models import Unit

    with transaction.atomic():
        for d in range(first, last + 1):
            c = (d - 1) // PER_CITY + 1
            if c not in ctx["cities"]:
                ctx["cities"][c] = Unit.objects.create(code=f"C{c:02d}", name=f"第{c}市", kind="city")
            ctx["schemes"].append(city._district(ctx["rng"], d, ctx["cities"][c], ctx["cycle"], ctx["indicators"],
                                                 ctx["periods"], ctx["user"], ctx["now"]))
    public_answers([s.assessing_unit_id for s in ctx["schemes"][first - 1:last]], ANSWERS // DISTRICTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load; the planner needs the new row counts


@contextmanager
def checked_after(cursor, tables: list[str]):
    """The tables' foreign keys dropped for a bulk load and added again after it, as pg_restore loads a dump.

    Adding a foreign key checks every row in one join; kept, the key would check (and lock the referenced row
    for) each of 8,000,000 ratings one by one at the commit, which took longer than the rest of the bench.
    """
    cursor.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                       WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])""", [tables])
    keys = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def public_answers(district_ids: list[int], per_district: int) -> None:
    """`per_district` public answers to each district's campaign, one department and 4 ratings an answer."""
    from django.db import connection, transaction

    from jixiao.evaluation.models import Answer, Campaign, Dimension, Questionnaire, RaterGroup, Rating

    answer, rating, campaign = Answer._meta.db_table, Rating._meta.db_table, Campaign._meta.db_table
    members, dimension = Campaign.units.through._meta.db_table, Dimension._meta.db_table
    group, questionnaire = RaterGroup._meta.db_table, Questionnaire._meta.db_table
    # One row per district: its campaign, public group and questionnaire, the units it rates, its dimensions.
    shape = f"""
        SELECT c.id AS campaign_id, g.id AS group_id, q.id AS questionnaire_id,
               (SELECT array_agg(cu.unit_id ORDER BY cu.unit_id) FROM {members} cu
                 WHERE cu.campaign_id = c.id) AS units,
               (SELECT array_agg(d.id ORDER BY d.sort_order) FROM {dimension} d
                 WHERE d.campaign_id = c.id) AS dims
          FROM {campaign} c JOIN {group} g ON g.campaign_id = c.id AND g.kind = 'public'
          JOIN {questionnaire} q ON q.rater_group_id = g.id
         WHERE c.assessing_unit_id = ANY(%s)"""  # noqa: S608  (table names from the models)
    with transaction.atomic(), connection.cursor() as cursor, checked_after(cursor, [answer, rating]):
        # MATERIALIZED: the districts' arrays once, not their subqueries once per answer.
        cursor.execute(f"""CREATE TEMP TABLE bench_answers ON COMMIT DROP AS
            WITH s AS MATERIALIZED ({shape})
            SELECT gen_random_uuid() AS id, s.campaign_id, s.group_id, s.questionnaire_id, n,
                   s.units[1 + n %% array_length(s.units, 1)] AS unit_id, s.dims
              FROM s, generate_series(0, %s - 1) n""", [district_ids, per_district])  # noqa: S608
        cursor.execute(f"""INSERT INTO {answer} (id, campaign_id, rater_group_id, questionnaire_id, channel,
                                                 submitted_on, seconds, vector_digest, excluded)
            SELECT id, campaign_id, group_id, questionnaire_id, 'code', DATE '{YEAR}-11-20', 100, '', false
              FROM bench_answers""")  # noqa: S608
        cursor.execute(f"""INSERT INTO {rating} (answer_id, campaign_id, rater_group_id, unit_id, dimension_id, value)
            SELECT a.id, a.campaign_id, a.group_id, a.unit_id, a.dims[k], (ARRAY[100, 80, 60, 80, 40])[1 + (n + k) % 5]
              FROM bench_answers a, generate_series(1, array_length(a.dims, 1)) k""")  # noqa: S608
        cursor.execute("DROP TABLE bench_answers")


def leader_client():
    """A django.test.Client logged in as a leader (区级领导) of the first district."""
    from django.test import Client
    from django.utils import timezone

    from jixiao.accounts.middleware import AUTH_AT_KEY
    from jixiao.accounts.models import Membership, User
    from jixiao.accounts.roles import Role
    from jixiao.org.models import Unit

    user = User.objects.create(username="bench-leader", full_name="区级领导", must_change_password=False,
                               password_changed_at=timezone.now())
    Membership.objects.create(user=user, unit=Unit.objects.get(code="D01"), role=Role.LEADER)
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session.save()
    return client


# --- One size -----------------------------------------------------------------------------------------


PAGES = {
    "home": "/",
    "dashboard_print": "/analysis/print/",
    "compare_all": f"/analysis/compare/?cycle={YEAR}&indicator={INDICATOR}&peers=all",
    "compare_district": f"/analysis/compare/?cycle={YEAR}&indicator={INDICATOR}&peers=D01G01",
}


def page(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up, and the status
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {"queries": len(ctx.captured_queries), **median_of(lambda: client.get(url))}


def measure(ctx: dict, client) -> dict:
    from django.db import transaction

    from jixiao.evaluation import campaign_results
    from jixiao.evaluation.models import Answer, Rating
    from jixiao.scoring import actions, loader
    from jixiao.scoring.models import ScoreLine, ScoreResult, ScoreRun

    schemes, cycle = ctx["schemes"], ctx["cycle"]
    out = {"districts": len(schemes), "units": sum(1 for _ in _assessed(cycle)), "load_before": load(),
           "answers": Answer.objects.count(), "ratings": Rating.objects.count()}
    _, *fetch = timed(lambda: [loader.load(s) for s in schemes])
    out["fetch"] = _seconds(fetch)
    try:
        with transaction.atomic():
            _, *full = timed(lambda: [actions.compute(s, "preliminary", by=None) for s in schemes])
            out["scoring"] = _seconds(full)
            out["results"], out["lines"] = ScoreResult.objects.count(), ScoreLine.objects.count()
            assert ScoreRun.objects.count() == len(schemes) and out["results"] == out["units"], out
            out["table_mb"] = table_sizes()
            ScoreRun.objects.update(stage="final", status="published", published=True, published_at=ctx["now"])
            out["pages"] = {name: page(client, url) for name, url in PAGES.items()}
            raise Rollback
    except Rollback:
        pass
    out["ratio_scoring_to_fetch"] = round(out["scoring"]["wall_s"] / out["fetch"]["wall_s"], 2)
    scores = campaign_results.block_scores(cycle)
    out["aggregate_departments"] = len(scores)
    out["aggregate"] = median_of(lambda: campaign_results.block_scores(cycle))
    out["count"] = median_of(lambda: Rating.objects.count())
    out["ratio_aggregate_to_count"] = round(out["aggregate"]["wall_s"] / out["count"]["wall_s"], 2)
    out["load_after"] = load()
    return out


def table_sizes() -> dict:
    """Rows and MB (table with its indexes) of the tables a province makes big."""
    from django.apps import apps
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for label in BIG_TABLES:
            table = apps.get_model(label)._meta.db_table
            cursor.execute(f"SELECT count(*), pg_total_relation_size(%s) FROM {table}", [table])  # noqa: S608
            rows, size = cursor.fetchone()
            out[label] = {"rows": rows, "mb": round(size / 2**20, 1)}
    return out


def _assessed(cycle):
    from jixiao.org.models import Group

    return Group.units.through.objects.filter(group__cycle=cycle).values_list("unit_id", flat=True).distinct()


def _seconds(times) -> dict:
    wall, cpu, db = times
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "db_cpu_s": round(db, 3)}


def report(name: str, size: dict) -> None:
    pages = "；".join(f"{p} {v['queries']} 条查询 {v['wall_s']} s" for p, v in size["pages"].items())
    print(f"{name}：{size['districts']} 个区、{size['units']} 个被考核单位、公众答卷 {size['answers']} 份"
          f"（评分 {size['ratings']} 条）。全部方案计算 {size['scoring']['wall_s']} s（本进程 CPU "
          f"{size['scoring']['cpu_s']} s，数据库 CPU {size['scoring']['db_cpu_s']} s），取数 {size['fetch']['wall_s']} s，"
          f"计算/取数 {size['ratio_scoring_to_fetch']}；评议汇总 {size['aggregate']['wall_s']} s（数据库 CPU "
          f"{size['aggregate']['db_cpu_s']} s），count(*) {size['count']['wall_s']} s，汇总/count "
          f"{size['ratio_aggregate_to_count']}；页面：{pages}；负载 {size['load_before']} → {size['load_after']}",
          flush=True)


def main() -> None:
    psql(f"CREATE DATABASE {DB}")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        ctx = base(random.Random(20260101))
        _, built_small, *_ = timed(lambda: add_districts(ctx, 1, SMALL))
        client = leader_client()
        small = measure(ctx, client)
        report("一个市", small)
        _, built_rest, *_ = timed(lambda: add_districts(ctx, SMALL + 1, DISTRICTS))
        large = measure(ctx, client)
        report("全省", large)
    finally:
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        shutil.rmtree(city._tmp, ignore_errors=True)
    flat = {name: small["pages"][name]["queries"] == large["pages"][name]["queries"] for name in PAGES}
    figures = {
        "bench": "province", "database": "postgresql", "runs": RUNS, "cores": os.cpu_count(),
        "build_s": {"small": round(built_small, 1), "rest": round(built_rest, 1)},
        "small": small, "large": large, "queries_flat": flat,
        "scoring_per_district_s": {"small": round(small["scoring"]["wall_s"] / small["districts"], 3),
                                   "large": round(large["scoring"]["wall_s"] / large["districts"], 3)},
        "goals": GOALS,
        "goals_met": {"scoring": large["scoring"]["wall_s"] <= GOALS["scoring_s"],
                      "aggregate": large["aggregate"]["wall_s"] <= GOALS["aggregate_s"],
                      "queries_flat": all(flat.values())},
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
