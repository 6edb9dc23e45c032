"""The changes of the analysis reports — the half-year analysis report and the quarterly key-project evaluation
report — request, generate (in the task worker), edit the text, issue.

Each change is atomic and audited. A report requested twice at once runs once: `AnalysisReport.key` names the
report and the database holds at most one queued or running row per key (the partial unique constraint
`analysis_report_one_pending_job`), so the second request fails in the database whatever the timing.
"""

from __future__ import annotations

import io
import logging
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.analysis import (
    report_content,
    report_document,
    report_pdf,
    report_quarter_content,
    report_quarter_document,
    report_quarter_queries,
    report_queries,
)
from jixiao.analysis.models import PDF_PHASE, AnalysisReport, ReportKind, ReportScope, ReportStatus
from jixiao.analysis.pace_queries import NOT_REPORTING
from jixiao.audit import log
from jixiao.evaluation.campaign_results import block_scores
from jixiao.org.models import Unit

logger = logging.getLogger(__name__)
TEXT_FIELDS = ["problems", "suggestions"]


def report_units(cycle):
    """The units a report can be about: those with targets or key tasks of the cycle (not the district itself)."""
    return (Unit.objects.filter(valid_to__isnull=True).exclude(kind__in=NOT_REPORTING)
            .filter(pk__in=_with_items(cycle)).order_by("sort_order", "code"))


def _with_items(cycle) -> set[int]:
    from jixiao.indicators.models import Target
    from jixiao.keywork.models import KeyTask

    return (set(Target.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
            | set(KeyTask.objects.filter(cycle=cycle).values_list("lead_unit_id", flat=True)))


def quarter_units(cycle):
    """The units a quarterly key-project report can be about: those leading key tasks of the cycle."""
    from jixiao.keywork.models import KeyTask

    return report_units(cycle).filter(pk__in=KeyTask.objects.filter(cycle=cycle).values("lead_unit_id"))


def key_of(cycle, half: int | None, scope: str, unit=None, *, quarter: int | None = None) -> str:
    period = f"q{quarter}" if quarter else half
    return f"{cycle.year}-{period}-{scope}-{unit.pk if unit else 0}"


def request_report(cycle, half: int | None, scope: str, *, unit=None, by, quarter: int | None = None) -> AnalysisReport:
    """A new report row, queued; its generation is enqueued after commit. Refused while the same one is pending.

    `half` 1 or 2 asks for the half-year analysis report; `quarter` 1–4 (half None) for the quarterly key-project
    evaluation report, refused for a quarter not begun and for a scope without key tasks."""
    if (scope == ReportScope.UNIT) != (unit is not None):
        raise ValidationError("单位报告须选择单位；全区和全部单位报告不选单位。")
    if quarter is not None:
        _check_quarterly(cycle, quarter, scope, unit)
        kind = ReportKind.QUARTER
    elif half not in (1, 2):
        raise ValidationError("请选择上半年或下半年。")
    else:
        kind = ReportKind.HALF
    report = AnalysisReport(cycle=cycle, kind=kind, half=None if quarter else half, quarter=quarter, scope=scope,
                            unit=unit, key=key_of(cycle, half, scope, unit, quarter=quarter), requested_by=by,
                            requested_at=timezone.now(), phase="排队中")
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(f"{report.title}正在生成，请勿重复提交；生成完成后可在列表中查看。") from None
    log.record("analysis_report.requested", report,
               after=log.snapshot(report, ["cycle", "kind", "half", "quarter", "scope", "unit"]), user=by)
    _enqueue(report)
    return report


def _check_quarterly(cycle, quarter: int, scope: str, unit) -> None:
    """A quarter begun, and key tasks to evaluate in the scope: else a sentence saying why not."""
    report_quarter_queries.check_quarter(cycle, quarter)
    if not report_quarter_queries.tasks(cycle).exists():
        raise ValidationError(f"{cycle.year}年度尚未设立重点工作和重大项目，无法生成重点项目季度评价报告。")
    if unit is not None and not report_quarter_queries.tasks(cycle, unit).exists():
        raise ValidationError(f"{unit.name}在{cycle.year}年度未牵头重点工作和重大项目，无法生成该单位的季度评价报告。")
    if scope == ReportScope.ALL_UNITS and not quarter_units(cycle).exists():
        raise ValidationError("本年度重点工作的牵头单位均不是被考核单位，请生成全区报告。")


def _enqueue(report) -> None:
    from jixiao.analysis.report_tasks import generate_report_task

    transaction.on_commit(lambda: generate_report_task.enqueue(report.pk))


def _progress(report, percent: int, phase: str) -> None:
    AnalysisReport.objects.filter(pk=report.pk).update(progress=percent, phase=phase)


def generate(report: AnalysisReport) -> AnalysisReport:
    """Build the report's file (a .docx, or a zip of one .docx per unit); on failure record why.

    A single report's PDF is laid out after its .docx is saved (`_add_pdf`), in the same job: the office can open
    the .docx at once, and the page shows the PDF as being laid out (`AnalysisReport.pdf_pending`) until it is there.
    """
    AnalysisReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, phase="读取数据", progress=5)
    try:
        outline = None
        if report.scope == ReportScope.ALL_UNITS:
            data, name, as_of = _all_units(report)
        else:
            data, outline, as_of = _one(report, report.unit)
            name = f"{report.title}.docx"
    except Exception as error:  # the row must say it failed, whatever went wrong; the log keeps the trace
        logger.exception("analysis report %s failed", report.pk)
        reason = ("；".join(error.messages) if isinstance(error, ValidationError)
                  else "生成时出现内部错误，详情已记入系统日志。")
        AnalysisReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, phase="生成失败",
                                                           error=reason[:300])
        log.record("analysis_report.failed", report, outcome="failure", user=report.requested_by,
                   after={"message": f"{type(error).__name__}: {error}"[:500]})
        return report
    old = [f.name for f in (report.file, report.pdf) if f]
    with_pdf = outline is not None and report_pdf.available()
    with transaction.atomic():
        report.file.save(name, ContentFile(data), save=False)
        report.pdf = None
        AnalysisReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.DRAFT, phase=PDF_PHASE if with_pdf else "已完成", progress=100,
            file=report.file.name, pdf="", as_of=as_of, problems=report.problems, suggestions=report.suggestions,
            generated_at=timezone.now(), error="")
        log.record("analysis_report.generated", report, user=report.requested_by,
                   after={"file": report.file.name, "as_of": as_of.isoformat()})
    for name in old:
        if name != report.file.name:
            report.file.storage.delete(name)  # the draft before the office's edit
    if with_pdf:
        _add_pdf(report, outline)
    report.refresh_from_db()
    return report


