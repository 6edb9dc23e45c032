"""The read APIs (读取接口): units, indicators, schemes and their targets, verified values, published results and the
comparisons of 横比 — each through the access rule and the queries of the page that shows the same thing.

A token reads as its membership (`auth.TokenAuth`): the action the page requires (`access.require`), the units the
page shows (`access.visible_units`), the runs it reads (`access.visible_runs`). A token limited to units
(`tokens.unit_ids`) narrows every list of unit data further to those units and everything below them; the indicator
library and the schemes are definitions of the district, not unit data, and are not narrowed.

Published results and the comparison of published totals are open data: without a token the caller reads exactly
what the public portal publishes (`access.visible_runs(access.PUBLIC)`), never more. Lists are paged by cursor
(`paging.py`); numbers are decimal strings, exactly as stored.
"""

import datetime
import re
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jixiao.accounts import access
from jixiao.analysis import compare, stats
from jixiao.analysis.management.commands.compare import record
from jixiao.api import exchange, paging, tokens
from jixiao.api.api import Problem
from jixiao.api.auth import optional_auth
from jixiao.indicators.models import (
    SINGLE_BOUND_DIRECTIONS,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeItem,
    Target,
)
from jixiao.org.models import Cycle, Unit
from jixiao.reporting.models import DONE, Value
from jixiao.scoring.models import RunStatus

router = Router(tags=["读取"])

ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
FORBIDDEN = "该令牌代表的角色无权读取此项数据。"
PERIOD = re.compile(r"^(\d{4})(M(?:0[1-9]|1[0-2])|Q[1-4]|H[12]|Y)$")


