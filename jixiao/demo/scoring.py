"""Demo scoring (stage 6): every historic cycle (2020–2025) scored, appealed, finalised and published.

Per cycle and scheme: a few bonus and deduction entries (one above its category's cap, one 单列 outside the
total), a preliminary run in January of the next year, a one-week appeal window, a final run and publication.
2023: the district scheme's top unit of 经济发展 group G01 is vetoed (重大安全生产责任事故 → at most 一般).
2024: two appeals on the district scheme — one accepted (the deduction is cancelled before the final run), one
rejected with its reason. 2026 is left uncomputed: the office computes its preliminary result from the data so
far (`manage.py compute_scores --cycle 2026`). The final run reuses the preliminary's fetched inputs with the
ledger read again (loader.with_ledger): between the two only the ledger changes here.
"""

import datetime
from decimal import Decimal

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.demo import committee
from jixiao.indicators.models import AdjustmentCategory, Scheme, VetoCondition
from jixiao.org.models import Unit
from jixiao.scoring import actions, engine, loader
from jixiao.scoring.models import Stage

YEARS = range(2020, 2026)
VETO_YEAR, APPEAL_YEAR = 2023, 2024


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=datetime.UTC)


def build(rng) -> str:
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    reporter = User.objects.filter(memberships__role=Role.REPORTER).order_by("pk").first() or office
    counts = {"runs": 0, "entries": 0, "vetoes": 0, "appeals": 0, "published": 0}
    schemes = Scheme.objects.filter(cycle__year__in=YEARS).select_related("cycle", "assessing_unit").order_by(
        "cycle__year", "code")
    for scheme in schemes:
        _score(rng, scheme, office, reporter, counts)
    return (f"考核计算 {counts['runs']} 次（2020–2025 年度初步、最终结果并发布 {counts['published']} 个方案），"
            f"加减分 {counts['entries']} 条，一票否决 {counts['vetoes']} 个，申诉 {counts['appeals']} 件")


def _score(rng, scheme, office, reporter, counts) -> None:
    year = scheme.cycle.year
    inputs = loader.load(scheme, as_of=scheme.cycle.ends_on)
    units = sorted(inputs.units, key=lambda u: u.code)
    unit_rows = {u.pk: u for u in Unit.objects.filter(pk__in=[u.id for u in units])}
    deductions = enter_ledger(rng, scheme, units, unit_rows, office, counts)
    if year == VETO_YEAR and scheme.code.startswith("D01"):
        inputs = loader.with_ledger(inputs, scheme)
        top = next(u for u in engine.score_scheme(inputs).units if u.group == "G01" and u.rank == 1)
        condition = VetoCondition.objects.get(scheme=scheme, code="V1")
        actions.flag_veto(cycle=scheme.cycle, unit=unit_rows[top.unit], condition=condition,
                          reason=f"{year}年11月发生一起较大生产安全责任事故", by=office, now=_at(year, 12, 20))
        counts["vetoes"] += 1
    inputs = loader.with_ledger(inputs, scheme)
    run = actions.compute(scheme, Stage.PRELIMINARY, by=office, now=_at(year + 1, 1, 8), inputs=inputs)
    run = actions.open_appeals(run, _at(year + 1, 1, 15, 18), by=office, now=_at(year + 1, 1, 8, 11))
    counts["runs"] += 1
    if year == APPEAL_YEAR and scheme.code.startswith("D01") and deductions:
        _appeals(run, units, unit_rows, deductions[0], office, reporter, counts)
    final = actions.compute(scheme, Stage.FINAL, by=office, now=_at(year + 1, 1, 20),
                            inputs=loader.with_ledger(inputs, scheme))
    committee.sign_off(final, office)  # 考核委员会审定 before publication (demo/committee.py)
    actions.publish(final, by=office, now=_at(year + 1, 1, 25))
    counts["runs"] += 1
    counts["published"] += 1


def enter_ledger(rng, scheme, units, unit_rows, office, counts) -> list:
    """A few bonus and deduction entries of the cycle (one above its cap); returns the K1 deductions.

    Also used by bench/scoring.py to give a not yet scored cycle its ledger.
    """
    cycle, year = scheme.cycle, scheme.cycle.year
    categories = {c.code: c for c in AdjustmentCategory.objects.filter(scheme=scheme)}
    entered = _at(year, 12, 20)
    picks = rng.sample(units, k=min(5, len(units)))
    plan = [("J1", Decimal(2), "获市级先进集体表彰"), ("J1", Decimal("1.5"), "承办全市现场推进会"),
            ("J2", Decimal(1), "改革创新案例被市委改革办推广"), ("K1", Decimal(2), "被市级通报批评一次"),
            ("K2", Decimal("1.5"), "督办事项超期未办结")]
    deductions = []
    for unit, (code, points, reason) in zip(picks, plan, strict=False):
        if code not in categories:
            continue
        entry = actions.add_adjustment(cycle=cycle, unit=unit_rows[unit.id], category=categories[code], points=points,
                                       reason=reason, evidence_note="相关文件已存档", by=office, now=entered)
        counts["entries"] += 1
        if code == "K1":
            deductions.append(entry)
    if picks and "J1" in categories:  # the first unit earns a second bonus: 2 + 2 = 4 is cut to the cap of 3
        actions.add_adjustment(cycle=cycle, unit=unit_rows[picks[0].id], category=categories["J1"],
                               points=Decimal(2), reason="获省级荣誉称号", by=office, now=entered)
        counts["entries"] += 1
    return deductions


def _appeals(run, units, unit_rows, entry, office, reporter, counts) -> None:
    """One appeal accepted (its deduction is cancelled before the final run), one rejected with its reason."""
    year = run.cycle.year
    accepted = actions.file_appeal(run, entry.unit, by=reporter, now=_at(year + 1, 1, 12),
                                   reason=f"“{entry.reason}”所涉事项已于当年整改销号，不应扣分",
                                   evidence="市级部门出具的整改销号通知")
    line_unit = next(u for u in units if u.id != entry.unit_id)
    rejected = actions.file_appeal(run, unit_rows[line_unit.id], by=reporter, now=_at(year + 1, 1, 13),
                                   reason="本单位部分指标实际值统计口径有误，申请重新核定得分",
                                   evidence="本单位自行整理的统计台账")
    counts["appeals"] += 2
    actions.decide_appeal(accepted, True, "经核实，通报事项已整改销号，撤销该项扣分", by=office,
                          now=_at(year + 1, 1, 16))
    actions.cancel_adjustment(entry, "申诉采纳：通报事项已整改销号", by=office)
    actions.decide_appeal(rejected, False, "实际值已经考核责任单位核定，所附台账不足以推翻核定结果",
                          by=office, now=_at(year + 1, 1, 16))
