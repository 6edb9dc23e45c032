"""Build the engine's `ScoringInputs` for one scheme from the database, in a fixed number of queries.

Every input of a run is fetched here with a constant number of queries, whatever the number of units, items
or values (tested in tests/test_loader.py); the engine then works on plain data (engine.py, decision 0009).

Where each input comes from:

* **scheme rules** — indicators.Scheme (with its missing-data option and tie rule), SchemeBlock, SchemeGroup (→ org.Group members), SchemeItem,
  AdjustmentCategory, VetoCondition, GradeRule. A block whose kind is "items" but that has no items and
  is named by key tasks (keywork.KeyTask.scheme_block) is read as a key-work block (engine kind key_work).
* **actual values** — the *verified* reporting values (reporting.Value of a submission that is 已核定 or
  已锁定, period ended by the run's day) of the cycle, the latest period per unit × indicator (values are
  cumulative year-to-date, so the latest verified period is the year's figure so far); a value of it changed
  after unlocking and not verified again is `pending` (数值待核定, missing data). **Switch point**:
  `ACTUAL_SOURCE`; where no verified value exists the year-end `indicators.Target.actual` (年末核定回填) is
  used. The line's note says where the figure came from.
* **not yet due** (尚未到报送期) — during the year, a line without any value whose indicator had no reporting
  period (of its frequency) with the unit's deadline and grace days passed by the run's day: nothing could be
  late yet, so the line is `not_due` and left out like a not-applicable one (decision 0009 §13). Periods come from
  reporting.Period and reporting.DeadlineException; a cycle without periods of the frequency uses the platform's
  default window (`reporting.actions.default_dates`). Milestone and manual lines read no reported value.
* **who is due** (应报) — reporting.due.is_due_from over the cycle's (indicator, unit) target pairs (one query): an
  item whose indicator has targets in the cycle is due only from the units with a target for it; for the other
  units of its groups the line is not applicable (its points redistributed as the item says), never a 0 for
  data the unit was never due to report. An indicator without any target in the cycle is due from every unit.
* **targets, baselines, intervals** — indicators.Target of the unit × indicator × cycle; during the year (a
  preliminary run before the cycle's end) the target's milestone (节点目标) for the value's period replaces
  the annual target; the base (上年基数) of the rules that read one (negative-growth check, growth) is last year's
  verified figure of the value's period (上年同期), none when there is no such figure (decision 0009 §13).
* **qualitative grades** — the verified value's text (e.g. 好 / 较好).
* **events** (per_event_deduction) — the actual, as a whole number.
* **milestones** (milestone_prorate) — key tasks led by the unit: milestones due by the day of the run (at
  the latest the cycle's end); on time = the progress report of the milestone's quarter says it was met;
  late = met only in a later quarter's report.
* **evaluation blocks** — evaluation.campaign_results.block_scores(cycle, scheme's assessing unit) (0–100). A unit that
  the cycle's campaign of the assessing unit does not evaluate at all (in the seed the 被评议单位 are 区直部门; the
  demo's campaigns rate streets and parks too from 2026) gets a not-applicable block score: the block does not apply to it and
  its total is scaled from the other blocks (decision 0009 §5). A unit the campaign evaluates but without a score
  (too few raters), or every unit when there is no campaign, is *missing* and follows the missing-data option.
* **key-work blocks** — keywork.scores.scores_for(cycle): Σ points earned ÷ Σ task points × 100 over the
  block's tasks the unit was assessed on.
* **ledger, vetoes, calibrations** — scoring.Adjustment (not cancelled), scoring.VetoFlag, scoring.Calibration.
"""

import datetime
from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from jixiao.evaluation.campaign_results import block_scores as evaluation_block_scores
from jixiao.evaluation.models import Campaign
from jixiao.indicators.models import (
    PERIOD_CODES,
    AdjustmentCategory,
    Frequency,
    GradeRule,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    TargetMilestone,
)
from jixiao.indicators.models import VetoCondition as VetoConditionModel
from jixiao.keywork.models import KeyTask, Milestone, Progress
from jixiao.keywork.scores import scores_for
from jixiao.org.models import Group
from jixiao.reporting import due as reporting_due
from jixiao.reporting.actions import default_dates
from jixiao.reporting.models import CODES_BY_KIND, DONE, DeadlineException, Period, Value, period_bounds
from jixiao.scoring import models as m
from jixiao.scoring import types as t
from jixiao.scoring.rules import num

