"""领导下钻: district → group → unit → indicator → the reported value and its evidence, each table with its export.

The district and group levels are for the office and leaders (analysis.view). The unit and indicator levels are
also for a unit's own people (analysis.view_own), for their own unit only: another unit's id answers 404. Scores
are read from the runs the reader may see (`access.visible_runs`); a leader sees a value that is not verified yet
only after choosing “查看含未核定的全部数据” (?all=1), as on the reporting pages (`hidden_from_leader`).
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.analysis import drill
from jixiao.indicators.models import GRADE_ORDER, Grade, Indicator, Target
from jixiao.lib.excel import Sheet
from jixiao.lib.responses import download_workbook
from jixiao.org.models import Group, Unit
from jixiao.reporting.views.shared import hidden_from_leader
from jixiao.results.result_views import results_pick

NO_DATA = "暂无数据"


def _unit(request, pk) -> Unit:
    """The unit of a unit-level page: any unit for the office and leaders; one's own for a unit's people (404 for
    another's); 403 for a role that reads neither."""
    user = request.user
    if access.can(user, "analysis.view"):
        return get_object_or_404(Unit, pk=pk)
    if not access.can(user, "analysis.view_own"):
        raise PermissionDenied("您当前的角色无权执行此操作")
    return access.get_for_user(user, Unit, pk, "analysis.view_own")


def _cycle(request, *, export=False):
    """?cycle=YEAR, else the latest cycle with results the reader may see (the result pages' picker): the drill
    opens where there is something to drill into."""
    pick = results_pick(request, strict=export)
    if export and pick.cycle is None:
        raise Http404("尚未设立考核年度。")
    return pick


def sheet_name(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\ (an indicator may be “A/B”)."""
    return re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "Sheet1"


def _number(value):
    return None if value is None else float(value)


def _local(moment):
    return timezone.localtime(moment) if moment else None


# --- District ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def district_page(request):
    access.require(request.user, "analysis.view")
    pick = _cycle(request)
    groups = drill.district(pick.cycle, access.visible_runs(request.user)) if pick.cycle else []
    return render(request, "analysis/drill_district.html", {"pick": pick, "cycle": pick.cycle, "groups": groups,
                                                            "grade_labels": [Grade(g).label for g in GRADE_ORDER]})


def district_sheet(groups) -> Sheet:
    header = ["考核方案", "组别", "组内单位数", "有考核结果单位数", "最高分", "中位数", "平均分", "最低分",
              *[f"{Grade(g).label}（个）" for g in GRADE_ORDER], "结果批次"]
    rows = [[g.scheme_name, g.group.name, g.members, g.size, _number(g.highest), _number(g.median and round(g.median, 2)),
             _number(g.mean and round(g.mean, 2)), _number(g.lowest), *[c["count"] for c in g.grades],
             g.run_label or NO_DATA] for g in groups]
    return Sheet("全区各组别", header, rows)


@login_required
@require_GET
def district_export(request):
    access.require(request.user, "analysis.view")
    cycle = _cycle(request, export=True).cycle
    groups = drill.district(cycle, access.visible_runs(request.user))
    return download_workbook([district_sheet(groups)], f"{cycle.year}年度全区考核结果分布.xlsx")


# --- Group ---------------------------------------------------------------------------------------------------


def _group(request, pk):
    access.require(request.user, "analysis.view")
    group = get_object_or_404(Group.objects.select_related("cycle"), pk=pk)
    return group, drill.group_table(group, access.visible_runs(request.user))


@login_required
@require_GET
def group_page(request, pk):
    group, table = _group(request, pk)
    return render(request, "analysis/drill_group.html", {"group": group, "cycle": group.cycle, "table": table})


def group_sheet(table) -> Sheet:
    header = ["名次", "单位编码", "单位", *[f"{b.name}（{b.weight.normalize():f}分）" for b in table.blocks],
              "加减分", "总分", "等次", "一票否决", "说明"]
    rows = [[r.rank, r.unit.code, r.unit.name, *[_number(s) for s in r.block_scores], _number(r.adjustment_total),
             _number(r.total), r.get_grade_display(), "是" if r.vetoes else "", ""] for r in table.rows]
    blanks = [None] * (len(table.blocks) + 4)
    rows += [[None, u.code, u.name, *blanks, "暂无考核结果"] for u in table.missing]
    return Sheet(sheet_name(table.group.name), header, rows)


@login_required
@require_GET
def group_export(request, pk):
    group, table = _group(request, pk)
    return download_workbook([group_sheet(table)], f"{group.cycle.year}年度{group.name}单位排名.xlsx")


# --- Unit ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def unit_page(request, pk):
    unit = _unit(request, pk)
    pick = _cycle(request)
    lines = drill.unit_lines(pick.cycle, unit, access.visible_runs(request.user)) if pick.cycle else []
    return render(request, "analysis/drill_unit.html", {
        "pick": pick, "cycle": pick.cycle, "unit": unit, "lines": lines, "groups": _groups_of(lines),
        "district_wide": access.can(request.user, "analysis.view")})


@login_required
@require_GET
def my_unit(request):
    """A unit's own people enter the drill at their own unit (the year chosen is kept)."""
    access.require(request.user, "analysis.view_own")
    address = reverse("analysis:drill_unit", args=[access.current_membership(request.user).unit_id])
    return redirect(f"{address}?{request.GET.urlencode()}" if request.GET else address)


def _groups_of(lines) -> list:
    """The unit's groups of the cycle, once each, for the breadcrumb back to a group."""
    seen = {}
    for line in lines:
        seen.setdefault(line.item.group_id, line.item.group)
    return list(seen.values())


def unit_sheet(unit, lines) -> Sheet:
    header = ["指标编码", "指标", "考核组别", "板块", "年度目标", "计量单位", "最新已核定值", "数据期次", "数据说明",
              "完成率（%）", "序时进度", "得分", "满分", "组内得分排名", "组内计分单位数"]
    rows = []
    for line in lines:
        pace = line.pace.pace if line.pace else None
        rows.append([line.indicator.code, line.indicator.name, line.item.group.name, line.item.block.name,
                     line.target, line.indicator.measure_unit, _number(line.value.number),
                     line.value.period_label if line.value.number is not None else "", line.value.note,
                     None if pace is None or pace.completion is None else round(float(pace.completion) * 100, 1),
                     pace.label if pace else "无年度数值目标", _number(line.points),
                     _number(line.max_points and round(line.max_points, 2)), line.rank, line.ranked or None])
    return Sheet(sheet_name(unit.name), header, rows)


@login_required
@require_GET
def unit_export(request, pk):
    unit = _unit(request, pk)
    cycle = _cycle(request, export=True).cycle
    lines = drill.unit_lines(cycle, unit, access.visible_runs(request.user))
    return download_workbook([unit_sheet(unit, lines)], f"{unit.name}{cycle.year}年度指标完成情况.xlsx")


# --- Indicator -----------------------------------------------------------------------------------------------


def _values(request, unit, indicator, cycle) -> list:
    """The unit's values with what the reader may see of each: `hidden` (a leader and an unverified value) and
    `links` ((file, download URL or "")); an assessor unit downloads only the files of the items it owns."""
    suffix = "?all=1" if request.GET.get("all") == "1" else ""
    assessor = access.can(request.user, "reporting.verify")
    reads = access.can(request.user, "reporting.view")
    values = drill.values_of(cycle, unit, indicator)
    for value in values:
        value.hidden = hidden_from_leader(request, value)
        sub = value.submission
        value.names = {"entered": _who(value.entered_by), "sent": _who(sub.submitted_by),
                       "approved": _who(sub.approved_by), "verified": _who(value.verified_by)}
        may = not value.hidden and (access.assesses(request.user, value.item) if assessor else reads)
        value.links = [(f, reverse("reporting:evidence", args=[f.pk]) + suffix if may else "") for f in value.files]
    return values


def _indicator(request, pk, indicator_pk, *, export=False):
    unit = _unit(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk)
    pick = _cycle(request, export=export)
    return unit, indicator, pick


@login_required
@require_GET
def indicator_page(request, pk, indicator_pk):
    unit, indicator, pick = _indicator(request, pk, indicator_pk)
    context = {"pick": pick, "cycle": pick.cycle, "unit": unit, "indicator": indicator, "values": [],
               "district_wide": access.can(request.user, "analysis.view"),
               "is_leader": access.role_of(request.user) == Role.LEADER, "show_all": request.GET.get("all") == "1"}
    if pick.cycle is not None:
        line, label = drill.line_of(pick.cycle, unit, indicator, access.visible_runs(request.user))
        context.update(values=_values(request, unit, indicator, pick.cycle), line=line, run_label=label,
                       target=Target.objects.filter(cycle=pick.cycle, unit=unit, indicator=indicator).first(),
                       group=line.result.group if line else None)
    return render(request, "analysis/drill_indicator.html", context)


def _who(user) -> str:
    return (user.full_name or user.username) if user else ""


def indicator_sheet(indicator, values) -> Sheet:
    header = ["期次", "数值", "文字情况", "计量单位", "报件状态", "填报人", "首次填报时间", "报送人", "报送时间",
              "审核人", "审核时间", "核定人", "核定时间", "佐证材料"]
    rows = []
    for v in values:
        sub = v.submission
        number = "未核定，不显示" if v.hidden else _number(v.number)
        rows.append([sub.period.label, number, "" if v.hidden else v.text, indicator.measure_unit,
                     sub.get_status_display(), v.names["entered"], _local(v.entered_at), v.names["sent"],
                     _local(sub.submitted_at), v.names["approved"], _local(sub.approved_at), v.names["verified"],
                     _local(v.verified_at), "" if v.hidden else "、".join(f.original_name for f in v.files)])
    return Sheet(sheet_name(indicator.name), header, rows)


@login_required
@require_GET
def indicator_export(request, pk, indicator_pk):
    unit, indicator, pick = _indicator(request, pk, indicator_pk, export=True)
    values = _values(request, unit, indicator, pick.cycle)
    return download_workbook([indicator_sheet(indicator, values)],
                             f"{unit.name}{pick.cycle.year}年度{indicator.name}报送记录.xlsx")


urlpatterns = [
    path("drill/", district_page, name="drill"),
    path("drill/export/", district_export, name="drill_export"),
    path("drill/group/<int:pk>/", group_page, name="drill_group"),
    path("drill/group/<int:pk>/export/", group_export, name="drill_group_export"),
    path("drill/mine/", my_unit, name="drill_mine"),
    path("drill/unit/<int:pk>/", unit_page, name="drill_unit"),
    path("drill/unit/<int:pk>/export/", unit_export, name="drill_unit_export"),
    path("drill/unit/<int:pk>/indicator/<int:indicator_pk>/", indicator_page, name="drill_indicator"),
    path("drill/unit/<int:pk>/indicator/<int:indicator_pk>/export/", indicator_export,
         name="drill_indicator_export"),
]