def number(value: Decimal | None) -> str | None:
    """A stored decimal as written: 120, 0.5, never 1.2E+2."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def require_any(user, *actions: str) -> None:
    """403 in Chinese unless the token's role may do one of `actions` (the pages' rule, accounts/access.py)."""
    if not any(access.can(user, action) for action in actions):
        raise HttpError(403, FORBIDDEN)


def token_units(request: HttpRequest) -> set[int] | None:
    """The units the request's token is limited to, or None: no limit of its own (or no token). Read once a
    request."""
    if not hasattr(request, "_api_unit_ids"):
        token = getattr(request, "api_token", None)
        request._api_unit_ids = tokens.unit_ids(token) if token is not None else None
    return request._api_unit_ids


def units_in_reach(request: HttpRequest):
    """The units whose data the token may read: its role's `visible_units`, narrowed to the token's units."""
    units = access.visible_units(request.user)
    limit = token_units(request)
    return units.filter(pk__in=limit) if limit is not None else units


class Paged(Schema):
    cursor: str | None = Field(None, description="上一页返回的 next；不填为第一页")
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT, description="每页条数，1–1000")


# --- Units ------------------------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_code: str | None
    is_assessor: bool
    valid_from: str
    valid_to: str | None


class UnitPage(Schema):
    items: list[UnitOut]
    next: str | None


def unit_row(unit: Unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "kind_label": unit.get_kind_display(), "parent_code": unit.parent.code if unit.parent else None,
            "is_assessor": unit.is_assessor, "valid_from": unit.valid_from.isoformat(),
            "valid_to": unit.valid_to.isoformat() if unit.valid_to else None}


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="单位：令牌可见的单位及其上级单位编码")
def units(request, q: Query[Paged]):
    require_any(request.user, "org.view", "org.view_own_unit")
    found = units_in_reach(request).select_related("parent")
    return paging.page(found, q.cursor, q.limit, unit_row)


# --- Indicators -------------------------------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    category: str
    category_label: str
    measure_unit: str
    direction: str
    direction_label: str
    frequency: str
    aggregation: str
    active: bool
    definition: str
    definition_from_year: int | None
    data_source: str


class IndicatorPage(Schema):
    items: list[IndicatorOut]
    next: str | None


def indicator_row(indicator: Indicator) -> dict:
    latest = next(iter(indicator.versions.all()), None)
    return {"id": indicator.pk, "code": indicator.code, "name": indicator.name, "category": indicator.category,
            "category_label": indicator.get_category_display(), "measure_unit": indicator.measure_unit,
            "direction": indicator.direction, "direction_label": indicator.get_direction_display(),
            "frequency": indicator.frequency, "aggregation": indicator.aggregation, "active": indicator.active,
            "definition": latest.definition if latest else "",
            "definition_from_year": latest.valid_from_year if latest else None,
            "data_source": latest.data_source if latest else ""}


@router.get("/indicators", response={200: IndicatorPage, **ERRORS},
            summary="指标库：指标编码、名称、类别、计量单位、方向及现行口径")
def indicators(request, q: Query[Paged]):
    require_any(request.user, "indicators.view")
    latest = IndicatorVersion.objects.order_by("-valid_from_year")  # as the library page reads it
    found = Indicator.objects.prefetch_related(Prefetch("versions", queryset=latest))
    return paging.page(found, q.cursor, q.limit, indicator_row)


# --- Schemes and targets ----------------------------------------------------------------------------------------


class SchemeOut(Schema):
    id: int
    cycle: int
    code: str
    name: str
    assessing_unit_code: str
    status: str
    total_points: str
    published_at: str | None


class SchemePage(Schema):
    items: list[SchemeOut]
    next: str | None


class SchemeFilter(Paged):
    cycle: int | None = None


def scheme_row(scheme: Scheme) -> dict:
    return {"id": scheme.pk, "cycle": scheme.cycle.year, "code": scheme.code, "name": scheme.name,
            "assessing_unit_code": scheme.assessing_unit.code, "status": scheme.status,
            "total_points": number(scheme.total_points), "published_at": when(scheme.published_at)}


@router.get("/schemes", response={200: SchemePage, **ERRORS}, summary="考核方案（可按年度筛选）")
def schemes(request, q: Query[SchemeFilter]):
    require_any(request.user, "indicators.view")
    found = Scheme.objects.with_parts()
    if q.cycle is not None:
        found = found.filter(cycle__year=q.cycle)
    return paging.page(found, q.cursor, q.limit, scheme_row)


class TargetOut(Schema):
    id: int
    cycle: int
    unit_code: str
    indicator_code: str
    target_value: str | None
    upper_value: str | None
    target_text: str
    baseline: str | None
    source: str
    parent_unit_code: str | None
    updated_at: str | None


class TargetPage(Schema):
    items: list[TargetOut]
    next: str | None


class TargetFilter(Paged):
    unit: str | None = None
    indicator: str | None = None


def target_row(target: Target) -> dict:
    return {"id": target.pk, "cycle": target.cycle.year, "unit_code": target.unit.code,
            "indicator_code": target.indicator.code, "target_value": number(target.target_value),
            "upper_value": number(target.upper_value), "target_text": target.target_text,
            "baseline": number(target.baseline), "source": target.source,
            "parent_unit_code": target.parent.unit.code if target.parent else None,
            "updated_at": when(target.updated_at)}


@router.get("/schemes/{scheme_id}/targets", response={200: TargetPage, **ERRORS},
            summary="方案的目标值：方案各考核组别单位在方案指标上的年度目标")
def scheme_targets(request, scheme_id: int, q: Query[TargetFilter]):
    require_any(request.user, "targets.view_all", "targets.view_own")
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise HttpError(404, "没有这个考核方案。")
    # A target of the scheme: its unit sits in the group of a scheme item of its indicator.
    in_scheme = SchemeItem.objects.filter(scheme=scheme, indicator=OuterRef("indicator"), group__units=OuterRef("unit"))
    found = Target.objects.for_table().filter(Exists(in_scheme), cycle_id=scheme.cycle_id)
    if not access.can(request.user, "targets.view_all") or token_units(request) is not None:
        found = found.filter(unit__in=units_in_reach(request))  # a unit reads its own targets (`targets.view_own`)
    if q.unit:
        found = found.filter(unit__code=q.unit)
    if q.indicator:
        found = found.filter(indicator__code=q.indicator)
    return paging.page(found, q.cursor, q.limit, target_row)


# --- Verified values --------------------------------------------------------------------------------------------


class ValueOut(Schema):
    id: int
    period: str
    unit_code: str
    indicator_code: str
    number: str | None
    text: str
    note: str
    verified_at: str | None
    updated_at: str | None


class ValuePage(Schema):
    items: list[ValueOut]
    next: str | None


class ValueFilter(Paged):
    cycle: int | None = None
    period: str | None = None
    unit: str | None = None
    indicator: str | None = None


def value_row(value: Value) -> dict:
    return {"id": value.pk, "period": f"{value.cycle.year}{value.submission.period.code}",
            "unit_code": value.unit.code, "indicator_code": value.indicator.code, "number": number(value.number),
            "text": value.text, "note": value.note, "verified_at": when(value.verified_at),
            "updated_at": when(value.updated_at)}


@router.get("/values", response={200: ValuePage, **ERRORS},
            summary="已核定数值：可按年度、期次（如 2026M07、2026Q2、2026H1、2026Y）、单位、指标筛选")
def values(request, q: Query[ValueFilter]):
    require_any(request.user, "reporting.view", "reporting.verify")
    # The values the caller's reporting pages show (the exchange's one rule: its units', an assessor unit's items
    # in any unit, within the token's units), verified (已核定 / 已锁定) and not changed since: what the leader's
    # pages and the comparisons read.
    found = exchange.visible_values(request.user, request.api_token)[0]
    found = found.filter(verified_at__isnull=False, submission__status__in=DONE)
    if q.cycle is not None:
        found = found.filter(cycle__year=q.cycle)
    if q.period:
        match = PERIOD.match(q.period)
        if match is None:
            raise HttpError(400, f"期次“{q.period[:20]}”无效：应为年度加期次代码，如 2026M07、2026Q2、2026H1、2026Y。")
        found = found.filter(cycle__year=int(match[1]), submission__period__code=match[2])
    if q.unit:
        found = found.filter(unit__code=q.unit)
    if q.indicator:
        found = found.filter(indicator__code=q.indicator)
    found = found.select_related("cycle", "unit", "indicator", "submission__period")
    return paging.page(found, q.cursor, q.limit, value_row)


# --- Published results ------------------------------------------------------------------------------------------


class ResultOut(Schema):
    id: int
    cycle: int
    scheme_code: str
    group_code: str
    group_name: str
    unit_code: str
    unit_name: str
    total: str
    rank: int
    group_size: int
    grade: str
    grade_label: str
    published_at: str | None


class ResultPage(Schema):
    items: list[ResultOut]
    next: str | None


class ResultFilter(Paged):
    cycle: int | None = None
    unit: str | None = None
    group: str | None = None


def published_results():
    """The results the public portal publishes: those of published runs, not superseded (portal/opendata.py)."""
    return access.visible_results(access.PUBLIC).exclude(run__status=RunStatus.SUPERSEDED)


def result_row(result) -> dict:
    return {"id": result.pk, "cycle": result.run.cycle.year, "scheme_code": result.run.scheme.code,
            "group_code": result.group.code, "group_name": result.group.name, "unit_code": result.unit.code,
            "unit_name": result.unit.name, "total": number(result.total), "rank": result.rank,
            "group_size": result.group_size, "grade": result.grade, "grade_label": result.get_grade_display(),
            "published_at": when(result.run.published_at)}


@router.get("/results", response={200: ResultPage, **ERRORS}, auth=optional_auth,
            summary="已公布的考核结果（无需令牌即可读取）：总分、组内名次、等次")
def results(request, q: Query[ResultFilter]):
    found = published_results()
    limit = token_units(request)
    if limit is not None:
        found = found.filter(unit_id__in=limit)
    if q.cycle is not None:
        found = found.filter(run__cycle__year=q.cycle)
    if q.unit:
        found = found.filter(unit__code=q.unit)
    if q.group:
        found = found.filter(group__code=q.group)
    found = found.select_related("run__cycle", "run__scheme", "group", "unit")
    return paging.page(found, q.cursor, q.limit, result_row)


# --- Comparisons (横比) ------------------------------------------------------------------------------------------

TOTAL = "total"
MEASURES = (compare.VALUE, compare.POINTS, TOTAL)


class ComparisonRow(Schema):
    unit: str
    unit_name: str
    value: str | None
    source: str
    rank: int | None
    group_size: int
    percentile: str | None
    quartile: int | None
    group_median: str | None
    mean: str | None
    z_score: str | None
    best_unit: list[str]
    gap: str | None
    previous_value: str | None
    change: str | None
    growth_percent: str | None


class ComparisonOut(Schema):
    cycle: int
    measure: str
    indicator: str | None
    indicator_name: str
    peer_set: str
    peer_set_name: str
    notes: list[str]
    units: list[ComparisonRow]


class ComparisonFilter(Schema):
    cycle: int
    indicator: str | None = None
    peers: str | None = None
    measure: str = compare.VALUE


@router.get("/comparisons", response={200: ComparisonOut, **ERRORS}, auth=optional_auth,
            summary="横比：一个年度一个指标在比较范围内各单位的名次、百分位、四分位、中位数、z 值、标杆与差距；"
                    "measure=total 为已公布总分的组内比较（无需令牌）")
def comparisons(request, q: Query[ComparisonFilter]):
    if q.measure not in MEASURES:
        raise HttpError(400, f"比较口径（measure）无效：可选 {'、'.join(MEASURES)}。")
    cycle = Cycle.objects.filter(year=q.cycle).first()
    if cycle is None:
        raise HttpError(404, f"没有 {q.cycle} 考核年度。")
    if q.measure == TOTAL:
        table = published_totals(cycle, q.peers)
    else:
        table = indicator_comparison(request, cycle, q.indicator, q.peers, q.measure)
    limit = token_units(request)
    rows = [record(table, row) for row in table.rows + table.missing if limit is None or row.unit.pk in limit]
    indicator = table.indicator
    return {"cycle": cycle.year, "measure": q.measure, "indicator": indicator.code if indicator else None,
            "indicator_name": indicator.name if indicator else "", "peer_set": table.peer_set.code,
            "peer_set_name": table.peer_set.name, "notes": list(table.notes), "units": rows}


def indicator_comparison(request, cycle, code: str | None, peers_code: str | None, measure: str) -> compare.Table:
    """The 横比纵比 page's table (analysis/views/compare.py), for the roles that page admits (`analysis.view`)."""
    if request.api_token is None:
        raise HttpError(401, "按指标数值或得分的比较须携带接口令牌；无令牌时可读取 measure=total（已公布总分）。")
    require_any(request.user, "analysis.view")
    indicator = Indicator.objects.filter(code=code or "").first()
    if indicator is None:
        raise HttpError(404, f"没有编码为“{(code or '')[:20]}”的指标。")
    if indicator.direction not in SINGLE_BOUND_DIRECTIONS:
        raise HttpError(400, f"指标 {indicator.code} 为{indicator.get_direction_display()}指标，没有可排名的单一数值。")
    peers = compare.peer_set(cycle, indicator, peers_code or "")
    if peers is None:
        raise HttpError(404, f"{cycle.year} 年度指标 {indicator.code} 没有编码为“{peers_code[:20]}”的比较范围。")
    if measure == compare.POINTS:
        return compare.score_table(cycle, indicator, peers, access.visible_runs(request.user))
    return compare.indicator_table(cycle, indicator, peers)


