"""Demo result use (stage 6): cadre archives, organisational talks, commendations and rectification.

For every published cycle: the cadres' records are written and the units graded 优秀 are commended; main leaders
of units graded 一般 or worse had their talk recorded up to 2024 (2025's are still pending). Rectification: the
three largest lost points of each scheme's three lowest units in 2024 and 2025, the supervisions rated 一般 or 差
and a few evaluation follow-ups of 2025. 2024's items are all closed (one after being sent back once); 2025's are
a mix of open (some overdue), in progress, awaiting verification and closed; a few are disclosed to the public.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.accounts.models import User
from jixiao.accounts.roles import Role
from jixiao.evaluation.models import FollowUp
from jixiao.keywork.models import Supervision
from jixiao.org.models import Cycle
from jixiao.results import actions, queries
from jixiao.results.models import CadreRecord, RectificationSource

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
    closed = _progress(rng, items, office)
    return (f"干部实绩档案 {records} 条，组织谈话 {talks} 次，表彰单位 {commended} 个，"
            f"整改事项 {len(items)} 项（已销号 {closed} 项）")


def _talks(rng, cycle, office) -> int:
    due = CadreRecord.objects.filter(cycle=cycle, post="main", grade__in=queries.AVERAGE_OR_WORSE)
    for record in due:
        actions.record_talk(record, held_on=datetime.date(cycle.year + 1, 3, rng.randint(1, 28)),
                            held_by="区委组织部", summary="通报考核结果，分析失分原因，提出整改要求。", by=office)
    return due.count()


def _from_results(cycle, office) -> list:
    items = []
    deadline = datetime.date(cycle.year + 1, 6, 30)
    for run in queries.official_runs(cycle, published_only=True):
        for result in run.results.select_related("unit", "run__cycle").order_by("-rank")[:3]:
            lost = sorted((line for line in result.lines.all() if line.lost > 0), key=lambda line: -line.lost)[:3]
            for line in lost:
                items.append(actions.create_rectification(
                    cycle=cycle, unit=result.unit, source=RectificationSource.LOST_POINTS,
                    reference=f"ScoreLine:{line.unit_id}:{line.item_id}", deadline=deadline, by=office,
                    problem=f"“{line.name}”失{line.lost:.2f}分：{line.explanation}"))
    return items


def _from_supervision(cycle, office) -> list:
    found = Supervision.objects.filter(cycle=cycle, rating__in=["average", "poor"]).select_related("unit", "cycle")
    return [actions.from_supervision(s, deadline=s.done_on + datetime.timedelta(days=60), by=office)
            for s in found.order_by("done_on", "id")[:12]]


def _from_follow_ups(cycle, office) -> list:
    found = FollowUp.objects.filter(campaign__cycle=cycle).select_related("campaign__cycle", "unit", "dimension")
    return [actions.from_follow_up(f, deadline=datetime.date(cycle.year + 1, 5, 31), by=office)
            for f in found.order_by("id")[:8]]


def _unit_user(unit):
    users = actions.unit_users(unit)
    return users[0] if users else None


def _progress(rng, items, office) -> int:
    """2024: all closed. 2025: a mix, so the lists and the overdue reminders have something to show."""
    closed = 0
    for n, item in enumerate(items):
        user = _unit_user(item.unit)
        fate = "closed" if item.cycle.year == 2024 else rng.choice(["open", "in_progress", "reported", "closed"])
        if user is None or fate == "open":
            continue
        actions.submit_measures(item, measures="建立问题清单，明确责任人和完成时限，逐项整改。",
                                unit_deadline=item.deadline, by=user)
        if fate == "in_progress":
            actions.report_progress(item, text="已完成整改任务的一半。", completed=False, by=user)
            continue
        actions.report_progress(item, text="已完成整改，佐证材料附后。", completed=True, upload=_evidence(), by=user)
        if n % 7 == 0 and fate == "closed":
            actions.send_back(item, reason="佐证材料不能证明问题已解决，请补充。", by=office)
            actions.report_progress(item, text="已补充佐证材料。", completed=True, upload=_evidence(), by=user)
        if fate == "closed":
            actions.verify(item, by=office)
            closed += 1
        if n % 4 == 0:
            actions.set_disclosure(item, disclose=True, by=office)
    return closed


def _evidence():
    return SimpleUploadedFile("整改佐证.pdf", PDF, content_type="application/pdf")


