"""City scale (issue 7): a synthetic city of 16 districts (≈ 2,000 assessed units) scored from database to
stored snapshots — goal ≤ 15 s for the whole city — with the fetch alone, the engine alone and the ratio
full ÷ fetch, measured in the same run.

Runs in-process against a throw-away SQLite database (removed at the end). The synthetic data is built with
bulk inserts (not timed); each district is shaped like the demo district:

* one district scheme with blocks 指标考核 60 (items), 重点工作 20 (key tasks) and 综合评议 20 (evaluation);
* groups: 10 streets/parks on 20 economic indicators (completion ratio, rank-based, relative to best, growth,
  reverse control), 15 bureaus on 40 indicators (completion ratio, reverse control, efficacy coefficient, step
  deduction, qualitative grade), 100 departments on 6 common indicators (completion ratio, per-event
  deduction, qualitative grade);
* a target, a baseline and two verified reporting values (Q3 and Q4, the loader takes the latest) per unit ×
  indicator; 40 key tasks with quarterly and year-end assessments of the lead and two cooperating units;
  an evaluation campaign with leader and public rater groups (6 answers each over 4 dimensions for every unit);
  bonus and deduction entries (one above its cap) and a veto.

A full city run = `scoring.actions.compute(scheme, "preliminary")` for all 16 schemes (lock, fetch, engine,
digest, ScoreRun, bulk insert of results and lines, audit event) inside one transaction that is rolled back.
Median of REPEAT runs. The last line is one JSON object.
"""

import datetime
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-city-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
DISTRICTS = int(os.environ.get("BENCH_DISTRICTS", "16"))
YEAR = 2025
# group code suffix → (unit kind, units per district, [(rule, params, direction) per indicator])
GROUPS = {
    "G01": ("street", 10, [("completion_ratio", {"cap": "1.2", "negative_growth_zero": True}, "higher_better")] * 14
            + [("rank_based", {"first_pct": "100", "step_pct": "5", "floor_pct": "50"}, "higher_better")] * 2
            + [("relative_to_best", {"cap": "1"}, "higher_better")] * 2
            + [("growth_vs_baseline", {"target_growth_pct": "6", "cap": "1.2"}, "higher_better"),
               ("reverse_control", {"cap": "1"}, "lower_better")]),
    "G02": ("bureau", 15, [("completion_ratio", {"cap": "1.2", "negative_growth_zero": True}, "higher_better")] * 30
            + [("reverse_control", {"cap": "1"}, "lower_better")] * 4
            + [("efficacy_coefficient", {"x_good": "95", "x_bad": "70", "base": "60", "span": "40"},
                "higher_better")] * 2
            + [("step_deduction", {"k": "1", "d": "5", "floor": "0"}, "higher_better")] * 2
            + [("qualitative_grade", {"grades": {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}},
                "qualitative")] * 2),
    "G03": ("department", 100, [("completion_ratio", {"cap": "1", "negative_growth_zero": True}, "higher_better")] * 4
            + [("per_event_deduction", {"points_per_event": "1", "floor": "0"}, "lower_better"),
               ("qualitative_grade", {"grades": {"好": "1", "较好": "0.8", "一般": "0.6", "差": "0.3"}},
                "qualitative")]),
}
GRADE_TEXTS = ["好", "较好", "一般", "差"]


class Rollback(Exception):
    pass


def build(rng: random.Random) -> list:
    """The synthetic city; returns its 16 district schemes."""
    from django.utils import timezone

    from jixiao.accounts.models import User
    from jixiao.indicators.models import Indicator, IndicatorVersion
    from jixiao.org.models import Cycle, Unit

    user = User.objects.create(username="bench-office", full_name="绩效办")
    cycle = Cycle.objects.create(year=YEAR, name=f"{YEAR}年度", status="scoring",
                                 starts_on=datetime.date(YEAR, 1, 1), ends_on=datetime.date(YEAR, 12, 31))
    city = Unit.objects.create(code="C", name="示范市", kind="city")
    indicators = {}
    for suffix, (_kind, _n, specs) in GROUPS.items():
        rows = Indicator.objects.bulk_create([
            Indicator(code=f"{suffix}I{i:02d}", name=f"{suffix}指标{i}", category="economic_core",
                      direction=direction, measure_unit="万元") for i, (_r, _p, direction) in enumerate(specs)])
        versions = IndicatorVersion.objects.bulk_create([
            IndicatorVersion(indicator=ind, valid_from_year=2020, definition="口径") for ind in rows])
        indicators[suffix] = list(zip(rows, versions, specs, strict=True))
    periods = _periods(cycle)
    now = timezone.now()
    return [_district(rng, d, city, cycle, indicators, periods, user, now) for d in range(1, DISTRICTS + 1)]


