"""序时进度 pages: the district table (office, leaders), a unit's own, the office's thresholds, Excel exports."""

import datetime
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.accounts import access
from jixiao.analysis import pace, pace_actions, pace_queries
from jixiao.analysis.models import PaceRule
from jixiao.analysis.pace_forms import PaceRuleForm
from jixiao.analysis.views import rules
from jixiao.indicators.models import Indicator
from jixiao.lib import cycles
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.lib.responses import download
from jixiao.org.models import Unit

STATUSES = [(s, pace.LABELS[s]) for s in pace.ORDER]


def _number(params, name) -> int | None:
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def _day(request, cycle) -> datetime.date:
    """?day=YYYY-MM-DD within the cycle's year (a later day is the year end), else today or the year end."""
    latest = pace_queries.judged_on(cycle)
    try:
        asked = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return latest
    return min(max(asked, cycle.starts_on), cycle.ends_on + datetime.timedelta(days=1))


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {"status": status if status in pace.LABELS else "", "unit": _number(request.GET, "unit"),
            "indicator": _number(request.GET, "indicator")}


def _district(request, cycle, f: dict, day):
    """Rows of the district table after the unit and indicator filters; the counts; rows after the status one."""
    units = [f["unit"]] if f["unit"] else None
    found = pace_queries.rows(cycle, day, units=units)
    if f["indicator"]:
        found = [r for r in found if r.kind == pace_queries.INDICATOR and r.subject_id == f["indicator"]]
    counts = pace_queries.counts(found)
    return _by_status(found, f["status"]), counts


def _by_status(found, status: str):
    """The rows of one status; without one, every row but the 不适用 ones (they are counted, not listed)."""
    if status:
        return [r for r in found if r.pace.status == status]
    return [r for r in found if r.pace.status != pace.NOT_APPLICABLE]


@login_required
@require_GET
def pace_table(request):
    access.require(request.user, "analysis.view")
    pick = cycles.pick(request)
    context = {"pick": pick, "cycle": pick.cycle, "statuses": STATUSES, "f": _filters(request),
               "can_manage": access.can(request.user, "analysis.manage")}
    if pick.cycle is not None:
        day = _day(request, pick.cycle)
        rows, counts = _district(request, pick.cycle, context["f"], day)
        kept = request.GET.copy()
        kept.pop("status", None)
        context.update(day=day, rows=rows, counts=counts, rule=pace_queries.rule_for(pick.cycle),
                       filter_query=kept.urlencode(),
                       units=Unit.objects.without_villages().filter(valid_to__isnull=True)
                       .order_by("sort_order", "code"),
                       indicators=Indicator.objects.filter(targets__cycle=pick.cycle).distinct())
    return render(request, "analysis/pace.html", context)


@login_required
@require_GET
def pace_export(request):
    access.require(request.user, "analysis.view")
    cycle = _cycle_for_export(request)
    day = _day(request, cycle)
    rows, _ = _district(request, cycle, _filters(request), day)
    return _workbook(rows, f"{cycle.year}年度序时进度（截至{day:%Y-%m-%d}）.xlsx", day)


def _own(request):
    access.require(request.user, "analysis.view_own")
    return access.current_membership(request.user).unit


@login_required
@require_GET
def my_pace(request):
    unit = _own(request)
    pick = cycles.pick(request)
    context = {"pick": pick, "cycle": pick.cycle, "unit": unit}
    if pick.cycle is not None:
        day = _day(request, pick.cycle)
        found = pace_queries.rows(pick.cycle, day, units=[unit.pk])
        context.update(day=day, rows=_by_status(found, ""), counts=pace_queries.counts(found),
                       rule=pace_queries.rule_for(pick.cycle))
    return render(request, "analysis/pace_my.html", context)


@login_required
@require_GET
def my_pace_export(request):
    unit = _own(request)
    cycle = _cycle_for_export(request)
    day = _day(request, cycle)
    rows = _by_status(pace_queries.rows(cycle, day, units=[unit.pk]), "")
    return _workbook(rows, f"{unit.name}{cycle.year}年度序时进度（截至{day:%Y-%m-%d}）.xlsx", day)


def _cycle_for_export(request):
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    return cycle


HEADER = ["单位", "类型", "编码", "名称", "年度目标", "计量单位", "数据期次", "累计完成", "完成率(%)", "序时进度(%)",
          "状态", "差额", "说明", "判定日期"]


def _workbook(rows, file_name: str, day):
    data = [[r.unit.name, r.kind_label, r.code, r.name, r.target, r.measure_unit, r.period_label, r.pace.figure,
             _percent(r.pace.completion), _percent(r.pace.elapsed), r.pace.label,
             r.shortfall_text, r.pace.reason, day] for r in rows]
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("序时进度", HEADER, data)])
    return download(buffer.getvalue(), file_name)


def _percent(share):
    return None if share is None else round(share * 100, 1)


@login_required
@require_http_methods(["GET", "POST"])
def pace_rule(request):
    return rules.edit(request, current_of=lambda cycle: PaceRule.objects.filter(cycle=cycle).first()
                      or PaceRule(cycle=cycle), form_class=PaceRuleForm, fields=("on_pace_ratio", "ahead_ratio"),
                      set_rule=pace_actions.set_rule, refused="cycle.pace_rule_refused", saved="序时进度规则",
                      template="analysis/pace_rule.html")


urlpatterns = [
    path("pace/", pace_table, name="pace"),
    path("pace/export/", pace_export, name="pace_export"),
    path("pace/rule/", pace_rule, name="pace_rule"),
    path("my/pace/", my_pace, name="my_pace"),
    path("my/pace/export/", my_pace_export, name="my_pace_export"),
]
