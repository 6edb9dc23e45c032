"""Read models of the reporting pages: the data-entry rows, the office board, timeliness.

Each function reads in a fixed number of queries, whatever the number of indicators or units.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone

from jixiao.indicators.models import Target, TargetMilestone
from jixiao.org.models import Unit
from jixiao.reporting import actions, checks
from jixiao.reporting.due import assessor_id_of, is_overdue, items_for_unit, scope_by_unit
from jixiao.reporting.models import (
    CODES_BY_KIND,
    DeadlineException,
    Evidence,
    Period,
    Status,
    Submission,
    Value,
)


@dataclass
class EntryRow:
    item: object
    value: Value | None
    target: Target | None
    milestone: object
    last_period: Value | None
    last_year: Value | None
    completion: object
    assessor_id: int | None

    @property
    def indicator(self):
        return self.item.indicator

    @property
    def assessor(self):
        return self.item.assessor or self.item.version.default_assessor


def previous_code(code: str, kind: str) -> tuple[str, int]:
    """The code of the previous period of the same kind and the year offset (Q1 → Q4 of last year)."""
    codes = CODES_BY_KIND[kind]
    i = codes.index(code)
    return (codes[i - 1], 0) if i > 0 else (codes[-1], -1)


def current_evidence() -> Prefetch:
    """Prefetch a value's evidence without the files the unit removed."""
    return Prefetch("evidence", queryset=Evidence.objects.current())


def entry_rows(unit, period, submission, *, verified_only=False) -> list[EntryRow]:
    items = items_for_unit(period, unit)
    ind_ids = [i.indicator_id for i in items]
    values = {}
    if submission is not None:
        values = {v.indicator_id: v for v in submission.values.select_related("updated_by", "verified_by", "returned_by")
                  .prefetch_related(current_evidence()).annotate(n_revisions=Count("revisions"))}
    targets = {t.indicator_id: t for t in Target.objects.filter(cycle_id=period.cycle_id, unit=unit,
                                                                indicator_id__in=ind_ids)}
    milestones = {m.target.indicator_id: m.value for m in TargetMilestone.objects.filter(
        target__in=list(targets.values()), period=period.code).select_related("target")}
    prev_code, offset = previous_code(period.code, period.kind)
    around = Value.objects.filter(unit=unit, indicator_id__in=ind_ids).select_related("submission__period__cycle")
    if verified_only:  # the comparison figures too: a leader's view shows no unverified figure anywhere
        around = around.filter(verified_at__isnull=False)
    last_period = {v.indicator_id: v for v in around.filter(
        submission__period__code=prev_code, cycle__year=period.cycle.year + offset)}
    last_year = {v.indicator_id: v for v in around.filter(
        submission__period__code=period.code, cycle__year=period.cycle.year - 1)}
    rows = []
    for item in items:
        value = values.get(item.indicator_id)
        if verified_only and value is not None and value.verified_at is None:
            value = None
        target = targets.get(item.indicator_id)
        rate = checks.completion(item.indicator.direction, value.number if value else None,
                                 target.target_value if target else None, target.upper_value if target else None)
        rows.append(EntryRow(item, value, target, milestones.get(item.indicator_id), last_period.get(item.indicator_id),
                             last_year.get(item.indicator_id), rate, assessor_id_of(item)))
    return rows


# --- Office board -----------------------------------------------------------------------------------

STATES = {
    "not_started": "未开始", "draft": "填报中", "returned": "已退回", "submitted": "待审核", "approved": "待核定",
    "verified": "已核定", "locked": "已锁定",
}


@dataclass
class BoardRow:
    unit: Unit
    state: str
    submission: Submission | None
    deadline: object
    late: bool
    filled: int
    due: int
    returned_values: int = 0  # values the assessor returned alone, waiting for the unit's correction

    @property
    def state_label(self):
        return STATES[self.state]