# Rules that compare the actual with the target: during the year they read the period's milestone instead.
TARGET_RULES = {"completion_ratio", "reverse_control", "all_or_nothing", "step_deduction"}
# Rules that read the base (上年基数: the negative-growth check, the growth): during the year they read last year's
# verified figure of the same period (上年同期) instead of last year's full-year actual.
BASE_RULES = {"completion_ratio", "growth_vs_baseline"}
PERIOD_LABELS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "H1": "上半年", "H2": "下半年",
                 "Y": "全年", **{f"M{m:02d}": f"{m}月" for m in range(1, 13)}}
# Rules whose data is not a reported value (key tasks' milestones, the assessor's score): never "not yet due".
UNREPORTED_RULES = {"milestone_prorate", "manual"}
ACTUAL_SOURCE = "reporting"  # "reporting": verified values, Target.actual as fallback; "targets": Target.actual only
# Why a unit's line does not apply: the indicator has targets in the cycle, none for this unit (reporting.due).
NOT_OWED = "本单位未承担该指标、无年度目标，不报送"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def load(scheme, *, as_of: datetime.date | None = None, year_end: bool = False) -> t.ScoringInputs:
    """All inputs of `scheme` (an indicators.Scheme with its cycle) as the engine's plain data.

    `as_of` (default today, at the latest the cycle's end) is the day of the run: only periods ended by then
    count. Before the cycle's end the run is scored *during the year*: lines are compared with the target's
    milestone for the period their data covers (`_basis`). `year_end` (the final stage) reads the cycle as
    of its end and always compares with the annual targets.
    """
    cycle = scheme.cycle
    as_of = cycle.ends_on if year_end else min(as_of or timezone.localdate(), cycle.ends_on)
    blocks = list(SchemeBlock.objects.filter(scheme=scheme).order_by("sort_order", "code"))
    links = list(SchemeGroup.objects.filter(scheme=scheme).select_related("group"))
    group_ids = [link.group_id for link in links]
    members = list(Group.units.through.objects.filter(group_id__in=group_ids)
                   .values_list("group_id", "unit_id", "unit__code", "unit__name"))
    items = list(SchemeItem.objects.filter(scheme=scheme).select_related("indicator", "block", "group"))
    units = {uid: t.Unit(uid, code, name) for _g, uid, code, name in members}
    by_group = defaultdict(list)
    for gid, uid, _c, _n in members:
        by_group[gid].append(uid)

    task_blocks = set(KeyTask.objects.filter(cycle=cycle, scheme_block__scheme=scheme)
                      .values_list("scheme_block_id", flat=True).distinct())
    blocks_with_items = {item.block_id for item in items}
    kinds = {}
    for block in blocks:
        if block.kind == "items" and block.pk in task_blocks and block.pk not in blocks_with_items:
            kinds[block.pk] = t.KEY_WORK
        else:
            kinds[block.pk] = block.kind

    engine_scheme = t.Scheme(
        code=scheme.code, name=scheme.name,
        blocks=tuple(t.Block(b.code, b.name, b.weight, kinds[b.pk], b.sort_order) for b in blocks),
        groups=tuple(t.Group(link.group.code, link.group.name, tuple(sorted(by_group[link.group_id])),
                             link.sort_order) for link in links),
        items=tuple(_item(i) for i in items),
        adjustment_categories=tuple(
            t.AdjustmentCategory(c.code, c.name, c.kind, c.cap, c.outside_total, c.sort_order)
            for c in AdjustmentCategory.objects.filter(scheme=scheme)),
        vetoes=tuple(t.VetoCondition(v.code, v.name, v.effect, v.cap_grade)
                     for v in VetoConditionModel.objects.filter(scheme=scheme)),
        grade_rules=tuple(t.GradeRule(g.grade, g.min_score, g.quota_percent)
                          for g in GradeRule.objects.filter(scheme=scheme)),
        # The scheme's options (Scheme.missing_data, Scheme.tie_rule); they are part of the inputs and so of
        # the digest: changing one gives a new snapshot.
        missing_data=scheme.missing_data,
        tie_rule=scheme.tie_rule,
    )
    unit_ids = set(units)
    values = _values(cycle, items, by_group, unit_ids, as_of, during_year=as_of < cycle.ends_on)
    block_scores = _block_scores(scheme, cycle, blocks, kinds, unit_ids)
    adjustments, vetoes, calibrations = _ledger(scheme, unit_ids)
    return t.ScoringInputs(scheme=engine_scheme, units=tuple(units.values()), values=values,
                           block_scores=block_scores, adjustments=adjustments, veto_flags=vetoes,
                           calibrations=calibrations)