def _periods(cycle):
    from jixiao.reporting.models import Period

    rows = []
    for code, month in (("Q3", 9), ("Q4", 12)):
        end = datetime.date(YEAR, month, 28)
        rows.append(Period(cycle=cycle, code=code, kind="quarterly", starts_on=datetime.date(YEAR, 1, 1), ends_on=end,
                           opens_on=end, deadline=end + datetime.timedelta(days=10),
                           verify_deadline=end + datetime.timedelta(days=20)))
    return Period.objects.bulk_create(rows)


def _district(rng, d, city, cycle, indicators, periods, user, now):
    from jixiao.indicators.models import (
        AdjustmentCategory,
        GradeRule,
        Scheme,
        SchemeBlock,
        SchemeGroup,
        SchemeItem,
        VetoCondition,
    )
    from jixiao.org.models import Group, Unit

    district = Unit.objects.create(code=f"D{d:02d}", name=f"第{d}区", kind="district", parent=city)
    scheme = Scheme.objects.create(cycle=cycle, assessing_unit=district, code=f"D{d:02d}-{YEAR}",
                                   name=f"第{d}区{YEAR}年度绩效考核方案", status="published", published_at=now)
    blocks = SchemeBlock.objects.bulk_create([
        SchemeBlock(scheme=scheme, code="A", name="指标考核", weight=Decimal(60), sort_order=1),
        SchemeBlock(scheme=scheme, code="B", name="重点工作", weight=Decimal(20), sort_order=2),
        SchemeBlock(scheme=scheme, code="E", name="综合评议", weight=Decimal(20), kind="evaluation", sort_order=3)])
    members, items = {}, []
    for order, (suffix, (kind, size, specs)) in enumerate(GROUPS.items()):
        units = Unit.objects.bulk_create([
            Unit(code=f"D{d:02d}{suffix}U{i:03d}", name=f"第{d}区{suffix}单位{i}", kind=kind, parent=district,
                 is_assessor=(suffix == "G02")) for i in range(size)])
        group = Group.objects.create(cycle=cycle, code=f"D{d:02d}{suffix}", name=f"第{d}区{suffix}组", sort_order=order)
        group.units.set(units)
        SchemeGroup.objects.create(scheme=scheme, group=group, sort_order=order)
        members[suffix] = units
        weight = Decimal(60) / len(specs)
        items += [SchemeItem(scheme=scheme, block=blocks[0], group=group, indicator=ind, version=ver,
                             points=weight.quantize(Decimal("0.01")), rule=rule, params=params, sort_order=i)
                  for i, (ind, ver, (rule, params, _dir)) in enumerate(indicators[suffix])]
    SchemeItem.objects.bulk_create(items)
    categories = AdjustmentCategory.objects.bulk_create([
        AdjustmentCategory(scheme=scheme, code="J1", name="市级以上表彰", kind="bonus", cap=Decimal(3)),
        AdjustmentCategory(scheme=scheme, code="K1", name="通报批评", kind="deduction", cap=Decimal(5))])
    veto = VetoCondition.objects.create(scheme=scheme, code="V1", name="重大安全生产责任事故", effect="cap_grade",
                                        cap_grade="average")
    GradeRule.objects.bulk_create([
        GradeRule(scheme=scheme, grade="excellent", min_score=Decimal(90), quota_percent=Decimal(20)),
        GradeRule(scheme=scheme, grade="good", min_score=Decimal(80)),
        GradeRule(scheme=scheme, grade="average", min_score=Decimal(60)),
        GradeRule(scheme=scheme, grade="poor", min_score=Decimal(0))])
    everyone = [u for units in members.values() for u in units]
    _values(rng, cycle, indicators, members, periods, user, now)
    _key_work(rng, cycle, d, blocks[1], everyone, user, now)
    _evaluation(rng, cycle, district, everyone, now)
    _ledger(rng, cycle, everyone, categories, veto, user, now)
    return scheme