def published_totals(cycle, group_code: str | None) -> compare.Table:
    """One group's published totals (the portal's results table) placed against each other: rank, percentile,
    quartile, median, z and the gap to the best — figures computed only from what the portal publishes."""
    results = list(published_results().filter(run__cycle=cycle).select_related("unit", "group")
                   .order_by("group_order", "group__code", "rank", "unit__code"))
    codes = list(dict.fromkeys(r.group.code for r in results))
    code = group_code or (codes[0] if codes else "")
    chosen = [r for r in results if r.group.code == code]
    if not chosen:
        raise HttpError(404, f"{cycle.year} 年度没有已公布的考核组别“{code[:20]}”的结果。"
                             + (f"可选：{'、'.join(codes)}。" if codes else ""))
    group = chosen[0].group
    comparison = stats.compare({r.unit_id: r.total for r in chosen}, stats.HIGHER_BETTER)
    rows = [compare.Row(r.unit, compare.YearValue(r.total, note="已公布总分", full_year=True),
                        comparison.of(r.unit_id)) for r in chosen]
    rows.sort(key=lambda row: (row.standing.rank, row.unit.sort_order, row.unit.code))
    peers = compare.PeerSet(compare.SCHEME, group.code, group.name, frozenset(r.unit_id for r in chosen))
    return compare.Table(cycle, None, peers, TOTAL, comparison, rows, [], ["总分取已公布的考核结果。"])
