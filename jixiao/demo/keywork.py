"""Demo key work (示范数据): about 40 key tasks and major projects per cycle 2020–2026 with milestones, progress,
assessments, warnings, supervision records, directives and published bulletins.

Each task follows one of a few *courses* drawn by the rng (steady, a slip caught up, lagging from Q3, stalled
from Q2), so every status and every warning level has examples. 2026 is running: Q1–Q3 are reported.
Bulletins (.docx files) are rendered for the quarters of 2025 and 2026 only, to keep the load fast; the older
years show their key work on the board and in the archive of warnings and directives.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.demo.org import CURRENT_YEAR, DISTRICT_CODE, OFFICE_CODE
from jixiao.keywork import bulletins, periods
from jixiao.keywork.models import (
    Assessment,
    Bulletin,
    Directive,
    DirectiveReply,
    DirectiveStatus,
    KeyTask,
    Milestone,
    Progress,
    Rating,
    ReplyDecision,
    SubTask,
    Supervision,
    SupervisionKind,
    TaskKind,
    TaskSource,
    TaskStatus,
    Warning,
    WarningLevel,
)
from jixiao.keywork.status import MilestoneFact, ProgressFact, derive_status
from jixiao.org.models import Cadre, Cycle, Unit

K, P = TaskKind.KEY_WORK, TaskKind.MAJOR_PROJECT
S = TaskSource
# name, kind, source, lead unit, cooperating units
TASKS = [
    ("推进华明高新区扩区提质", P, S.FIVE_YEAR_PLAN, "P01", ["B01", "M40"]),
    ("临空经济区航空物流园建设", P, S.FIVE_YEAR_PLAN, "P02", ["B13", "M38"]),
    ("现代农业示范园区提升工程", P, S.FIVE_YEAR_PLAN, "P03", ["B09"]),
    ("军粮城示范镇还迁安置", P, S.PARTY_CONGRESS, "S03", ["B07", "M46"]),
    ("华明街道示范小城镇配套建设", K, S.PARTY_CONGRESS, "S01", ["B07"]),
    ("金桥街道工业园区转型升级", K, S.FIVE_YEAR_PLAN, "S02", ["M35"]),
    ("新立街道城中村改造", K, S.PARTY_CONGRESS, "S05", ["B07", "M40"]),
    ("东湖片区生态修复", K, S.FIVE_YEAR_PLAN, "S07", ["B08", "M41"]),
    ("重大项目谋划储备与前期推进", K, S.FIVE_YEAR_PLAN, "B01", ["B03", "M40"]),
    ("招商引资百亿工程", K, S.CITY_ASSIGNED, "M38", ["B10", "P01", "P02"]),
    ("优化营商环境“一网通办”", K, S.GOVERNMENT_REPORT, "M39", ["M55"]),
    ("科技型中小企业培育", K, S.CITY_ASSIGNED, "B11", ["M35"]),
    ("区级财政收入质量提升", K, S.CITY_ASSIGNED, "B03", ["M34"]),
    ("地方政府债务风险化解", K, S.CITY_ASSIGNED, "B03", ["M36", "M37"]),
    ("国有企业改革三年行动", K, S.PARTY_CONGRESS, "M36", ["B03"]),
    ("民心工程：老旧小区改造", K, S.LIVELIHOOD, "B07", ["M46", "S01", "S02"]),
    ("民心工程：农村饮水提质增效", K, S.LIVELIHOOD, "M41", ["B09"]),
    ("民心工程：社区养老服务中心建设", K, S.LIVELIHOOD, "B06", ["B05"]),
    ("民心工程：新建改扩建中小学和幼儿园", K, S.LIVELIHOOD, "B04", ["M40", "B07"]),
    ("民心工程：农贸市场提升改造", K, S.LIVELIHOOD, "B10", ["B14"]),
    ("民心工程：公交线网优化", K, S.LIVELIHOOD, "B13", []),
    ("民心工程：基层医疗卫生服务能力提升", K, S.LIVELIHOOD, "B05", ["M29"]),
    ("民心工程：城市道路照明改造", K, S.LIVELIHOOD, "B12", []),
    ("稳就业保就业专项行动", K, S.CITY_ASSIGNED, "B02", ["B10", "M18"]),
    ("社会保险扩面征缴", K, S.CITY_ASSIGNED, "B02", ["M34"]),
    ("安全生产专项整治三年行动", K, S.CITY_ASSIGNED, "B15", ["M42", "B14"]),
    ("食品药品安全城市创建", K, S.SOCIAL_MANAGEMENT, "B14", ["B05"]),
    ("信访积案化解攻坚", K, S.SOCIAL_MANAGEMENT, "M27", ["M10", "M26"]),
    ("扫黑除恶常态化", K, S.SOCIAL_MANAGEMENT, "M10", ["M23", "M24", "M25"]),
    ("网格化社会治理体系建设", K, S.SOCIAL_MANAGEMENT, "M54", ["M10", "S04"]),
    ("平安示范区建设", K, S.SOCIAL_MANAGEMENT, "M23", ["M10"]),
    ("法治政府建设示范创建", K, S.PARTY_CONGRESS, "M26", ["M04"]),
    ("大气污染防治攻坚", K, S.CITY_ASSIGNED, "B08", ["B12", "B07", "B13"]),
    ("河湖长制与水环境治理", K, S.CITY_ASSIGNED, "M41", ["B08", "S06"]),
    ("生活垃圾分类", K, S.GOVERNMENT_REPORT, "B12", ["S01", "S02", "S05"]),
    ("全域旅游示范区创建", K, S.PARTY_CONGRESS, "M31", ["B10"]),
    ("智慧城市数据平台建设", P, S.FIVE_YEAR_PLAN, "M55", ["M39", "M53"]),
    ("乡村振兴示范村建设", K, S.PARTY_CONGRESS, "B09", ["S03", "S06", "P03"]),
    ("高标准农田建设", P, S.CITY_ASSIGNED, "B09", ["M40"]),
    ("基层党建“示范点”创建", K, S.PARTY_CONGRESS, "M07", ["M13"]),
]
# Before the 2023 reform the tourism task was led by the old 区旅游局.
RENAMED = {("M31", True): "M58"}
MILESTONE_STEPS = ["完成方案制定和前期手续，启动实施", "完成年度任务的50%", "完成年度任务的80%",
                   "全面完成年度任务并通过验收"]
PERCENTS = [25, 50, 80, 100]
# course -> for each quarter: (percent reached, milestone met)
COURSES = {
    "steady": [(25, True), (50, True), (80, True), (100, True)],
    "slip": [(20, False), (50, True), (80, True), (100, True)],
    "late": [(25, True), (50, True), (65, False), (85, False)],
    "stalled": [(25, True), (35, False), (35, False), (40, False)],
}
COURSE_WEIGHTS = [("steady", 62), ("slip", 18), ("late", 12), ("stalled", 8)]
PROGRESS_TEXT = ["已完成{m}。", "按计划推进，{m}。", "{m}，正在组织验收。"]
LAG_TEXT = ["受资金和手续影响，{m}未能按期完成。", "征地拆迁进度滞后，{m}尚未完成。"]
RATINGS = [Rating.GOOD, Rating.GOOD, Rating.FAIR, Rating.FAIR, Rating.AVERAGE, Rating.POOR]
KINDS = list(SupervisionKind.values)


def build(rng) -> str:
    cycles = list(Cycle.objects.order_by("year"))
    units = {u.code: u for u in Unit.objects.all()}
    leaders = list(Cadre.objects.filter(unit__code=DISTRICT_CODE, tenure_to__isnull=True).order_by("post", "id"))
    users_by_name = {u.full_name: u for u in User.objects.filter(
        memberships__role=Role.LEADER, memberships__unit__code=DISTRICT_CODE)}
    staff = _staff()
    tasks = _tasks(rng, cycles, units, leaders, users_by_name)
    courses = {t.pk: _weighted(rng) for t in tasks}
    _milestones_and_progress(rng, tasks, courses, staff)
    warnings = _warnings(tasks, courses)
    supervisions, directives = _supervision(rng, cycles, tasks, courses, staff)
    published = _bulletins([c for c in cycles if c.year >= CURRENT_YEAR - 1], staff["office"])
    return (f"重点工作 {len(tasks)} 项（{len(cycles)} 个年度），预警 {warnings} 条，督查 {supervisions} 次，"
            f"督办单 {directives} 件，通报 {published} 期")


def _staff() -> dict:
    by_role = {}
    for m in Membership.objects.active().select_related("user", "unit").order_by("id"):
        by_role.setdefault((m.role, m.unit.code), m.user)
    office = by_role.get((Role.OFFICE_ADMIN, OFFICE_CODE))
    return {"office": office, "supervisor": by_role.get((Role.SUPERVISOR, OFFICE_CODE)) or office,
            "reporters": {code: user for (role, code), user in by_role.items() if role == Role.REPORTER},
            "fallback": office}


def _weighted(rng) -> str:
    pick = rng.randrange(sum(w for _, w in COURSE_WEIGHTS))
    for name, weight in COURSE_WEIGHTS:
        if pick < weight:
            return name
        pick -= weight
    return COURSE_WEIGHTS[0][0]


def _tasks(rng, cycles, units, leaders, users_by_name) -> list[KeyTask]:
    rows, coop = [], []
    for cycle in cycles:
        for n, (name, kind, source, lead, partners) in enumerate(TASKS, start=1):
            lead = RENAMED.get((lead, cycle.year < 2023), lead)
            leader = leaders[(n + cycle.year) % len(leaders)] if n % 3 else leaders[1]  # the mayor leads a third
            rows.append(KeyTask(
                cycle=cycle, code=f"ZD{cycle.year}-{n:02d}", name=name, kind=kind, source=source,
                lead_unit=units[lead], leader_cadre=leader, leader_user=users_by_name.get(leader.name),
                annual_goal=f"{cycle.year}年{name}：{MILESTONE_STEPS[-1]}，形成可复制的经验做法。",
                points=Decimal(rng.choice([2, 3, 3, 4, 5])), assessor_unit=units[OFFICE_CODE]))
            coop.append([units[c] for c in partners if units[c].valid_from <= cycle.ends_on])
    KeyTask.objects.bulk_create(rows)
    through = KeyTask.cooperating_units.through
    through.objects.bulk_create([through(keytask_id=t.pk, unit_id=u.pk) for t, us in zip(rows, coop, strict=True)
                                 for u in us])
    SubTask.objects.bulk_create([SubTask(task=t, unit=us[0], content=f"配合做好{t.name}相关工作")
                                 for t, us in zip(rows, coop, strict=True) if us])
    for task, partners in zip(rows, coop, strict=True):
        task._partners = partners
    return rows


def _reported_quarters(cycle) -> int:
    return 3 if cycle.year == CURRENT_YEAR else 4


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _milestones_and_progress(rng, tasks, courses, staff) -> None:
    milestones, reports, assessments = [], [], []
    office = staff["office"]
    for task in tasks:
        year = task.cycle.year
        for q, code in enumerate(periods.QUARTERS):
            milestones.append(Milestone(task=task, period_code=code, due_on=periods.period_end(year, code),
                                        description=MILESTONE_STEPS[q]))
        course = COURSES[courses[task.pk]]
        reporter = staff["reporters"].get(task.lead_unit.code, staff["fallback"])
        for q in range(_reported_quarters(task.cycle)):
            code = periods.QUARTERS[q]
            percent, met = course[q]
            # a stalled task files nothing in its worst quarter
            if courses[task.pk] == "stalled" and q == 2:
                continue
            at = _at(periods.period_end(year, code) + datetime.timedelta(days=rng.randint(3, 9)))
            text = (rng.choice(PROGRESS_TEXT) if met else rng.choice(LAG_TEXT)).format(m=MILESTONE_STEPS[q])
            reports.append(Progress(task=task, unit=task.lead_unit, period_code=code, text=text, percent=percent,
                                    milestone_met=met, problems="" if met else "已制定赶超措施。",
                                    reported_by=reporter, reported_at=at))
            if task._partners and rng.random() < 0.5:
                partner = task._partners[0]
                reports.append(Progress(task=task, unit=partner, period_code=code, percent=percent,
                                        text=f"配合完成{MILESTONE_STEPS[q]}相关工作。", milestone_met=met,
                                        reported_by=staff["reporters"].get(partner.code, staff["fallback"]),
                                        reported_at=at))
            score = (task.points * Decimal(percent if met else percent * 0.8) / 100).quantize(Decimal("0.01"))
            assessments.append(Assessment(task=task, unit=task.lead_unit, period_code=code,
                                          score=min(score, task.points),
                                          comment="按节点完成。" if met else "节点未完成，扣减相应分值。",
                                          assessed_by=office, assessed_at=at + datetime.timedelta(days=5)))
        if _reported_quarters(task.cycle) == 4:
            final = course[3][0]
            assessments.append(Assessment(
                task=task, unit=task.lead_unit, period_code="Y",
                score=(task.points * Decimal(final) / 100).quantize(Decimal("0.01")),
                comment="年终考核：全面完成。" if final == 100 else f"年终考核：完成{final}%。", assessed_by=office,
                assessed_at=_at(datetime.date(task.cycle.year + 1, 1, 20))))
    Milestone.objects.bulk_create(milestones)
    Progress.objects.bulk_create(reports)
    Assessment.objects.bulk_create(assessments)


def _warnings(tasks, courses) -> int:
    """The warnings the quarterly run would have raised, computed with the same pure status function."""
    rows = []
    for task in tasks:
        if courses[task.pk] in ("steady",):
            continue
        course = COURSES[courses[task.pk]]
        year = task.cycle.year
        facts = [MilestoneFact(code, periods.period_end(year, code)) for code in periods.QUARTERS]
        for q in range(_reported_quarters(task.cycle)):
            code = periods.QUARTERS[q]
            reports = [ProgressFact(periods.QUARTERS[i], course[i][0], course[i][1]) for i in range(q + 1)
                       if not (courses[task.pk] == "stalled" and i == 2)]
            judged = derive_status(facts, reports, periods.period_end(year, code) + datetime.timedelta(days=1))
            if judged.status in (TaskStatus.LAGGING, TaskStatus.STALLED):
                rows.append(Warning(task=task, period_code=code, status=judged.status, streak=judged.streak,
                                    level=WarningLevel.ESCALATED if judged.streak >= 2 else WarningLevel.WARNING,
                                    created_at=_at(periods.period_end(year, code) + datetime.timedelta(days=12))))
    Warning.objects.bulk_create(rows)
    return len(rows)


def _supervision(rng, cycles, tasks, courses, staff) -> tuple[int, int]:
    supervisions, directives, replies = [], [], []
    supervisor = staff["supervisor"]
    by_cycle = {}
    for task in tasks:
        by_cycle.setdefault(task.cycle_id, []).append(task)
    for cycle in cycles:
        behind = [t for t in by_cycle[cycle.pk] if courses[t.pk] != "steady"]
        picked = behind + rng.sample([t for t in by_cycle[cycle.pk] if t not in behind], 4)
        for n, task in enumerate(picked):
            quarter = 1 + n % _reported_quarters(cycle)
            day = periods.period_end(cycle.year, periods.QUARTERS[quarter - 1]) - datetime.timedelta(days=rng.randint(5, 40))
            lagging = task in behind
            supervisions.append(Supervision(
                cycle=cycle, kind=KINDS[n % 4], task=task, unit=task.lead_unit, done_on=day,
                findings=("现场查看施工进度，节点目标未完成，资金到位率偏低。" if lagging
                          else "现场查看项目推进情况，台账齐全，进度符合计划。"),
                rating=rng.choice(RATINGS[3:] if lagging else RATINGS[:3]), supervisor=supervisor,
                recorded_at=_at(day, 16)))
    Supervision.objects.bulk_create(supervisions)
    counters = {}
    for s in supervisions:
        if s.rating not in (Rating.AVERAGE, Rating.POOR):
            continue
        counters[s.cycle_id] = counters.get(s.cycle_id, 0) + 1
        issued = s.done_on + datetime.timedelta(days=2)
        deadline = issued + datetime.timedelta(days=15)
        open_now = s.cycle.year == CURRENT_YEAR and counters[s.cycle_id] % 2 == 0
        directives.append(Directive(
            cycle=s.cycle, number=f"督办〔{s.cycle.year}〕{counters[s.cycle_id]}号", unit=s.unit, task=s.task,
            supervision=s, subject=f"关于加快推进{s.task.name}的督办通知",
            requirement="请于办理时限前制定赶超计划，明确责任人和完成时间，并书面回复办理情况。", deadline=deadline,
            status=DirectiveStatus.ISSUED if open_now else DirectiveStatus.CLOSED, issued_by=supervisor,
            issued_at=_at(issued, 9), closed_at=None if open_now else _at(deadline + datetime.timedelta(days=10))))
    Directive.objects.bulk_create(directives)
    for d in directives:
        if d.status != DirectiveStatus.CLOSED:
            continue
        reporter = staff["reporters"].get(d.unit.code, staff["fallback"])
        late = rng.random() < 0.25
        first = d.deadline + datetime.timedelta(days=rng.randint(1, 4) if late else -rng.randint(1, 5))
        returned = rng.random() < 0.3
        replies.append(DirectiveReply(directive=d, text="已制定赶超计划，倒排工期，加派人员力量。", replied_by=reporter,
                                      replied_at=_at(first, 15), is_late=late,
                                      decision=ReplyDecision.RETURNED if returned else ReplyDecision.ACCEPTED,
                                      decision_note="措施不具体，请补充完成时限。" if returned else "同意办结。",
                                      decided_by=supervisor, decided_at=_at(first + datetime.timedelta(days=1))))
        if returned:
            second = first + datetime.timedelta(days=5)
            replies.append(DirectiveReply(directive=d, text="已补充分项完成时限和责任人。", replied_by=reporter,
                                          replied_at=_at(second, 15), is_late=True, decision=ReplyDecision.ACCEPTED,
                                          decision_note="同意办结。", decided_by=supervisor,
                                          decided_at=_at(second + datetime.timedelta(days=1))))
        d.late_replies = late + returned
    DirectiveReply.objects.bulk_create(replies)
    Directive.objects.bulk_update([d for d in directives if d.late_replies], ["late_replies"])
    return len(supervisions), len(directives)


def _bulletins(cycles, office) -> int:
    """Render and archive the bulletin of every finished quarter (and the year end) of the given cycles."""
    count = 0
    today = timezone.localdate()
    for cycle in cycles:
        codes = [c for c in periods.PERIOD_CODES if periods.period_end(cycle.year, c) < today]
        for sequence, code in enumerate(codes, start=1):
            issued_on = periods.period_end(cycle.year, code) + datetime.timedelta(days=15)
            number = bulletins.number_for(cycle, sequence)
            summary = bulletins.collect(cycle, code)
            data = bulletins.render(summary, doc_number=number, issued_on=issued_on)
            bulletin = Bulletin(cycle=cycle, period_code=code, sequence=sequence, doc_number=number,
                                title=bulletins.title_for(cycle, code), issued_on=issued_on,
                                sha256=documents_digest(data),
                                counts={str(k): v for k, v in summary.counts().items()}, published_by=office,
                                published_at=_at(issued_on, 9))
            _save_file(bulletin, data)
            bulletin.save()
            count += 1
    return count


def documents_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _save_file(bulletin, data: bytes) -> None:
    name = f"keywork/bulletins/demo-{bulletin.cycle.year}-{bulletin.sequence:03d}.docx"
    storage = bulletin.file.storage
    if storage.exists(name):  # a reload of the demo replaces its own files instead of piling up copies
        storage.delete(name)
    bulletin.file.name = storage.save(name, ContentFile(data))