def with_ledger(inputs: t.ScoringInputs, scheme) -> t.ScoringInputs:
    """`inputs` with the ledger, vetoes and calibrations read again (3 queries), the rest unchanged."""
    adjustments, vetoes, calibrations = _ledger(scheme, {u.id for u in inputs.units})
    return replace(inputs, adjustments=adjustments, veto_flags=vetoes, calibrations=calibrations)


def _ledger(scheme, unit_ids):
    adjustments = tuple(
        t.Adjustment(a_id, unit_id, code, points, reason)
        for a_id, unit_id, code, points, reason in m.Adjustment.objects.filter(
            category__scheme=scheme, cancelled=False, unit_id__in=unit_ids)
        .values_list("id", "unit_id", "category__code", "points", "reason"))
    vetoes = tuple(
        t.VetoFlag(unit_id, code, reason)
        for unit_id, code, reason in m.VetoFlag.objects.filter(condition__scheme=scheme, unit_id__in=unit_ids)
        .values_list("unit_id", "condition__code", "reason"))
    calibrations = tuple(
        t.Calibration(unit_id, grade, reason, name or username)
        for unit_id, grade, reason, name, username in m.Calibration.objects.filter(scheme=scheme)
        .values_list("unit_id", "grade", "reason", "decided_by__first_name", "decided_by__username"))
    return adjustments, vetoes, calibrations


def _item(item) -> t.Item:
    return t.Item(id=item.pk, block=item.block.code, group=item.group.code, indicator=item.indicator.code,
                  name=item.indicator.name, points=item.points, rule=item.rule, params=item.params or {},
                  not_applicable_policy=item.not_applicable_policy, direction=item.indicator.direction,
                  sort_order=item.sort_order)


def _values(cycle, items, by_group, unit_ids, as_of, *, during_year) -> tuple[t.ItemValue, ...]:
    indicator_ids = {item.indicator_id for item in items}
    targets = {(u, i): (tv, up, base, actual) for u, i, tv, up, base, actual in Target.objects.filter(
        cycle=cycle, indicator_id__in=indicator_ids, unit_id__in=unit_ids)
        .values_list("unit_id", "indicator_id", "target_value", "upper_value", "baseline", "actual")}
    reported = _reported(cycle, indicator_ids, unit_ids, as_of) if ACTUAL_SOURCE == "reporting" else {}
    goals = _target_milestones(cycle, indicator_ids, unit_ids) if during_year else {}
    codes = {r[2] for r in reported.values() if r[0] is not None}
    needs_base = during_year and codes and any(item.rule in BASE_RULES for item in items)
    last_year = _last_year(cycle, indicator_ids, unit_ids, codes) if needs_base else {}
    milestones = _milestones(cycle, as_of) if any(i.rule == "milestone_prorate" for i in items) else {}
    reported_kinds = {item.indicator.frequency for item in items if item.rule not in UNREPORTED_RULES}
    is_due = _due_check(cycle, reported_kinds, unit_ids, as_of) if during_year and reported_kinds else None
    pairs = reporting_due.target_pairs(cycle.pk, indicator_ids)
    out = []
    for item in items:
        for unit_id in by_group[item.group_id]:
            key = (unit_id, item.indicator_id)
            if not reporting_due.is_due_from(item.indicator_id in pairs, unit_id in pairs.get(item.indicator_id, ())):
                out.append(t.ItemValue(unit=unit_id, item=item.pk, not_applicable=True, note=NOT_OWED))
                continue
            target, upper, baseline, year_actual = targets.get(key, (None, None, None, None))
            number, text, code, verified = reported.get(key, (None, "", "", True))
            pending = not verified
            if pending:
                number, text, note = None, "", f"{_period_label(code)}报送值修改后尚未重新核定"
            elif number is None and year_actual is not None:
                number, note = year_actual, "取年末核定实际值"
            else:
                note = f"取{_period_label(code)}已核定报送值" if code else ""
                if during_year and code and item.rule in TARGET_RULES and upper is None and number is not None:
                    milestone, chosen = _basis(goals.get(key, {}), code, cycle.year)
                    if chosen is None:
                        note = f"{note}，{_period_label(code)}无节点目标，按年度目标计"
                    else:
                        target = milestone
                        note = f"{note}，按{_period_label(chosen)}节点目标 {num(milestone)} 计"
                if during_year and code and item.rule in BASE_RULES and baseline is not None and number is not None:
                    # a year-to-date figure is no match for last year's full year: the same period of last year
                    baseline = last_year.get((*key, code))
                    note += _base_note(item.rule, baseline)
            fields = {"actual": number, "target": target, "baseline": baseline, "upper": upper, "text": text,
                      "note": note, "pending": pending}
            frequency = item.indicator.frequency
            if (is_due is not None and item.rule not in UNREPORTED_RULES and not pending and number is None
                    and not text and not is_due(unit_id, frequency)):
                fields.update(not_due=True, note=f"{_frequency_label(frequency)}报送指标，截至 {as_of:%Y-%m-%d} 尚未到报送期")
            if item.rule == "per_event_deduction" and number is not None and number == number.to_integral_value():
                fields["events"] = int(number)
            if item.rule == "milestone_prorate":
                due, on_time, late = milestones.get(unit_id, (0, 0, 0))
                fields.update(milestones_due=due, milestones_on_time=on_time, milestones_late=late,
                              note="按牵头重点工作节点完成情况")
            out.append(t.ItemValue(unit=unit_id, item=item.pk, **fields))
    return tuple(out)


