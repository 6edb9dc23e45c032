"""Demo reporting (示范数据): periods of every cycle, 2020–2025 fully reported, verified and locked, and 2026
Q1–Q3 (with H1 and M01–M09) reported with realistic gaps (docs/decisions/0007-reporting.md).

Figures follow the indicator step's targets: a period's cumulative value is the year's actual (Target.actual)
times the usual share of the year (Q1 22 %, Q2 48 % …; rates and averages hover around the annual figure),
and the last period of the year carries the actual itself, so reporting and the annual actuals agree. For
2026 the implied annual figure is the target times the unit's own ratio of last year. About 5 % of past
submissions came in late. 2026 Q3 shows the cases the office meets: late units (one with an extension),
returned submissions with reasons, one submission missing, one awaiting review, one awaiting verification (with
a figure typed ten times too large, which 数据质量预警 flags);
a Q2 value of 华明街道 was unlocked by the office, corrected and waits for re-verification; one Q3 value of
丰年街道 was returned alone by 区统计局 and waits for the street's correction.
Rows are written as plain rows (imports._insert) to keep the whole seed fast.
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.demo.org import STATISTICS_CODE
from jixiao.indicators.models import Direction, Target
from jixiao.notifications.actions import notify
from jixiao.notifications.models import NoticeKind
from jixiao.org.models import Cycle, Unit
from jixiao.reporting import actions, due, imports
from jixiao.reporting.models import (
    CODES_BY_KIND,
    DeadlineException,
    Period,
    Status,
    Submission,
    Value,
    ValueRevision,
)

CURRENT = 2026
REPORTED_2026 = {"Q1", "Q2", "Q3", "H1"} | {f"M{m:02d}" for m in range(1, 10)}
OPEN_2026 = {"Q3", "M09"}  # not yet past their verification deadline in the demo's story: not locked
SHARE = {"Q1": Decimal("0.22"), "Q2": Decimal("0.48"), "Q3": Decimal("0.74"), "Q4": Decimal(1),
         "H1": Decimal("0.48"), "H2": Decimal(1), "Y": Decimal(1),
         **{f"M{m:02d}": Decimal(m) / 12 for m in range(1, 13)}}
TEXTS = {Direction.QUALITATIVE: ["按年度任务清单推进，完成情况良好", "完成阶段任务，个别事项滞后", "已全部完成"],
         Direction.MILESTONE: ["节点任务按期完成", "主体工程完工，配套工程推进中", "完成前期手续办理"]}
# A qualitative value is the grade from the scheme's grade table (评定等级, checked by the assessor at
# verification); the unit's account of the work goes in the note.
QUALITATIVE_GRADE = {"按年度任务清单推进，完成情况良好": "较好", "完成阶段任务，个别事项滞后": "一般", "已全部完成": "好"}
# Each reason names an indicator the unit reports in Q3 (B01: H39, S03: E11 税收收入).
RETURNS = [("B01", "“重点项目前期手续办结率”的办结项目数与区发改委项目库台账不一致，请核对后重新报送并附项目清单。"),
           ("S03", "一季度至三季度税收收入累计数小于上半年数，请核实是否填报了当季数。"),
           ("M05", "佐证材料缺少单位盖章，请补充盖章扫描件。")]
LATE_2026 = ["S05", "B07", "M12", "M16"]
MISSING_2026 = "M18"
AWAITING_REVIEW, AWAITING_VERIFY = "S01", "S02"
# 区统计局 returns one figure of 丰年街道's approved Q3 report (单项退回); the street has not corrected it yet.
RETURNED_VALUE = ("S06", "K01", "前三季度地区生产总值累计数与区统计局季度核算数不一致，请按核算口径核对后更正，"
                                "并在备注中说明差异原因。")
EXTENSION = ("S04", "防汛抢险任务重，经绩效办同意延期报送")
# 金桥街道's Q3 地区生产总值, awaiting 区统计局's verification, was typed with an extra digit (ten times the figure)
# and explained away: the 数据质量预警 on the assessor's page flags it against the street's history and its group.
OUTLIER = ("K01", "园区新入统两家规模以上工业企业，产值增加较多")


def build(rng) -> str:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    periods = _periods()
    totals = {"submissions": 0, "values": 0}
    for cycle in Cycle.objects.order_by("year"):
        _report_cycle(rng, cycle, periods[cycle.pk], users, totals)
    extras = _stories(users)
    return (f"报送期 {sum(len(p) for p in periods.values())} 个，报件 {totals['submissions']} 份，"
            f"填报数值 {totals['values']} 项；{extras}")


def _periods() -> dict[int, list[Period]]:
    rows = []
    for cycle in Cycle.objects.order_by("year"):
        for kind in sorted(actions.frequencies_in_use(cycle)):
            rows += [Period(cycle=cycle, code=code, kind=kind, **actions.default_dates(cycle.year, code))
                     for code in CODES_BY_KIND[kind]]
    Period.objects.bulk_create(rows)
    by_cycle: dict[int, list[Period]] = {}
    for period in Period.objects.select_related("cycle").order_by("ends_on", "code"):
        by_cycle.setdefault(period.cycle_id, []).append(period)
    return by_cycle


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _report_cycle(rng, cycle, periods, users, totals):
    targets = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(cycle=cycle).select_related("indicator")}
    last_year = {(t.unit.code, t.indicator_id): t for t in Target.objects.filter(cycle__year=cycle.year - 1)
                 .select_related("unit")} if cycle.year == CURRENT else {}
    units = {u.pk: u for u in Unit.objects.all()}
    scopes = {}  # the scope depends only on the cycle and the period's kind
    for period in periods:
        if cycle.year > CURRENT or (cycle.year == CURRENT and period.code not in REPORTED_2026):
            continue
        if period.kind not in scopes:
            scopes[period.kind] = due.scope_by_unit(period)
        owed = scopes[period.kind]
        subs = _submissions(rng, cycle, period, owed, units)
        totals["submissions"] += len(subs)
        rows = []
        for unit_id, items in owed.items():
            sub = subs.get(unit_id)
            if sub is None:
                continue
            for indicator_id, item in items.items():
                target = targets.get((unit_id, indicator_id))
                if target is None:
                    continue
                prior = last_year.get((units[unit_id].code, indicator_id))
                rows.append(_row(rng, sub, period, item, target, prior, users))
        imports._insert(Value, imports.VALUE_COLUMNS, rows)
        totals["values"] += len(rows)


SUBMISSION_COLUMNS = ["period", "unit", "cycle", "status", "first_submitted_at", "submitted_at", "approved_at",
                      "verified_at", "locked_at", "return_reason", "returns", "reopened", "updated_at"]


def _submissions(rng, cycle, period, owed, units) -> dict[int, dict]:
    """Insert the period's submissions as plain rows; unit id -> {pk, cycle, at, verified} for the values."""
    adapt = connection.ops.adapt_datetimefield_value
    rows, times = [], {}
    for unit_id in sorted(owed, key=lambda u: units[u].code):
        code = units[unit_id].code
        if cycle.year == CURRENT and period.code == "Q3" and code == MISSING_2026:
            continue
        late = rng.random() < 0.05 or (cycle.year == CURRENT and period.code == "Q3" and code in LATE_2026)
        first = (period.late_after() + datetime.timedelta(days=rng.randint(1, 9)) if late
                 else period.deadline - datetime.timedelta(days=rng.randint(0, 8)))
        status, locked = Status.LOCKED, adapt(_at(period.verify_deadline + datetime.timedelta(days=1), 1))
        if cycle.year == CURRENT and period.code in OPEN_2026:
            status, locked = Status.VERIFIED, None
        at, verified = adapt(_at(first)), adapt(_at(first + datetime.timedelta(days=3), 15))
        rows.append((period.pk, unit_id, cycle.pk, status, at, at, adapt(_at(first, 16)), verified, locked, "", 0,
                     False, locked or verified))
        times[unit_id] = (at, verified)
    imports._insert(Submission, SUBMISSION_COLUMNS, rows)
    return {unit_id: {"pk": pk, "cycle": cycle.pk, "at": times[unit_id][0], "verified": times[unit_id][1]}
            for pk, unit_id in Submission.objects.filter(period=period).values_list("pk", "unit_id")}


