"""Every change to the team and cadre assessment: atomic, checked, audited (STYLE.md §3).

Refusals raise ValidationError with Chinese text; the views show and audit them (lib/refusals)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.cadres import compute, grading
from jixiao.cadres.models import (
    CadreAssessment,
    CadreGrade,
    CadreRules,
    DemocraticResult,
    DemocraticSource,
    TeamAssessment,
    WorkReport,
)
from jixiao.keywork import evidence

RULE_FIELDS = ["team_performance_weight", "team_democratic_weight", "cadre_unit_weight", "cadre_keytask_weight",
               "cadre_democratic_weight", "team_good_percent", "excellent_percent"]
REPORT_KINDS = {"pdf", "docx"}


def lock_rules(cycle) -> CadreRules:
    """The cycle's rules row, created with the defaults when missing, locked: the guard every change of the
    cycle's assessment takes first, so two computations or calibrations never interleave."""
    CadreRules.objects.get_or_create(cycle=cycle)
    return CadreRules.objects.select_for_update().get(cycle=cycle)


def last_computed(cycle) -> str:
    """When the cycle's assessment was last computed, as the compute form carries it ("" for never)."""
    latest = (TeamAssessment.objects.filter(cycle=cycle).order_by("-computed_at")
              .values_list("computed_at", flat=True).first())
    return latest.isoformat() if latest else ""


# --- Rules --------------------------------------------------------------------------------------------------


@transaction.atomic
def save_rules(cycle, values: dict, *, by) -> CadreRules:
    """Set the cycle's weights and quota shares; refused when a weight set does not sum to 100 or 优秀 > 25 %."""
    row = lock_rules(cycle)
    before = log.snapshot(row, RULE_FIELDS)
    for name in RULE_FIELDS:
        setattr(row, name, values[name])
    problems = grading.check_rules(compute.as_rules(row))
    if problems:
        raise ValidationError(problems)
    row.save(update_fields=RULE_FIELDS)
    log.record("cadre.rules_updated", row, before=before, after=log.snapshot(row, RULE_FIELDS), user=by)
    return row


# --- Computing ----------------------------------------------------------------------------------------------


@transaction.atomic
def assess(cycle, *, by, seen: str | None = None) -> tuple[int, int]:
    """Grade every team and cadre of the cycle and replace its rows; returns (teams, cadres).

    `seen` is the computation the person's page showed (`last_computed`); when another computation ran since (a
    double submit, a colleague), this one is refused rather than run twice. Recomputing clears calibrations:
    they were decided on the grades being replaced (the audit event counts them)."""
    rules = lock_rules(cycle)
    if seen is not None and seen != last_computed(cycle):
        raise ValidationError("本年度的班子和干部考核刚刚已重新计算，请刷新页面查看结果后再决定是否再次计算。")
    problems = grading.check_rules(compute.as_rules(rules))
    if problems:
        raise ValidationError(problems)
    inputs = compute.gather(cycle)
    if not inputs.results:
        raise ValidationError("该年度尚无单位绩效考核的最终结果，不能计算班子和干部等次。")
    teams = grading.grade_teams(inputs.rules, inputs.teams)
    cadres = grading.grade_cadres(inputs.rules, compute.cadre_inputs(inputs, {t.unit: t.grade for t in teams}))
    cleared = CadreAssessment.objects.filter(cycle=cycle, calibrated_at__isnull=False).count()
    TeamAssessment.objects.filter(cycle=cycle).delete()
    CadreAssessment.objects.filter(cycle=cycle).delete()
    now = timezone.now()
    TeamAssessment.objects.bulk_create([_team_row(cycle, t, now) for t in teams])
    CadreAssessment.objects.bulk_create([_cadre_row(cycle, c, o, now) for c, o in zip(inputs.cadres, cadres,
                                                                                         strict=True)])
    log.record("cadre.assessed", rules, user=by, after={
        "cycle": cycle.year, "teams": len(teams), "cadres": len(cadres), "calibrations_cleared": cleared,
        "team_grades": _count(t.grade for t in teams), "cadre_grades": _count(o.grade for o in cadres)})
    return len(teams), len(cadres)


def _count(grades) -> dict:
    counts: dict = {}
    for grade in grades:
        counts[grade or "ungraded"] = counts.get(grade or "ungraded", 0) + 1
    return counts


def _team_row(cycle, t: grading.TeamOutcome, now) -> TeamAssessment:
    return TeamAssessment(cycle=cycle, unit_id=t.unit, performance_score=t.performance_score,
                          democratic_score=t.democratic_score, score=t.score, grade=t.grade,
                          reasons=list(t.reasons), computed_at=now)


def _cadre_row(cycle, cadre, o: grading.CadreOutcome, now) -> CadreAssessment:
    note = compute.tenure_note(cycle, cadre)
    return CadreAssessment(cycle=cycle, cadre=cadre, unit_id=cadre.unit_id, post=cadre.post, title=cadre.title,
                           unit_score=o.unit_score, keytask_score=o.keytask_score,
                           democratic_score=o.democratic_score, score=o.score, computed_grade=o.grade,
                           grade=o.grade, reasons=list(o.reasons) + ([note] if note else []), computed_at=now)


