"""What the public may read: published results and the rectification items marked for disclosure."""

from jixiao.accounts import access
from jixiao.org.models import Cycle
from jixiao.results.models import Rectification

PUBLIC_LIMIT = 300


def public_context(year: str) -> dict:
    """The public page's data for a cycle (the latest with anything public when `year` is not given)."""
    years = sorted(set(Rectification.objects.disclosed().values_list("cycle__year", flat=True)) | published_years(),
                   reverse=True)
    chosen = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
    cycle = Cycle.objects.filter(year=chosen).first() if chosen else None
    disclosed = list(Rectification.objects.disclosed().filter(cycle=cycle).select_related("unit")
                     .order_by("unit__sort_order", "unit__code", "id")[:PUBLIC_LIMIT]) if cycle else []
    return {"years": years, "cycle": cycle, "disclosed": disclosed, "groups": published_groups(cycle)}


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
