"""Cadre records and talks, publication, feedback letters and the unit results page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts import access
from jixiao.analysis import charts
from jixiao.audit import log
from jixiao.lib import cycles, refusals
from jixiao.lib.responses import download
from jixiao.org.models import Cadre, CadrePost, Cycle, Unit
from jixiao.results import actions, documents, queries
from jixiao.results.forms import DeadlineForm, TalkForm
from jixiao.results.models import CadreRecord, Commendation
from jixiao.scoring.models import ScoreResult

# --- Cadres -------------------------------------------------------------------------------------------


@login_required
def cadre_records(request):
    """The cycle's cadre records; `?talk=1` lists the main leaders of units graded 一般 or worse (组织谈话).
    Without ?cycle= it opens on the latest year that has records (the running year has none until its results)."""
    access.require(request.user, "results.cadres")
    talks_only = request.GET.get("talk") == "1"
    records = CadreRecord.objects.all()
    if talks_only:
        records = records.filter(post=CadrePost.MAIN_LEADER, grade__in=queries.AVERAGE_OR_WORSE)
    pick = cycles.pick(request, open_work=records.filter(talk__isnull=True) if talks_only else records,
                       work="有待谈话干部" if talks_only else "有干部实绩档案")
    records = (records.filter(cycle=pick.cycle).select_related("cadre", "unit", "talk")
               .order_by("unit__sort_order", "unit__code", "post", "id"))
    return render(request, "results/cadre_records.html", {
        "pick": pick, "cycle": pick.cycle, "records": list(records[:1000]), "talks_only": talks_only,
        "can_manage": access.can(request.user, "results.manage"), "form": TalkForm()})


@login_required
@require_POST
def cadre_records_write(request):
    access.require(request.user, "results.manage")
    cycle = results_pick(request, strict=True).cycle
    if cycle is None:
        raise Http404("没有考核年度")
    try:
        count = actions.record_cadres(cycle, by=request.user)
    except ValidationError as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"已写入 {count} 条干部实绩档案。")
    return redirect(f"{_url('results:cadre_records')}?cycle={cycle.year}")


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@login_required
@require_POST
def talk_record(request, pk):
    record = access.get_for_user(request.user, CadreRecord, pk, "results.manage",
                                 queryset=CadreRecord.objects.select_related("cycle", "cadre", "unit"))
    form = TalkForm(request.POST)
    back = f"{_url('results:cadre_records')}?cycle={record.cycle.year}&talk=1"
    if not form.is_valid():
        messages.error(request, "请完整填写谈话日期、谈话人和谈话要点。")
        return redirect(back)
    try:
        actions.record_talk(record, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        refusals.refuse(request, "cadre.talk_recorded", record, exc)
        return redirect(back)
    messages.success(request, "组织谈话已记录。")
    return redirect(back)


def _archive(cadre):
    return list(CadreRecord.objects.filter(cadre=cadre).select_related("cycle", "unit", "talk")
                .order_by("-cycle__year"))


@login_required
def cadre_archive(request, pk):
    cadre = access.get_for_user(request.user, Cadre, pk, "results.cadres",
                                queryset=Cadre.objects.select_related("unit"))
    return render(request, "results/cadre_archive.html", {"cadre": cadre, "records": _archive(cadre)})


@login_required
def cadre_archive_export(request, pk):
    """The archive as .xlsx; cadre data is personal, so every export is audited."""
    cadre = access.get_for_user(request.user, Cadre, pk, "results.cadres",
                                queryset=Cadre.objects.select_related("unit"))
    records = _archive(cadre)
    log.record("cadre.exported", cadre, after={"records": len(records)}, user=request.user)
    return download(documents.cadre_workbook(cadre, records), f"干部实绩档案-{cadre.name}.xlsx")


# --- Publication --------------------------------------------------------------------------------------


def results_pick(request, *, strict: bool = False) -> cycles.CyclePick:
    """The cycle of `?cycle=YEAR`, else the latest cycle with results the user may read; each cycle without any
    is marked 尚无结果 in the picker. `strict` for downloads and changes (`cycles.pick_or_404`)."""
    scored = queries.scored_years(access.visible_runs(request.user))
    choices = list(Cycle.objects.order_by("-year"))
    for cycle in choices:
        cycle.picker_note = "" if cycle.year in scored else "尚无结果"
    chooser = cycles.pick_or_404 if strict else cycles.pick
    return chooser(request, open_work=lambda cycle: cycle.year in scored, work="有考核结果", cycles=choices)


def _standing(request, cycle) -> list:
    """The cycle's standing run of each scheme among those the user may read."""
    return queries.official_runs(cycle, access.visible_runs(request.user)) if cycle else []