# --- Calibration --------------------------------------------------------------------------------------------


@transaction.atomic
def calibrate(assessment: CadreAssessment, *, grade: str, reason: str, by) -> CadreAssessment:
    """The office moves a cadre's grade with a written reason (校准); the computed grade stays beside it.

    Refused for an ungraded cadre, an unknown grade, a missing reason, and a move to 优秀 beyond the quota."""
    rules = lock_rules(assessment.cycle)
    assessment = CadreAssessment.objects.select_for_update().get(pk=assessment.pk)
    reason = (reason or "").strip()
    if not assessment.computed_grade:
        raise ValidationError("该干部缺少考核依据、未定等次，不能校准。")
    if grade not in CadreGrade.values:
        raise ValidationError("请选择校准后的等次。")
    if not reason:
        raise ValidationError("请填写校准理由。")
    standing = dict(CadreAssessment.objects.filter(cycle=assessment.cycle).exclude(computed_grade="")
                    .values_list("cadre_id", "grade"))
    problem = grading.calibration_problem(compute.as_rules(rules), standing, _as_input(assessment), grade)
    if problem:
        raise ValidationError(problem)
    fields = ["grade", "calibrated_by", "calibrated_at", "calibration_reason"]
    before = log.snapshot(assessment, fields)
    assessment.grade, assessment.calibrated_by, assessment.calibrated_at = grade, by, timezone.now()
    assessment.calibration_reason = reason
    assessment.save(update_fields=fields)
    log.record("cadre.calibrated", assessment, before=before,
               after={**log.snapshot(assessment, fields), "computed_grade": assessment.computed_grade}, user=by)
    return assessment


def _as_input(assessment: CadreAssessment) -> grading.CadreInput:
    """What the binding rules read of a graded cadre: post, the unit's team grade and veto."""
    team = TeamAssessment.objects.filter(cycle=assessment.cycle_id, unit=assessment.unit_id).first()
    result = compute.final_results(assessment.cycle).get(assessment.unit_id)
    return grading.CadreInput(assessment.cadre_id, assessment.unit_id, assessment.post,
                              compute.on_hundred(result) if result else None, (), assessment.democratic_score,
                              team.grade if team else "")


# --- Inputs: democratic results from paper ballots, work reports -------------------------------------------


@transaction.atomic
def import_democratic(cycle, rows: list, *, by, file_name: str = "") -> int:
    """Write the democratic results read from a checked workbook (ballots.parse): all rows or none.

    A row replaces an earlier imported result of the same team or cadre; an online result (网上测评) is never
    overwritten by paper ballots."""
    lock_rules(cycle)
    # Ordered by pk: the model's ordering joins the nullable cadre, and PostgreSQL locks no row of an outer join.
    locked = DemocraticResult.objects.select_for_update().filter(cycle=cycle).order_by("pk")
    existing = {(r.unit_id, r.cadre_id): r for r in locked}
    online = [row for row in rows if (found := existing.get((row.unit.pk, row.cadre_id))) is not None
              and found.source == DemocraticSource.ONLINE]
    if online:
        raise ValidationError([f"{row.label}已有网上测评结果，不能用纸质测评结果覆盖。" for row in online])
    now = timezone.now()
    for row in rows:
        DemocraticResult.objects.update_or_create(
            cycle=cycle, unit=row.unit, cadre_id=row.cadre_id,
            defaults={"score": row.score, "dimensions": row.dimensions, "raters": row.raters,
                      "source": DemocraticSource.IMPORT, "campaign": None, "recorded_by": by, "recorded_at": now})
    log.record("cadre.democratic_imported", None, user=by, object_repr=f"{cycle.year}年度民主测评结果", after={
        "cycle": cycle.year, "rows": len(rows), "file": str(file_name)[-100:],
        "replaced": sum(1 for row in rows if (row.unit.pk, row.cadre_id) in existing)})
    return len(rows)


@transaction.atomic
def upload_report(cycle, *, unit, cadre, upload, by) -> WorkReport:
    """Store a team's 述职报告 (no cadre) or a cadre's 述职述廉报告, a PDF or .docx through the evidence checks."""
    if cadre is not None and cadre.unit_id != unit.pk:
        raise ValidationError("所选干部不在所选单位任职。")
    [checked] = evidence.check_files([upload]) or [None]
    if checked is None:
        raise ValidationError("请选择要上传的述职报告文件。")
    if checked.kind not in REPORT_KINDS:
        raise ValidationError(f"“{checked.name}”不是 PDF 或 Word（.docx）文件，述职报告只接收这两种格式。")
    report = WorkReport(cycle=cycle, unit=unit, cadre=cadre, original_name=checked.name, kind=checked.kind,
                        size=len(checked.data), sha256=checked.sha256, uploaded_by=by, uploaded_at=timezone.now())
    report.file.save(checked.name, ContentFile(checked.data), save=False)
    report.save()
    log.record("cadre.report_uploaded", report, user=by, after={
        "cycle": cycle.year, "unit": unit.code, "cadre": cadre.pk if cadre else None, "file": checked.name,
        "sha256": checked.sha256})
    return report
