"""数据质量预警 pages: the flagged figures of a period (office, leaders, and an assessor for its own indicators),
their Excel export, and the office's thresholds."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.accounts import access
from jixiao.analysis import quality, quality_actions, quality_queries
from jixiao.analysis.quality_forms import QualityRuleForm
from jixiao.analysis.views import rules
from jixiao.lib import cycles
from jixiao.lib.excel import Sheet
from jixiao.lib.responses import download_workbook
from jixiao.reporting.due import items_for_assessor


def _period(request, periods):
    """?period=<id> among `periods`, else the latest of them; None when there is none (404 for a foreign id)."""
    asked = (request.GET.get("period") or "").strip()
    if not asked:
        return periods[-1] if periods else None
    found = next((p for p in periods if str(p.pk) == asked), None)
    if found is None:
        raise Http404("该考核年度没有这个报送期，或该期尚无报送数据。")
    return found


def _indicators(request, period):
    """The indicators whose flags the user reads: all for the office and leaders, its own for an assessor."""
    if access.can(request.user, "analysis.view"):
        return None
    return [item.indicator_id for item in items_for_assessor(period, access.current_membership(request.user).unit)]


def _flags(request, period):
    return quality_queries.flags(period, indicator_ids=_indicators(request, period),
                                 rule=quality_queries.rule_for(period.cycle))


@login_required
@require_GET
def quality_list(request):
    access.require(request.user, "analysis.quality")
    pick = cycles.pick(request)
    context = {"pick": pick, "cycle": pick.cycle, "can_manage": access.can(request.user, "analysis.manage")}
    if pick.cycle is not None:
        periods = quality_queries.periods_with_figures(pick.cycle)
        period = _period(request, periods)
        context.update(periods=periods, period=period, rule=quality_queries.rule_for(pick.cycle),
                       years=quality.HISTORY_YEARS)
        if period is not None:
            context["flags"], context["tested"] = _flags(request, period)
    return render(request, "analysis/quality.html", context)


HEADER = ["单位", "指标编码", "指标名称", "报送期", "数值", "计量单位", "报件状态", "核定", "预警原因", "未检验说明"]


@login_required
@require_GET
def quality_export(request):
    access.require(request.user, "analysis.quality")
    cycle = cycles.pick_or_404(request).cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    period = _period(request, quality_queries.periods_with_figures(cycle))
    if period is None:
        raise Http404("该考核年度尚无报送数据。")
    found, _tested = _flags(request, period)
    rows = [[f.value.unit.name, f.value.indicator.code, f.value.indicator.name, str(period), f.value.display,
             f.value.indicator.measure_unit,
             f.value.submission.get_status_display(), "已核定" if f.value.verified_at else "未核定",
             f.assessment.reason, f.assessment.notes] for f in found]
    return download_workbook([Sheet("数据质量预警", HEADER, rows)], f"{period}数据质量预警.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def quality_rule(request):
    return rules.edit(request, current_of=quality_queries.rule_for, form_class=QualityRuleForm,
                      fields=("threshold", "min_history", "min_peers"), set_rule=quality_actions.set_rule,
                      refused="cycle.quality_rule_refused", saved="数据质量预警规则",
                      template="analysis/quality_rule.html")


urlpatterns = [
    path("quality/", quality_list, name="quality"),
    path("quality/export/", quality_export, name="quality_export"),
    path("quality/rule/", quality_rule, name="quality_rule"),
]