def _values(rng, cycle, indicators, members, periods, user, now):
    from jixiao.indicators.models import Target
    from jixiao.reporting.models import Submission, Value

    targets, submissions, values = [], [], []
    for suffix, units in members.items():
        for unit in units:
            for period in periods:
                submissions.append(Submission(period=period, unit=unit, cycle=cycle, status="verified",
                                              verified_at=now))
            for ind, _ver, _spec in indicators[suffix]:
                target = Decimal(rng.randint(50, 500))
                targets.append(Target(cycle=cycle, unit=unit, indicator=ind, target_value=target,
                                      baseline=target * Decimal("0.94")))
    submissions = Submission.objects.bulk_create(submissions, batch_size=2000)
    Target.objects.bulk_create(targets, batch_size=2000)
    by_unit = {}
    for sub in submissions:
        by_unit.setdefault(sub.unit_id, []).append(sub)
    for suffix, units in members.items():
        for unit in units:
            for share, sub in zip((Decimal("0.7"), Decimal(1)), by_unit[unit.pk], strict=True):
                for ind, _ver, (rule, _params, _direction) in indicators[suffix]:
                    number, text = _actual(rng, rule, share)
                    values.append(Value(submission=sub, cycle=cycle, unit=unit, indicator=ind, number=number,
                                        text=text, verified_at=now, verified_by=user))
    Value.objects.bulk_create(values, batch_size=2000)


def _actual(rng, rule, share):
    if rule == "qualitative_grade":
        return None, rng.choice(GRADE_TEXTS)
    if rule == "per_event_deduction":
        return Decimal(rng.choice([0, 0, 0, 1, 2])), ""
    if rule == "efficacy_coefficient":
        return Decimal(rng.randint(65, 99)), ""
    return (Decimal(rng.randint(40, 600)) * share).quantize(Decimal("0.01")), ""


def _key_work(rng, cycle, d, block, units, user, now):
    from jixiao.keywork.models import Assessment, KeyTask

    tasks = KeyTask.objects.bulk_create([
        KeyTask(cycle=cycle, code=f"D{d:02d}K{i:02d}", name=f"重点工作{i}", source="five_year_plan",
                lead_unit=rng.choice(units), annual_goal="按期完成", points=Decimal(10), scheme_block=block)
        for i in range(40)])
    rows = []
    for task in tasks:
        for unit in {task.lead_unit, *rng.sample(units, 2)}:
            for code in ("Q1", "Q2", "Q3", "Q4", "Y"):
                rows.append(Assessment(task=task, unit=unit, period_code=code, score=Decimal(rng.randint(6, 10)),
                                       comment="按节点推进", assessed_by=user, assessed_at=now))
    Assessment.objects.bulk_create(rows, batch_size=2000)


def _evaluation(rng, cycle, district, units, now):
    from jixiao.evaluation.models import Answer, Campaign, Dimension, Questionnaire, RaterGroup, Rating

    campaign = Campaign.objects.create(cycle=cycle, assessing_unit=district, name="综合评议", status="closed",
                                       opens_at=now - datetime.timedelta(days=30), closes_at=now)
    campaign.units.set(units)
    groups = RaterGroup.objects.bulk_create([
        RaterGroup(campaign=campaign, kind="leader", name="区级领导", weight=Decimal(60)),
        RaterGroup(campaign=campaign, kind="public", name="群众代表", weight=Decimal(40), sort_order=1)])
    dimensions = Dimension.objects.bulk_create([Dimension(campaign=campaign, code=f"D{i}", name=f"维度{i}",
                                                          sort_order=i) for i in range(4)])
    answers, ratings = [], []
    for group in groups:
        questionnaire = Questionnaire.objects.create(rater_group=group, frozen_at=now)
        for _ in range(6):
            answer = Answer(campaign=campaign, rater_group=group, questionnaire=questionnaire, channel="code",
                            submitted_on=now.date())
            answers.append(answer)
            ratings += [Rating(answer=answer, campaign=campaign, rater_group=group, unit=unit, dimension=dim,
                               value=rng.choice([60, 80, 80, 100, 100])) for unit in units for dim in dimensions]
    Answer.objects.bulk_create(answers)
    Rating.objects.bulk_create(ratings, batch_size=5000)


