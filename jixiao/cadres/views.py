"""The office's pages of the team and cadre assessment: rules, inputs, computing, the tables, calibration, export.

Every view starts with cadres/access.py: `require_read` for what the readers (office, committee, organisation
department) see, `require_manage` for what only the office changes. Cadre data is personal (PIPL): the export is
audited, and nothing here is public.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.audit import log
from jixiao.cadres import access, actions, ballots, compute, grading
from jixiao.cadres.forms import CalibrationForm, ImportForm, ReportForm, RulesForm
from jixiao.cadres.models import CadreAssessment, DemocraticResult, TeamAssessment, WorkReport
from jixiao.lib import cycles, refusals
from jixiao.lib.excel import Sheet, WorkbookError
from jixiao.lib.responses import download, download_workbook
from jixiao.lib.uploads import record_refusal


def _pick(request, *, strict=False):
    assessed = set(TeamAssessment.objects.values_list("cycle_id", flat=True).distinct())
    chooser = cycles.pick_or_404 if strict else cycles.pick
    return chooser(request, open_work=lambda c: c.pk in assessed, work="有班子和干部考核结果")


def _cycle_or_404(request):
    cycle = _pick(request, strict=True).cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    return cycle


def _back(name, cycle):
    return redirect(f"{reverse(name)}?cycle={cycle.year}")


# --- The tables ---------------------------------------------------------------------------------------------


@login_required
def index(request):
    """The cycle's teams and cadres with their inputs, scores, grades and reasons; the office computes here."""
    access.require_read(request.user)
    pick = _pick(request)
    cycle = pick.cycle
    context = {"pick": pick, "cycle": cycle, "can_manage": access.can_manage(request.user)}
    if cycle is not None:
        teams = list(TeamAssessment.objects.filter(cycle=cycle).select_related("unit")
                     .order_by("unit__sort_order", "unit__code"))
        cadres = list(CadreAssessment.objects.filter(cycle=cycle).select_related("cadre", "unit", "calibrated_by")
                      .order_by("unit__sort_order", "unit__code", "post", "cadre__tenure_from", "cadre_id"))
        rules = compute.rules_of(cycle)
        graded = [c for c in cadres if c.computed_grade]
        context.update(teams=teams, cadres=cadres, rules=rules, seen=actions.last_computed(cycle),
                       graded=len(graded), excellent=sum(1 for c in graded if c.grade == "excellent"),
                       excellent_places=grading.places(len(graded), rules.excellent_percent),
                       democratic_count=DemocraticResult.objects.filter(cycle=cycle).count(),
                       report_count=WorkReport.objects.filter(cycle=cycle).count())
    return render(request, "cadres/index.html", context)


@login_required
@require_POST
def assess(request):
    access.require_manage(request.user)
    cycle = _cycle_or_404(request)
    try:
        teams, cadres = actions.assess(cycle, by=request.user, seen=request.POST.get("seen", ""))
    except ValidationError as exc:
        refusals.refuse(request, "cadre.assess_refused", None, exc, cycle=cycle.year)
    else:
        messages.success(request, f"已计算 {teams} 个领导班子、{cadres} 名领导干部的考核等次。")
    return _back("cadres:index", cycle)


@login_required
def export(request):
    """Both tables as one workbook; personal data, so every download is audited."""
    access.require_read(request.user)
    cycle = _cycle_or_404(request)
    teams = TeamAssessment.objects.filter(cycle=cycle).select_related("unit").order_by("unit__sort_order", "unit__code")
    cadres = (CadreAssessment.objects.filter(cycle=cycle).select_related("cadre", "unit")
              .order_by("unit__sort_order", "unit__code", "post", "cadre_id"))
    team_rows = [[t.unit.code, t.unit.name, _num(t.performance_score), _num(t.democratic_score), _num(t.score),
                  t.get_grade_display() or "未定等次", "；".join(t.reasons)] for t in teams]
    cadre_rows = [[c.unit.name, c.cadre.name, c.title, "主要领导" if c.post == "main" else "班子成员", _num(c.unit_score),
                   _num(c.keytask_score), _num(c.democratic_score), _num(c.score), c.get_computed_grade_display() or "未定等次",
                   c.get_grade_display() or "未定等次", c.calibration_reason, "；".join(c.reasons)] for c in cadres]
    log.record("cadre.assessments_exported", None, user=request.user, object_repr=f"{cycle.year}年度班子和干部考核",
               after={"cycle": cycle.year, "teams": len(team_rows), "cadres": len(cadre_rows)})
    return download_workbook([
        Sheet("领导班子", ["单位编码", "单位", "单位绩效(百分制)", "民主测评", "综合得分", "等次", "定等理由"], team_rows),
        Sheet("领导干部", ["单位", "姓名", "职务", "岗位类别", "单位绩效(百分制)", "分管重点工作", "民主测评", "综合得分",
                       "计算等次", "确定等次", "校准理由", "定等理由"], cadre_rows),
    ], f"{cycle.year}年度班子和干部考核结果.xlsx")


def _num(value):
    """A score as an Excel number (xlsxwriter writes a Decimal as text)."""
    return None if value is None else float(value)


# --- Rules --------------------------------------------------------------------------------------------------