@login_required
def publication(request):
    """Internal publication page: the cycle's standing results by group, the 通报, the table and commendations."""
    access.require(request.user, "results.view")
    pick = results_pick(request)
    cycle = pick.cycle
    runs = _standing(request, cycle)
    return render(request, "results/publication.html", {
        "pick": pick, "cycle": cycle, "runs": runs, "groups": queries.by_group(queries.results_of(runs)),
        "commendations": list(Commendation.objects.filter(cycle=cycle).select_related("unit")),
        "can_manage": access.can(request.user, "results.manage")})


@login_required
def publication_bulletin(request):
    access.require(request.user, "results.view")
    cycle = results_pick(request, strict=True).cycle
    runs = _standing(request, cycle)
    if not runs:
        raise Http404("该年度尚无考核结果")
    return download(documents.bulletin(cycle, runs), f"{cycle.year}年度绩效考核结果通报.docx")


@login_required
def publication_workbook(request):
    access.require(request.user, "results.view")
    cycle = results_pick(request, strict=True).cycle
    runs = _standing(request, cycle)
    if not runs:
        raise Http404("该年度尚无考核结果")
    return download(documents.results_workbook(runs), f"{cycle.year}年度绩效考核结果.xlsx")


@login_required
@require_POST
def commend(request):
    access.require(request.user, "results.manage")
    cycle = cycles.pick_or_404(request).cycle
    done = 0
    for run in queries.official_runs(cycle, published_only=True) if cycle else []:
        try:
            done += actions.commend(run, by=request.user)
        except ValidationError as exc:
            refusals.show(request, exc)
    if cycle is not None and not queries.official_runs(cycle, published_only=True):
        messages.error(request, "该年度考核结果尚未发布，不能确定表彰名单。")
    elif done:
        messages.success(request, f"已确定 {done} 个表彰单位。")
    return redirect(f"{_url('results:publication')}?cycle={cycle.year if cycle else ''}")


# --- Feedback letters and the unit page ---------------------------------------------------------------


@login_required
def feedback_letter(request, pk):
    result = access.get_for_user(request.user, ScoreResult, pk, "results.unit", queryset=access.visible_results(
        request.user).select_related("unit", "group", "run__cycle"))
    return download(documents.feedback_letter(result), f"{result.run.cycle.year}年度绩效考核反馈函-{result.unit.name}.docx")


@login_required
@require_POST
def rectify_lost_points(request, pk):
    """Turn every lost point of a unit's result into a rectification item, due by the date given."""
    result = access.get_for_user(request.user, ScoreResult, pk, "results.manage", queryset=access.visible_results(
        request.user).select_related("unit", "run__cycle"))
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写整改时限。")
        return redirect(f"{_url('results:publication')}?cycle={result.run.cycle.year}")
    try:
        made = actions.from_lost_points(result, deadline=form.cleaned_data["deadline"], by=request.user)
    except ValidationError as exc:
        refusals.show(request, exc)
    else:
        messages.success(request, f"已交办 {len(made)} 项失分整改。")
    return redirect(f"{_url('results:publication')}?cycle={result.run.cycle.year}")


@login_required
def my_results(request):
    access.require(request.user, "results.own_unit")
    membership = access.current_membership(request.user)
    return redirect("results:unit_results", pk=membership.unit_id)


@login_required
def unit_results(request, pk):
    """A unit's results over all cycles, and per indicator against its group (横比) and its own past (纵比)."""
    unit = access.get_for_user(request.user, Unit, pk, "results.unit")
    history = queries.unit_history(unit, access.visible_runs(request.user))
    latest = history[-1] if history else None
    across = charts.across(latest) if latest else []
    over_time = charts.over_time(history)
    return render(request, "results/unit_results.html", {
        "unit": unit, "history": history, "latest": latest, "across": across, "over_time": over_time,
        "across_chart": charts.across_option(across), "trend_chart": charts.trend_option(history)})