def _add_pdf(report: AnalysisReport, outline) -> None:
    """Lay out the PDF of the .docx just saved and attach it, unless the report was rebuilt in the meantime (the
    office edited its text): a PDF is only ever stored beside the .docx it was made with."""
    pdf = _pdf(outline)
    docx = report.file.name
    if pdf is None:
        AnalysisReport.objects.filter(pk=report.pk, file=docx, phase=PDF_PHASE).update(phase="已完成")
        return
    stored = report.pdf.storage.save(docx.removesuffix(".docx") + ".pdf", ContentFile(pdf))
    with transaction.atomic():
        attached = AnalysisReport.objects.filter(pk=report.pk, file=docx, pdf="").update(pdf=stored, phase="已完成")
        if attached:
            log.record("analysis_report.pdf_attached", report, user=report.requested_by, after={"pdf": stored})
    if not attached:
        report.pdf.storage.delete(stored)


def build_file(cycle, half: int | None, unit=None, *, pdf: bool = False, quarter: int | None = None) -> bytes | None:
    """A report's .docx (or its PDF: None without WeasyPrint) with the generated text, written nowhere (the
    `make_analysis_report` command); the quarterly key-project report when `quarter` is given."""
    if quarter is not None:
        report_quarter_queries.check_quarter(cycle, quarter)
        facts = report_quarter_queries.facts(cycle, quarter, unit)
    else:
        facts = report_queries.facts(cycle, half, unit)
    outline = _outline(facts, *generated_text(facts))
    if pdf:
        return report_pdf.to_pdf(outline, on=timezone.localdate())
    return report_document.to_docx(outline, on=timezone.localdate())


def generated_text(facts) -> tuple[str, str]:
    """存在问题 and 改进建议 written from the figures, numbered, as the office first sees them."""
    writer = report_quarter_content if isinstance(facts, report_quarter_content.QuarterFacts) else report_content
    return report_content.numbered(writer.problems(facts)), report_content.numbered(writer.suggestions(facts))


def _outline(facts, problems: str, suggestions: str) -> report_document.Outline:
    if isinstance(facts, report_quarter_content.QuarterFacts):
        return report_quarter_document.outline(facts, problems, suggestions)
    return report_document.outline(facts, problems, suggestions)