@login_required
def rules(request):
    access.require_manage(request.user)
    cycle = _cycle_or_404(request)
    row = compute.rules_of(cycle)
    form = RulesForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in actions.RULE_FIELDS}
        try:
            actions.save_rules(cycle, values, by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.rules_refused", None, exc, form=form, cycle=cycle.year)
        else:
            messages.success(request, "已保存本年度班子和干部考核办法。")
            return _back("cadres:index", cycle)
    status = 422 if request.method == "POST" else 200
    return render(request, "cadres/rules.html", {"cycle": cycle, "form": form,
                                                 "team_thresholds": grading.TEAM_THRESHOLDS,
                                                 "cadre_thresholds": grading.CADRE_THRESHOLDS,
                                                 "team_labels": grading.TEAM_LABELS,
                                                 "cadre_labels": grading.CADRE_LABELS}, status=status)


# --- Calibration --------------------------------------------------------------------------------------------


@login_required
def calibrate(request, pk):
    access.require_manage(request.user)
    assessment = get_object_or_404(CadreAssessment.objects.select_related("cadre", "unit", "cycle"), pk=pk)
    form = CalibrationForm(request.POST or None, initial={"grade": assessment.grade})
    if request.method == "POST" and form.is_valid():
        try:
            actions.calibrate(assessment, grade=form.cleaned_data["grade"], reason=form.cleaned_data["reason"],
                              by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.calibrate_refused", assessment, exc, form=form)
        else:
            messages.success(request, f"已校准 {assessment.cadre.name} 的等次。")
            return _back("cadres:index", assessment.cycle)
    status = 422 if request.method == "POST" else 200
    return render(request, "cadres/calibrate.html", {"a": assessment, "cycle": assessment.cycle, "form": form},
                  status=status)


# --- Democratic results from paper ballots ------------------------------------------------------------------


@login_required
def democratic(request):
    access.require_manage(request.user)
    pick = _pick(request)
    results = []
    if pick.cycle is not None:
        results = list(DemocraticResult.objects.filter(cycle=pick.cycle).select_related("unit", "cadre")
                       .order_by("unit__sort_order", "unit__code", "cadre_id"))
    return render(request, "cadres/democratic.html", {"pick": pick, "cycle": pick.cycle, "results": results,
                                                      "form": ImportForm()})


@login_required
def democratic_template(request):
    import io

    access.require_manage(request.user)
    cycle = _cycle_or_404(request)
    buffer = io.BytesIO()
    ballots.write_template(buffer, cycle)
    return download(buffer.getvalue(), f"{cycle.year}年度民主测评结果模板.xlsx")


@login_required
@require_POST
def democratic_import(request):
    access.require_manage(request.user)
    cycle = _cycle_or_404(request)
    form = ImportForm(request.POST, request.FILES)
    context = {"pick": _pick(request), "cycle": cycle, "form": form,
               "results": DemocraticResult.objects.filter(cycle=cycle).select_related("unit", "cadre")}
    if not form.is_valid():
        return render(request, "cadres/democratic.html", context, status=422)
    upload = form.cleaned_data["file"]
    try:
        rows = ballots.read(upload, settings.UPLOAD_MAX_BYTES, cycle)
        count = actions.import_democratic(cycle, rows, by=request.user, file_name=upload.name)
    except WorkbookError as exc:
        record_refusal("cadre.democratic_import_refused", None, user=request.user, error=exc, file_name=upload.name)
        return render(request, "cadres/democratic.html", {**context, "error": exc}, status=422)
    except ValidationError as exc:
        refusals.refuse(request, "cadre.democratic_import_refused", None, exc, form=form, file=upload.name[-100:])
        return render(request, "cadres/democratic.html", context, status=422)
    messages.success(request, f"已导入 {count} 条民主测评结果。")
    return _back("cadres:democratic", cycle)


# --- Work reports -------------------------------------------------------------------------------------------


def _report_form(cycle, data=None, files=None):
    results = compute.final_results(cycle)
    units = sorted({r.unit_id: r.unit for r in results.values()}.values(), key=lambda u: (u.sort_order, u.code))
    return ReportForm(data, files, units=units, cadres=compute.cadres_of(cycle, [u.pk for u in units]))


@login_required
def reports(request):
    access.require_manage(request.user)
    pick = _pick(request)
    context = {"pick": pick, "cycle": pick.cycle, "reports": [], "form": None}
    if pick.cycle is not None:
        context.update(form=_report_form(pick.cycle), reports=WorkReport.objects.filter(cycle=pick.cycle)
                       .select_related("unit", "cadre", "uploaded_by").order_by("unit__sort_order", "unit__code",
                                                                               "cadre_id", "-uploaded_at"))
    return render(request, "cadres/reports.html", context)


@login_required
@require_POST
def report_upload(request):
    access.require_manage(request.user)
    cycle = _cycle_or_404(request)
    form = _report_form(cycle, request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.upload_report(cycle, unit=form.cleaned_data["unit"], cadre=form.cleaned_data["cadre"],
                                  upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.report_refused", None, exc, form=form, cycle=cycle.year)
        else:
            messages.success(request, "已上传述职报告。")
            return _back("cadres:reports", cycle)
    reports_ = WorkReport.objects.filter(cycle=cycle).select_related("unit", "cadre", "uploaded_by")
    return render(request, "cadres/reports.html", {"pick": _pick(request), "cycle": cycle, "form": form,
                                                   "reports": reports_}, status=422)


@login_required
def report_download(request, pk):
    access.require_read(request.user)
    report = get_object_or_404(WorkReport, pk=pk)
    log.record("cadre.report_downloaded", report, user=request.user, after={"file": report.original_name})
    return download(report.file.open("rb"), report.original_name)
