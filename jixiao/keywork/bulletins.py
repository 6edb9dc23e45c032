"""The district-wide bulletin of key-work status for a period (重点工作推进情况通报), as a GB/T 9704 .docx."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from jixiao.keywork import periods
from jixiao.keywork.models import STATUS_ORDER, KeyTask, TaskStatus
from jixiao.keywork.status import judge
from jixiao.lib import documents

OFFICE_NAME = "绩效考核办公室"
NUMBER_PREFIX = "绩效办"
SECTION_NUMBERS = "一二三四五六七八九十"
TABLE_HEADER = ["序号", "工作名称", "牵头单位", "责任区领导", "本期节点目标", "进展情况"]
TABLE_WIDTHS = [13, 35, 22, 18, 33, 35]  # mm, 156 in all


@dataclass
class Row:
    task: KeyTask
    status: str
    percent: int
    milestone: str
    progress: str


@dataclass
class Summary:
    cycle: object
    period_code: str
    rows: dict = field(default_factory=dict)  # status -> [Row]

    @property
    def total(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def counts(self) -> dict[str, int]:
        return {status: len(self.rows.get(status, [])) for status in STATUS_ORDER}


def collect(cycle, period_code: str) -> Summary:
    """Every task of the cycle with its status as at the end of the period (three queries)."""
    judged_on = periods.period_end(cycle.year, period_code) + datetime.timedelta(days=1)
    summary = Summary(cycle, period_code, {status: [] for status in STATUS_ORDER})
    quarter = "Q4" if period_code == "Y" else period_code
    for task in KeyTask.objects.filter(cycle=cycle).for_board():
        judgement = judge(task, judged_on, up_to_period=period_code)
        milestone = next((m.description for m in task.milestones.all() if m.period_code == quarter), "")
        report = _latest_lead_report(task, period_code)
        summary.rows[judgement.status].append(Row(task, judgement.status, judgement.percent, milestone,
                                                  _progress_text(report)))
    return summary


def _latest_lead_report(task, period_code):
    limit = periods.index(period_code)
    reports = [p for p in task.progress_reports.all()
               if p.unit_id == task.lead_unit_id and periods.index(p.period_code) <= limit]
    return max(reports, key=lambda p: periods.index(p.period_code), default=None)


def _progress_text(report) -> str:
    if report is None:
        return "未报送进展"
    text = report.text if len(report.text) <= 60 else report.text[:59] + "…"
    return f"{text}（完成{report.percent}%）"


def agency() -> str:
    return f"{settings.DISTRICT_NAME}{OFFICE_NAME}"


def title_for(cycle, period_code: str) -> str:
    return f"关于{cycle.year}年{periods.label(period_code)}重点工作推进情况的通报"


def number_for(cycle, sequence: int) -> str:
    return documents.doc_number(f"{settings.DISTRICT_NAME}{NUMBER_PREFIX}", cycle.year, sequence)


def render(summary: Summary, *, doc_number: str, issued_on: datetime.date) -> bytes:
    """The bulletin as .docx bytes."""
    doc = documents.new_document()
    documents.add_letterhead(doc, f"{agency()}文件", doc_number)
    documents.add_title(doc, title_for(summary.cycle, summary.period_code))
    documents.add_recipients(doc, "各街道、园区，区直各部门")
    _intro(doc, summary)
    sections = [s for s in STATUS_ORDER if summary.rows.get(s)]
    for n, status in enumerate(sections):
        rows = summary.rows[status]
        documents.add_heading(doc, f"{SECTION_NUMBERS[n]}、{TaskStatus(status).label}的工作（{len(rows)}项）")
        documents.add_table(doc, TABLE_HEADER, [
            [i, r.task.name, r.task.lead_unit.label, r.task.leader_name, r.milestone, r.progress]
            for i, r in enumerate(rows, start=1)
        ], TABLE_WIDTHS)
    _closing(doc, summary, len(sections))
    documents.add_signature(doc, agency(), issued_on)
    return documents.to_bytes(doc)


def _intro(doc, summary: Summary) -> None:
    c = summary.counts()
    documents.add_body(doc, (
        f"根据{summary.cycle.year}年度重点工作和重大项目考核安排，区绩效办会同区委督查室对全区{summary.total}项重点工作"
        f"{periods.label(summary.period_code)}推进情况进行了督查核实。现将有关情况通报如下："
        f"已完成{c[TaskStatus.DONE]}项，按进度推进{c[TaskStatus.ON_TRACK]}项，"
        f"滞后{c[TaskStatus.LAGGING]}项，停滞{c[TaskStatus.STALLED]}项。"
    ))


def _closing(doc, summary: Summary, used: int) -> None:
    behind = len(summary.rows.get(TaskStatus.LAGGING, [])) + len(summary.rows.get(TaskStatus.STALLED, []))
    documents.add_heading(doc, f"{SECTION_NUMBERS[used]}、有关要求")
    if behind:
        documents.add_body(doc, (
            f"对滞后和停滞的{behind}项工作，各牵头单位要认真分析原因，制定赶超措施，明确完成时限，于通报印发之日起"
            "10个工作日内将整改情况书面报区绩效办。连续两期滞后的工作，由责任区领导专题督办。"
        ))
    documents.add_body(doc, "各单位要对照年度目标和节点要求，加快工作推进，确保全年任务圆满完成。")