def _facts(report, unit, **shared):
    if report.kind == ReportKind.QUARTER:
        return report_quarter_queries.facts(report.cycle, report.quarter, unit)
    return report_queries.facts(report.cycle, report.half, unit, **shared)


def _one(report, unit) -> tuple[bytes, report_document.Outline, object]:
    """One report's .docx and the outline it was written from (for its PDF); the generated text of 问题/建议 unless
    the office has edited it."""
    facts = _facts(report, unit)
    _progress(report, 40, "生成文字与图表")
    if not report.text_edited:
        report.problems, report.suggestions = generated_text(facts)
    outline = _outline(facts, report.problems, report.suggestions)
    data = report_document.to_docx(outline, on=timezone.localdate())
    _progress(report, 90, "保存文件")
    return data, outline, facts.as_of


def _pdf(outline) -> bytes | None:
    """The PDF, or None when WeasyPrint is missing or fails: the .docx is the document of record, so a failed PDF
    is logged and left out rather than failing the report."""
    try:
        return report_pdf.to_pdf(outline, on=timezone.localdate())
    except Exception:  # a layout error of the PDF alone; the log keeps the trace
        logger.exception("the PDF of an analysis report failed")
        return None


def _all_units(report) -> tuple[bytes, str, object]:
    """Every unit's report, each with its generated text, in one zip of .docx files.

    No PDFs: laying out a unit's PDF costs about four times its .docx, which would take the zip of the demo's 82
    units well past its one-minute goal; a unit's PDF is made with that unit's own report, and the portal
    publishes the district's (docs/decisions/0012)."""
    quarterly = report.kind == ReportKind.QUARTER
    units = list(quarter_units(report.cycle) if quarterly else report_units(report.cycle))
    shared = {} if quarterly else {"scores": block_scores(report.cycle)}
    buffer, as_of = io.BytesIO(), None
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, unit in enumerate(units, start=1):
            facts = _facts(report, unit, **shared)
            as_of = facts.as_of
            outline = _outline(facts, *generated_text(facts))
            archive.writestr(f"{n:03d}-{outline.title}.docx", report_document.to_docx(outline, on=timezone.localdate()))
            _progress(report, 5 + 90 * n // len(units), f"已完成{n}/{len(units)}个单位")
    if as_of is None:
        raise ValidationError("本年度没有牵头重点工作和重大项目的被考核单位。" if quarterly else "本年度没有可生成报告的单位。")
    return buffer.getvalue(), f"{report.title}.zip", as_of


@transaction.atomic
def edit_text(report: AnalysisReport, *, problems: str, suggestions: str, by) -> AnalysisReport:
    """Keep the office's 问题/建议 text and rebuild the file with it in the background (a draft only)."""
    report = AnalysisReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(f"{report.title}当前状态为“{report.get_status_display()}”，只有草稿可以修改。")
    if report.scope == ReportScope.ALL_UNITS:
        raise ValidationError("全部单位的压缩包不能逐一修改，请生成单个单位的报告后修改。")
    before = log.snapshot(report, TEXT_FIELDS)
    report.problems, report.suggestions = problems.strip(), suggestions.strip()
    report.text_edited, report.status, report.phase, report.progress = True, ReportStatus.QUEUED, "排队中", 0
    try:
        with transaction.atomic():
            report.save(update_fields=[*TEXT_FIELDS, "text_edited", "status", "phase", "progress"])
    except IntegrityError:
        raise ValidationError(f"{report.title}正在生成，请稍后再修改。") from None
    log.record("analysis_report.edited", report, before=before, after=log.snapshot(report, TEXT_FIELDS), user=by)
    _enqueue(report)
    return report


@transaction.atomic
def issue(report: AnalysisReport, *, by) -> AnalysisReport:
    """印发: a finished draft becomes the issued report; it is not edited after that."""
    report = AnalysisReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT or not report.file:
        raise ValidationError(f"{report.title}当前状态为“{report.get_status_display()}”，只有已生成的草稿可以印发。")
    report.status, report.issued_by, report.issued_at = ReportStatus.ISSUED, by, timezone.now()
    report.save(update_fields=["status", "issued_by", "issued_at"])
    log.record("analysis_report.issued", report, before={"status": ReportStatus.DRAFT},
               after={"status": ReportStatus.ISSUED}, user=by)
    return report