def _ledger(rng, cycle, units, categories, veto, user, now):
    from jixiao.scoring.models import Adjustment, VetoFlag

    bonus, deduction = categories
    picks = rng.sample(units, 6)
    Adjustment.objects.bulk_create(
        [Adjustment(cycle=cycle, unit=picks[0], category=bonus, points=Decimal(2), reason="获市级表彰",
                    entered_by=user, entered_at=now)] * 1
        + [Adjustment(cycle=cycle, unit=picks[0], category=bonus, points=Decimal(2), reason="获省级荣誉",
                      entered_by=user, entered_at=now)]
        + [Adjustment(cycle=cycle, unit=u, category=deduction, points=Decimal("1.5"), reason="被通报批评",
                      entered_by=user, entered_at=now) for u in picks[1:5]])
    VetoFlag.objects.create(cycle=cycle, unit=picks[5], condition=veto, reason="发生较大生产安全责任事故",
                            entered_by=user, entered_at=now)


def measure(schemes) -> dict:
    from django.db import transaction

    from jixiao.scoring import actions, engine, loader
    from jixiao.scoring.models import ScoreLine, ScoreResult

    fetch, engine_only, full = [], [], []
    units = lines = stored = missing = 0
    grades = Counter()
    for _ in range(REPEAT):
        started = time.perf_counter()
        all_inputs = [loader.load(s) for s in schemes]
        fetch.append(time.perf_counter() - started)
        started = time.perf_counter()
        results = [engine.score_scheme(i) for i in all_inputs]
        engine_only.append(time.perf_counter() - started)
        units = sum(len(r.units) for r in results)
        lines = sum(len(u.lines) for r in results for u in r.units)
        missing = sum(line.status == "missing" for r in results for u in r.units for line in u.lines)
        grades = Counter(u.grade for r in results for u in r.units)
        try:
            with transaction.atomic():
                started = time.perf_counter()
                for scheme in schemes:
                    actions.compute(scheme, "preliminary", by=None)
                full.append(time.perf_counter() - started)
                stored = (ScoreResult.objects.count(), ScoreLine.objects.count())
                raise Rollback
        except Rollback:
            pass
    assert stored == (units, lines), (stored, units, lines)  # every snapshot was really written
    return {
        "bench": "scoring_city", "districts": len(schemes), "units": units, "lines": lines, "lines_missing": missing,
        "grades": dict(sorted(grades.items())), "repeat": REPEAT, "full_run_s": round(statistics.median(full), 3), "fetch_s": round(statistics.median(fetch), 3),
        "engine_s": round(statistics.median(engine_only), 3),
        "ratio_full_to_fetch": round(statistics.median(full) / statistics.median(fetch), 2),
        "goal_full_s": 15.0, "goal_ratio": 3.0,
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            schemes = build(random.Random(20260101))
        built_s = time.perf_counter() - started
        figures = measure(schemes)
        figures["build_s"] = round(built_s, 1)
    finally:
        connections.close_all()
        shutil.rmtree(_tmp, ignore_errors=True)
    print(f"全市 {figures['districts']} 个区、{figures['units']} 个单位、得分行 {figures['lines']} 条：完整计算 "
          f"{figures['full_run_s']} s，取数 {figures['fetch_s']} s，引擎 {figures['engine_s']} s，"
          f"完整/取数 {figures['ratio_full_to_fetch']}（合成数据构建 {figures['build_s']} s，不计时）")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