def _due_check(cycle, kinds, unit_ids, as_of):
    """A function (unit id, frequency) → whether data of that frequency was due from the unit by `as_of`.

    Due = some period of the cycle of that kind is past the unit's last on-time day: its deadline (or the
    unit's extension, 延期) plus the grace days — the day after which the platform calls a report late (逾期,
    reporting.reminders). Two queries. Without any period of the kind, its codes' default windows are used.
    """
    periods = defaultdict(list)  # kind -> [(period id, deadline, grace days)]
    for pk, kind, deadline, grace in Period.objects.filter(cycle=cycle, kind__in=kinds).values_list(
            "pk", "kind", "deadline", "grace_days"):
        periods[kind].append((pk, deadline, grace))
    for kind in set(kinds) - set(periods):
        for code in CODES_BY_KIND.get(kind, []):
            window = default_dates(cycle.year, code)
            periods[kind].append((None, window["deadline"], window["grace_days"]))
    extended = {(pk, unit_id): deadline for pk, unit_id, deadline in DeadlineException.objects.filter(
        period__cycle=cycle, period__kind__in=kinds, unit_id__in=unit_ids).values_list("period_id", "unit_id",
                                                                                       "deadline")}
    known: dict[tuple[int, str], bool] = {}

    def is_due(unit_id: int, kind: str) -> bool:
        key = (unit_id, kind)
        if key not in known:
            known[key] = any(as_of > extended.get((pk, unit_id), deadline) + datetime.timedelta(days=grace)
                             for pk, deadline, grace in periods[kind])
        return known[key]

    return is_due


def _frequency_label(kind: str) -> str:
    return Frequency(kind).label if kind in Frequency.values else kind


def _reported(cycle, indicator_ids, unit_ids, as_of) -> dict[tuple[int, int], tuple]:
    """(unit, indicator) → (number, text, period code, verified) of the latest period verified as a whole.

    The period is that of the latest submission 已核定 or 已锁定 whose period ended by `as_of`; a value of it
    that the office unlocked and the unit changed is not verified again yet (`Value.verified_at` empty): it is
    reported as such and the line treats it as missing, not as the figure it replaced.
    """
    rows = (Value.objects.filter(cycle=cycle, submission__status__in=DONE, indicator_id__in=indicator_ids,
                                 unit_id__in=unit_ids, submission__period__ends_on__lte=as_of)
            .order_by("submission__period__ends_on", "id")
            .values_list("unit_id", "indicator_id", "number", "text", "submission__period__code", "verified_at"))
    reported: dict[tuple[int, int], tuple] = {}
    for unit_id, indicator_id, number, text, code, verified_at in rows:
        if verified_at is None:
            reported[(unit_id, indicator_id)] = (None, "", code, False)
        elif number is not None or text:
            reported[(unit_id, indicator_id)] = (number, text, code, True)
    return reported


def _target_milestones(cycle, indicator_ids, unit_ids) -> dict[tuple[int, int], dict[str, Decimal]]:
    """(unit, indicator) → {period code: milestone value} of the cycle's targets (节点目标)."""
    goals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for unit_id, indicator_id, period, value in TargetMilestone.objects.filter(
            target__cycle=cycle, target__indicator_id__in=indicator_ids, target__unit_id__in=unit_ids).values_list(
            "target__unit_id", "target__indicator_id", "period", "value"):
        goals[(unit_id, indicator_id)][period] = value
    return goals


def _basis(goals: dict[str, Decimal], code: str, year: int) -> tuple[Decimal | None, str | None]:
    """The milestone a line is compared with during the year, and its period code; (None, None) without one.

    The milestone of the period the value covers (the same code, else the first milestone in PERIOD_CODES order
    whose period ends on the same day: M09 → Q3, Q2 → H1).
    """
    end = period_bounds(year, code)[1]
    same_day = [c for c in PERIOD_CODES if c in goals and period_bounds(year, c)[1] == end]
    chosen = code if code in goals else (same_day[0] if same_day else None)
    return (goals[chosen], chosen) if chosen else (None, None)