def _annual(rng, target, prior) -> Decimal | None:
    if target.actual is not None:
        return target.actual
    if target.target_value is None:
        return None
    if prior is not None and prior.actual is not None and prior.target_value:
        ratio = prior.actual / prior.target_value
    else:
        ratio = Decimal(str(round(rng.uniform(0.9, 1.08), 3)))
    return target.target_value * ratio


def _row(rng, sub, period, item, target, prior, users) -> tuple:
    indicator = item.indicator
    number, text, note = None, "", ""
    if indicator.direction in TEXTS:
        text = rng.choice(TEXTS[indicator.direction])
        if indicator.direction == Direction.QUALITATIVE:
            text, note = QUALITATIVE_GRADE[text], text
    else:
        annual = _annual(rng, target, prior)
        if annual is not None:
            cumulative = indicator.aggregation == "sum" and indicator.direction != Direction.INTERVAL
            share = SHARE[period.code] if cumulative else Decimal(1)
            noise = Decimal(1) if share == 1 and cumulative else Decimal(str(round(rng.uniform(0.96, 1.04), 3)))
            number = _fit(annual * share * noise, indicator.measure_unit)
    verifier = users.get("assessor") if due.assessor_id_of(item) == _statistics_id() else None
    at, verified = sub["at"], sub["verified"]
    row = {"submission": sub["pk"], "cycle": sub["cycle"], "unit": target.unit_id, "indicator": indicator.pk,
           "item": item.pk, "number": number, "text": text, "note": note, "explanation": "", "is_outlier": False,
           "version": 1, "changes_since_approval": 0, "by_assessor": False, "verified_at": verified,
           "verified_by": verifier.pk if verifier else None, "unlocked": False, "updated_by": None,
           "updated_at": at, "entered_by": None, "entered_at": at}
    return tuple(row[c] for c in imports.VALUE_COLUMNS)


