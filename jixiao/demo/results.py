"""Demo result use (stage 6): cadre archives, organisational talks, commendations and rectification.

For every published cycle: the cadres' records are written and the units graded 优秀 are commended; main leaders
of units graded 一般 or worse had their talk recorded up to 2024 (2025's are still pending). Rectification: the
three largest lost points of each scheme's three lowest units in 2024 and 2025, the supervisions rated 一般 or 差
and a few evaluation follow-ups of 2025. Deadlines and the days of the story follow the cycle's year, never
today's date, so the demo looks the same for months: 2024's items are all closed (one after being sent back
once); 2025's lost points and evaluation comments are due in December of the next year or its first quarter
after (2026-12-31, 2027-01-31, 2027-03-31) and are mostly open, in progress or awaiting verification; 2025's
supervision findings were due 60 days after the supervision, most were closed in time and a handful are overdue.
A few items are disclosed to the public. Most units have no demo account: the office enters their written
reports for them (“单位书面报送，绩效办代为录入”).
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.evaluation.models import FollowUp
from jixiao.keywork.models import Supervision
from jixiao.org.models import CadrePost, Cycle
from jixiao.results import actions, queries
from jixiao.results.models import CadreRecord, Rectification, RectificationReport, RectificationSource, Talk

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECTIFY_YEARS = (2024, 2025)


def build(rng) -> str:
    office = User.objects.filter(memberships__role=Role.OFFICE_ADMIN).order_by("pk").first()
    cycles = [c for c in Cycle.objects.order_by("year") if queries.official_runs(c, published_only=True)]
    records = commended = talks = 0
    for cycle in cycles:
        records += actions.record_cadres(cycle, by=office)
        for run in queries.official_runs(cycle, published_only=True):
            commended += actions.commend(run, by=office)
        if cycle.year <= 2024:
            talks += _talks(rng, cycle, office)
    items = []
    for cycle in [c for c in cycles if c.year in RECTIFY_YEARS]:
        items += _from_results(cycle, office)
        items += _from_supervision(cycle, office)
        items += _from_follow_ups(cycle, office)
    closed = _progress(rng, items, office, latest=max(RECTIFY_YEARS))
    return (f"干部实绩档案 {records} 条，组织谈话 {talks} 次，表彰单位 {commended} 个，"
            f"整改事项 {len(items)} 项（已销号 {closed} 项）")


def _talks(rng, cycle, office) -> int:
    """The talks of past years as history rows, recorded on the day they were held.

    Written together rather than through `actions.record_talk` (a transaction, a check and an audit event each:
    a third of this step's time for 272 talks); the load's one `demo.seeded` event stands for them, and the rows
    are what the action would write for a main leader graded 一般 or worse, once per record.
    """
    due = CadreRecord.objects.filter(cycle=cycle, post=CadrePost.MAIN_LEADER, grade__in=queries.AVERAGE_OR_WORSE)
    talks = []
    for record in due:
        held_on = datetime.date(cycle.year + 1, 3, rng.randint(1, 28))
        talks.append(Talk(record=record, held_on=held_on, held_by="区委组织部",
                          summary="通报考核结果，分析失分原因，提出整改要求。", recorded_by=office,
                          recorded_at=timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(17)))))
    Talk.objects.bulk_create(talks)
    return len(talks)


def _deadline(cycle, n: int) -> datetime.date:
    """The office's deadline for results and evaluation comments: mid-next-year for older cycles; for the latest,
    the end of the next year or its first quarter after (a year's work of rectification, spread over three days)."""
    if cycle.year < max(RECTIFY_YEARS):
        return datetime.date(cycle.year + 1, 6, 30)
    return (datetime.date(cycle.year + 1, 12, 31), datetime.date(cycle.year + 2, 1, 31),
            datetime.date(cycle.year + 2, 3, 31))[n % 3]


def _from_results(cycle, office) -> list:
    items = []
    for run in queries.official_runs(cycle, published_only=True):
        for result in run.results.select_related("unit", "run__cycle").order_by("-rank")[:3]:
            lost = sorted((line for line in result.lines.all() if line.lost > 0), key=lambda line: -line.lost)[:3]
            for line in lost:
                items.append(actions.create_rectification(
                    cycle=cycle, unit=result.unit, source=RectificationSource.LOST_POINTS,
                    reference=f"ScoreLine:{line.unit_id}:{line.item_id}", deadline=_deadline(cycle, len(items)),
                    by=office,
                    problem=f"“{line.name}”失{line.lost:.2f}分：{line.explanation}"))
    return items


def _from_supervision(cycle, office) -> list:
    found = Supervision.objects.filter(cycle=cycle, rating__in=["average", "poor"]).select_related("unit", "cycle")
    return [actions.from_supervision(s, deadline=s.done_on + datetime.timedelta(days=60), by=office)
            for s in found.order_by("done_on", "id")[:12]]


def _from_follow_ups(cycle, office) -> list:
    found = FollowUp.objects.filter(campaign__cycle=cycle).select_related("campaign__cycle", "unit", "dimension")
    return [actions.from_follow_up(f, deadline=_deadline(cycle, n), by=office)
            for n, f in enumerate(found.order_by("id")[:8])]


def _progress(rng, items, office, *, latest: int) -> int:
    """Older cycles: all closed. The latest: supervision findings mostly closed in time, a handful overdue; lost
    points and evaluation comments mostly under way and not yet due."""
    closed = 0
    for n, item in enumerate(items):
        fate = _fate(rng, item, n, latest)
        users = actions.unit_users(item.unit)
        user, proxy = (users[0], "") if users else (office, "（单位书面报送，绩效办代为录入）")
        _story(item, fate, n, user, proxy, office)
        closed += fate == "closed"
    return closed


def _fate(rng, item, n: int, latest: int) -> str:
    if item.cycle.year < latest:
        return "closed"
    if item.source == RectificationSource.SUPERVISION:
        return "in_progress" if n % 3 == 0 else "closed"
    return rng.choice(["open", "in_progress", "in_progress", "reported", "closed"])


def _story(item, fate: str, n: int, user, proxy: str, office) -> None:
    """Walk one item through the actions to `fate`, then give its steps fixed days of the story."""
    if item.source == RectificationSource.SUPERVISION:  # assigned the day after the supervision
        created = _day(item.deadline - datetime.timedelta(days=59))
    else:  # assigned a week after the results were published in January
        created = _day(datetime.date(item.cycle.year + 1, 2, 1))
    if fate != "open":
        actions.submit_measures(item, measures="建立问题清单，明确责任人和完成时限，逐项整改。",
                                unit_deadline=item.deadline, by=user)
        actions.report_progress(item, text=f"已完成整改任务的一半。{proxy}", completed=False, by=user)
    if fate in ("reported", "closed"):
        actions.report_progress(item, text=f"已完成整改，佐证材料附后。{proxy}", completed=True, upload=_evidence(),
                                by=user)
        if n % 7 == 0 and fate == "closed":
            actions.send_back(item, reason="佐证材料不能证明问题已解决，请补充。", by=office)
            actions.report_progress(item, text=f"已补充佐证材料。{proxy}", completed=True, upload=_evidence(),
                                    by=user)
    if fate == "closed":
        actions.verify(item, by=office)
    if fate != "open" and n % 4 == 0:
        actions.set_disclosure(item, disclose=True, by=office)
    _stamp(item, created)


def _stamp(item, created: datetime.datetime) -> None:
    """The actions stamp the wall clock: created on its day, reports a month apart, closed a week after the last."""
    Rectification.objects.filter(pk=item.pk).update(created_at=created)
    reports = list(RectificationReport.objects.filter(rectification=item).order_by("id"))
    for k, report in enumerate(reports):
        report.reported_at = created + datetime.timedelta(days=30 * (k + 1))
    RectificationReport.objects.bulk_update(reports, ["reported_at"])
    if reports:
        Rectification.objects.filter(pk=item.pk, closed_at__isnull=False).update(
            closed_at=reports[-1].reported_at + datetime.timedelta(days=7))


def _day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def _evidence():
    return SimpleUploadedFile("整改佐证.pdf", PDF, content_type="application/pdf")