def _last_year(cycle, indicator_ids, unit_ids, codes) -> dict[tuple[int, int, str], Decimal]:
    """(unit, indicator, period code) → the verified figure of the same period of the year before (上年同期)."""
    rows = Value.objects.filter(cycle__year=cycle.year - 1, submission__status__in=DONE, verified_at__isnull=False,
                                number__isnull=False, indicator_id__in=indicator_ids, unit_id__in=unit_ids,
                                submission__period__code__in=codes).values_list(
        "unit_id", "indicator_id", "submission__period__code", "number")
    return {(unit_id, indicator_id, code): number for unit_id, indicator_id, code, number in rows}


def _base_note(rule: str, base: Decimal | None) -> str:
    """How a line during the year reads its base: last year's verified figure of the same period, or none."""
    if base is not None:
        return f"，基数取上年同期已核定值 {num(base)}"
    if rule == "growth_vs_baseline":
        return "，上年同期无已核定值，无法计算同比增长"
    return "，上年同期无已核定值，不作负增长比较"


def _period_label(code: str) -> str:
    return PERIOD_LABELS.get(code, code)


def _milestones(cycle, as_of) -> dict[int, tuple[int, int, int]]:
    """unit id → (milestones due, met on time, met late) over the key tasks the unit leads."""
    lead = dict(KeyTask.objects.filter(cycle=cycle).values_list("id", "lead_unit_id"))
    met = defaultdict(set)  # (task, unit) -> quarters whose report says the milestone was met
    for task_id, unit_id, code in Progress.objects.filter(task__cycle=cycle, milestone_met=True).values_list(
            "task_id", "unit_id", "period_code"):
        met[(task_id, unit_id)].add(code)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for task_id, code in Milestone.objects.filter(task__cycle=cycle, due_on__lte=as_of).values_list(
            "task_id", "period_code"):
        unit_id = lead.get(task_id)
        if unit_id is None:
            continue
        row = counts[unit_id]
        row[0] += 1
        quarters = met[(task_id, unit_id)]
        if code in quarters:
            row[1] += 1
        elif any(q > code for q in quarters):
            row[2] += 1
    return {unit: tuple(row) for unit, row in counts.items()}


def _evaluated_units(cycle, assessing_unit) -> set[int] | None:
    """The units the cycle's evaluation campaigns of `assessing_unit` evaluate; None when there is no campaign."""
    rows = list(Campaign.objects.satisfaction().filter(cycle=cycle, assessing_unit=assessing_unit)
                .values_list("pk", "units"))
    if not rows:
        return None
    return {unit_id for _pk, unit_id in rows if unit_id is not None}


def _block_scores(scheme, cycle, blocks, kinds, unit_ids) -> tuple[t.BlockScore, ...]:
    out = []
    evaluation = [b for b in blocks if kinds[b.pk] == t.EVALUATION]
    if evaluation:
        scores = evaluation_block_scores(cycle, scheme.assessing_unit)
        scope = _evaluated_units(cycle, scheme.assessing_unit)
        for block in evaluation:
            out += [t.BlockScore(u, block.code, s, "综合评议满意度") for u, s in scores.items() if u in unit_ids]
            if scope is not None:
                out += [t.BlockScore(u, block.code, Decimal(0), f"本单位不在{cycle.year}年度综合评议的被评议单位之列",
                                     applicable=False) for u in sorted(unit_ids - scope - set(scores))]
    key_work = [b for b in blocks if kinds[b.pk] == t.KEY_WORK]
    if key_work:
        rows = KeyTask.objects.filter(cycle=cycle, scheme_block__in=key_work).values_list(
            "id", "scheme_block_id", "points")
        tasks = {task_id: block_id for task_id, block_id, _p in rows}
        points = {task_id: p for task_id, _b, p in rows}
        earned: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for (unit_id, task_id), score in scores_for(cycle, tasks).items():
            if task_id in tasks and unit_id in unit_ids and points[task_id] > 0:
                row = earned[(unit_id, tasks[task_id])]
                row[0] += score
                row[1] += points[task_id]
        codes = {b.pk: b.code for b in key_work}
        for (unit_id, block_id), (got, of) in earned.items():
            rate = (got / of * HUNDRED).quantize(CENT, ROUND_HALF_UP)
            out.append(t.BlockScore(unit_id, codes[block_id], rate, f"重点工作得分 {got} / {of}"))
    return tuple(out)