def board(period, day=None, due=None) -> list[BoardRow]:
    """One row per unit assessed in the period: its state, deadline (with exceptions) and lateness."""
    due = due if due is not None else scope_by_unit(period)
    units = Unit.objects.filter(pk__in=list(due)).select_related("parent").order_by("sort_order", "code")
    subs = {s.unit_id: s for s in Submission.objects.filter(period=period)}
    filled = Counter(Value.objects.filter(submission__period=period).exclude(number__isnull=True, text="")
                     .values_list("unit_id", flat=True))
    returned = Counter(Value.objects.filter(submission__period=period, returned_at__isnull=False,
                                            verified_at__isnull=True).values_list("unit_id", flat=True))
    exceptions = {x.unit_id: x for x in DeadlineException.objects.filter(period=period)}
    day = day or actions.today()
    rows = []
    for unit in units:
        sub = subs.get(unit.pk)
        state = sub.status if sub is not None else "not_started"
        if state == Status.DRAFT and not filled[unit.pk]:
            state = "not_started"
        exception = exceptions.get(unit.pk)
        deadline = actions.deadline_for(period, exception)
        if sub is not None and sub.first_submitted_at is not None:
            late = timezone.localdate(sub.first_submitted_at) > period.late_after(deadline)
        else:
            late = is_overdue(period, sub, exception, day)
        rows.append(BoardRow(unit, state, sub, deadline, late, filled[unit.pk], len(due[unit.pk]), returned[unit.pk]))
    return rows


def board_counts(rows) -> dict:
    counts = Counter(r.state for r in rows)
    return {"total": len(rows), "late": sum(r.late for r in rows), **{k: counts.get(k, 0) for k in STATES}}


@dataclass
class AssessorRow:
    assessor: Unit
    expected: int = 0
    not_yet: int = 0
    awaiting: int = 0
    verified: int = 0


def by_assessor(period, due=None) -> list[AssessorRow]:
    """Per assessor unit: values expected, not yet reached it, awaiting its verification, verified."""
    due = due if due is not None else scope_by_unit(period)
    status = dict(Submission.objects.filter(period=period).values_list("unit_id", "status"))
    verified, with_unit = {}, set()
    for u, i, at, returned_at in Value.objects.filter(submission__period=period).values_list(
            "unit_id", "indicator_id", "verified_at", "returned_at"):
        verified[(u, i)] = at
        if returned_at is not None and at is None:  # returned alone: back with the unit, not awaiting
            with_unit.add((u, i))
    rows: dict[int, AssessorRow] = {}
    assessor_ids = {assessor_id_of(item) for items in due.values() for item in items.values()} - {None}
    units = Unit.objects.in_bulk(list(assessor_ids))
    for unit_id, items in due.items():
        for indicator_id, item in items.items():
            aid = assessor_id_of(item)
            if aid is None:
                continue
            row = rows.setdefault(aid, AssessorRow(units[aid]))
            row.expected += 1
            if verified.get((unit_id, indicator_id)) is not None:
                row.verified += 1
            elif status.get(unit_id) == Status.APPROVED and (unit_id, indicator_id) not in with_unit:
                row.awaiting += 1
            else:
                row.not_yet += 1
    return sorted(rows.values(), key=lambda r: (r.assessor.sort_order, r.assessor.code))


def on_time_rates(cycle, day=None) -> list[dict]:
    """Per unit: periods due so far in the cycle, submitted on time, and the on-time rate (按时报送率)."""
    day = day or actions.today()
    periods = [p for p in Period.objects.filter(cycle=cycle).order_by("ends_on") if p.deadline < day]
    subs = {(s.period_id, s.unit_id): s for s in Submission.objects.filter(cycle=cycle).only(
        "period_id", "unit_id", "first_submitted_at")}
    exceptions = {(x.period_id, x.unit_id): x for x in DeadlineException.objects.filter(period__cycle=cycle)}
    stats: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for period in periods:
        for unit_id in scope_by_unit(period):
            limit = period.late_after(actions.deadline_for(period, exceptions.get((period.pk, unit_id))))
            sub = subs.get((period.pk, unit_id))
            stats[unit_id][0] += 1
            if sub is not None and sub.first_submitted_at and timezone.localdate(sub.first_submitted_at) <= limit:
                stats[unit_id][1] += 1
    units = Unit.objects.in_bulk(list(stats))
    rows = [{"unit": units[u], "due": d, "on_time": o, "rate": round(o * 100 / d, 1) if d else None}
            for u, (d, o) in stats.items()]
    return sorted(rows, key=lambda r: (r["rate"] if r["rate"] is not None else 999, r["unit"].code))
