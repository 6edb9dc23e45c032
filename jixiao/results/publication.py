"""What the public may read: published results and the rectification items marked for disclosure.

A citizen reads a disclosed item in plain words. The office's own text of a lost-points item carries the scoring
engine's formula (“…系数 0.6；定性评级 20.00 × 0.6，得 12.00 分”), which helps the office and means nothing to a
resident; so the public sentence is written here from the item's score line in a published run — which indicator,
how many points of how many, and why in everyday words — never copied from the office's text.
"""

from decimal import ROUND_HALF_UP, Decimal

from jixiao.accounts import access
from jixiao.lib import cycles
from jixiao.org.models import Cycle
from jixiao.results.models import Rectification, RectificationSource, RectificationStatus
from jixiao.scoring.types import MISSING

PUBLIC_LIMIT = 300
LINE_PREFIX = "ScoreLine:"  # the reference of a lost-points item: ScoreLine:<unit id>:<scheme item id>

# Why a line lost points, by its scoring rule, as a resident would say it.
PLAIN_REASONS = {
    "completion_ratio": "年度目标没有全部完成",
    "reverse_control": "控制性指标超出了年度控制目标",
    "all_or_nothing": "没有达到考核标准",
    "rank_based": "在同组单位中排名靠后",
    "relative_to_best": "与同组最好水平还有差距",
    "efficacy_coefficient": "完成情况低于同组较好水平",
    "step_deduction": "与年度目标还有差距",
    "per_event_deduction": "发生了需要扣分的事项",
    "growth_vs_baseline": "增长没有达到预期",
    "milestone_prorate": "部分阶段性任务没有按期完成",
    "qualitative_grade": "工作成效评价没有达到最高等级",
    "manual": "考核责任单位评定时扣了分",
}
MISSING_REASON = "没有按时报送考核数据"
GENERAL_REASON = "没有达到考核要求"
NO_MEASURES = {
    RectificationStatus.OPEN: "整改措施正在制定中。",
}


def public_context(request) -> dict:
    """The public page's data for the cycle of the shared picker, among the years with anything public."""
    years = set(Rectification.objects.disclosed().values_list("cycle__year", flat=True)) | published_years()
    pick = cycles.pick(request, cycles=Cycle.objects.filter(year__in=years))
    cycle = pick.cycle
    disclosed = list(Rectification.objects.disclosed().filter(cycle=cycle).select_related("unit")
                     .order_by("unit__sort_order", "unit__code", "id")[:PUBLIC_LIMIT]) if cycle else []
    return {"pick": pick, "cycle": cycle, "disclosed": in_plain_words(disclosed, cycle),
            "groups": published_groups(cycle)}


def published_years() -> set:
    return set(access.visible_runs(access.PUBLIC).values_list("cycle__year", flat=True))


def published_groups(cycle) -> list:
    """Only published runs: rank, unit, score and grade label per group."""
    from jixiao.results import queries

    if cycle is None:
        return []
    groups = queries.by_group(queries.results_of(queries.official_runs(cycle, access.visible_runs(access.PUBLIC))))
    return [{"name": g["name"], "rows": [{"rank": r.rank, "unit": r.unit.name, "total": r.total,
                                          "grade": r.get_grade_display()} for r in g["rows"]]} for g in groups]


# --- Plain words -------------------------------------------------------------------------------------------


def in_plain_words(items: list, cycle) -> list:
    """Give each disclosed item `public_problem` and `public_measures`, the sentences the public page shows.

    Two queries whatever the number of items: the score lines of the cycle's published runs, and the names of
    the indicators whose line is not public."""
    lines = _published_lines(cycle, [i for i in items if i.source == RectificationSource.LOST_POINTS])
    names = _indicator_names([key for i in items if (key := _line_key(i)) and key not in lines])
    for item in items:
        key = _line_key(item)
        if key in lines:
            item.public_problem = lost_points_sentence(lines[key])
        elif key:
            item.public_problem = f"“{names.get(key[1], '该项指标')}”{GENERAL_REASON}，需要整改。"
        else:
            item.public_problem = item.problem
        item.public_measures = item.measures or NO_MEASURES.get(item.status, "")
    return items


def lost_points_sentence(line) -> str:
    """A score line that lost points, for a resident: “城乡居民收入”满分 20 分，得 12 分，失 8 分，原因是工作成效评价…。"""
    reason = MISSING_REASON if line.status == MISSING else PLAIN_REASONS.get(line.rule, GENERAL_REASON)
    return (f"“{line.name}”满分 {points(line.max_points)} 分，得 {points(line.points)} 分，"
            f"失 {points(line.lost)} 分，原因是{reason}。")


def points(value) -> str:
    """Points as a person writes them: 8, 7.5, 12.25 (two decimals at most, no trailing zeros)."""
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _line_key(item) -> tuple[int, int] | None:
    """(unit id, scheme item id) of a lost-points item, from its reference; None for other items."""
    if item.source != RectificationSource.LOST_POINTS or not item.reference.startswith(LINE_PREFIX):
        return None
    unit_id, _, item_id = item.reference.removeprefix(LINE_PREFIX).partition(":")
    return (int(unit_id), int(item_id)) if unit_id.isdigit() and item_id.isdigit() else None


def _published_lines(cycle, items) -> dict:
    """The score lines of `items` in the cycle's published runs, by (unit id, scheme item id)."""
    from jixiao.results import queries
    from jixiao.scoring.models import ScoreLine

    keys = {key for item in items if (key := _line_key(item))}
    if not keys:
        return {}
    runs = queries.official_runs(cycle, published_only=True)
    found = ScoreLine.objects.filter(run__in=runs, unit_id__in={u for u, _ in keys}, item_id__in={i for _, i in keys})
    return {(line.unit_id, line.item_id): line for line in found if (line.unit_id, line.item_id) in keys}


def _indicator_names(keys) -> dict:
    from jixiao.indicators.models import SchemeItem

    if not keys:
        return {}
    return dict(SchemeItem.objects.filter(pk__in={i for _, i in keys}).values_list("pk", "indicator__name"))