_STATISTICS = {}


def _statistics_id():
    if "id" not in _STATISTICS:
        _STATISTICS["id"] = Unit.objects.filter(code=STATISTICS_CODE).values_list("pk", flat=True).first()
    return _STATISTICS["id"]


def _fit(number: Decimal, measure: str) -> Decimal:
    if measure in ("个", "人", "次", "件", "家", "户", "起", "项", "座", "所", "名"):
        return max(number.to_integral_value(), Decimal(0))
    return number.quantize(Decimal("0.01"))


# --- 2026 Q3 stories --------------------------------------------------------------------------------


def _stories(users) -> str:
    _STATISTICS.clear()
    q3 = Period.objects.select_related("cycle").get(cycle__year=CURRENT, code="Q3")
    subs = {s.unit.code: s for s in Submission.objects.filter(period=q3).select_related("unit")}
    office, reviewer = users.get("office"), users.get("reviewer")
    for code, reason in RETURNS:
        sub = subs[code]
        sub.status, sub.return_reason, sub.returns = Status.RETURNED, reason, 1
        sub.returned_by = reviewer if code == "B01" else users.get("assessor")
        sub.returned_at = sub.submitted_at + datetime.timedelta(days=1)
        sub.verified_at = None
        sub.save(update_fields=["status", "return_reason", "returns", "returned_by", "returned_at", "verified_at"])
        Value.objects.filter(submission=sub).update(verified_at=None, verified_by=None)
        notify(_people(sub.unit), f"{sub}被退回", f"退回理由：{reason}", kind=NoticeKind.RETURNED,
               url=f"/reporting/units/{sub.unit_id}/periods/{q3.pk}/", dedupe_key=f"reporting.returned:{sub.pk}:1")
    review = subs[AWAITING_REVIEW]
    review.status, review.approved_at, review.verified_at = Status.SUBMITTED, None, None
    review.submitted_by = users.get("street_reporter")
    review.save(update_fields=["status", "approved_at", "verified_at", "submitted_by"])
    Value.objects.filter(submission=review).update(verified_at=None, verified_by=None,
                                                   updated_by=users.get("street_reporter"),
                                                   entered_by=users.get("street_reporter"))
    verify = subs[AWAITING_VERIFY]
    verify.status, verify.verified_at = Status.APPROVED, None
    verify.save(update_fields=["status", "verified_at"])
    pending = [v.pk for v in Value.objects.filter(submission=verify).select_related("item__version")
               if v.item is not None and due.assessor_id_of(v.item) == _statistics_id()]
    Value.objects.filter(pk__in=pending).update(verified_at=None, verified_by=None)
    Value.objects.filter(submission=verify, indicator__code=OUTLIER[0], pk__in=pending).update(
        number=F("number") * 10, is_outlier=True, explanation=OUTLIER[1])
    street = Unit.objects.get(code=EXTENSION[0])
    DeadlineException.objects.create(period=q3, unit=street, deadline=q3.deadline + datetime.timedelta(days=7),
                                     reason=EXTENSION[1], granted_by=office, granted_at=_at(q3.deadline))
    _unlocked_value(users)
    returned = _returned_value(subs, users)
    return (f"2026年三季度：退回 {len(RETURNS)} 份、逾期 {len(LATE_2026)} 个单位、缺报 1 个、待审核 1 份、待核定 1 份、"
            f"延期 1 个单位、单项退回待更正 {returned} 项；解锁更正的数值 1 项")


def _people(unit):
    return User.objects.filter(memberships__unit=unit, memberships__role="reporter", memberships__revoked_at=None)


def _returned_value(subs, users) -> int:
    """丰年街道's Q3 地区生产总值, returned alone by 区统计局 through `actions.return_value`.

    The submission goes back to approved (its other values stay verified, as after the assessor's per-value
    verification); the action stamps the wall clock, so the return gets a fixed day of the story afterwards.
    """
    code, indicator, reason = RETURNED_VALUE
    sub, assessor = subs.get(code), users.get("assessor")
    value = Value.objects.filter(submission=sub, indicator__code=indicator).first() if sub else None
    if value is None or assessor is None:
        return 0
    sub.status, sub.verified_at = Status.APPROVED, None
    sub.save(update_fields=["status", "verified_at"])
    Value.objects.filter(pk=value.pk).update(verified_at=None, verified_by=None)
    value.verified_at = value.verified_by = None
    actions.return_value(value, by=assessor, assessor=Unit.objects.get(pk=_statistics_id()), reason=reason)
    Value.objects.filter(pk=value.pk).update(returned_at=sub.approved_at + datetime.timedelta(days=2, hours=-1))
    return 1


def _unlocked_value(users):
    """华明街道's Q2 一般公共预算收入: unlocked by the office, corrected by the reporter, awaiting re-verification."""
    value = (Value.objects.filter(unit__code="S01", submission__period__code="Q2", cycle__year=CURRENT,
                                  number__isnull=False).select_related("submission").order_by("indicator__code")
             .first())
    if value is None:
        return
    old, new = value.number, (value.number * Decimal("1.035")).quantize(Decimal("0.01"))
    at = value.submission.locked_at + datetime.timedelta(days=20)
    reporter = users.get("street_reporter")
    ValueRevision.objects.create(value=value, at=at, by=reporter, old_number=old, new_number=new,
                                 reason="区统计局反馈口径调整，补录漏统的两家企业", status=Status.LOCKED,
                                 after_approval=True, source="page")
    Value.objects.filter(pk=value.pk).update(number=new, version=2, unlocked=True, verified_at=None, verified_by=None,
                                             changes_since_approval=1, updated_by=reporter, updated_at=at)
