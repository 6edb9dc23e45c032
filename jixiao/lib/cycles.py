"""The cycle picker (年度选择): which assessment year a cycle-scoped page opens on. One helper for every page.

A list scoped to a cycle must open where the user's work is, not on an empty year: B01's open rectification item
of 2025 is invisible on a page that opens on 2026. So every picker chooses the same way:

1. the year named by ``?cycle=YEAR`` (read from the query string, else from a POSTed ``cycle`` field);
2. else the latest cycle that holds the user's open work — the caller says what that is, as a queryset of rows
   with a ``cycle`` foreign key (``Rectification.objects.unfinished().for_units(...)``) or as a predicate on a
   cycle (``lambda cycle: cycle.year in scored_years``);
3. else the current cycle: the latest running one, else the latest of all.

A ``?cycle=`` that names no cycle (``abc``, ``0``, a primary key instead of a year, a year that does not exist)
never raises: the page falls back to rule 2 or 3 and ``CyclePick.notice`` says so in Chinese, for the template
``_cycle_picker.html`` to show. A download or a change (POST) must not quietly act on another year: those views
call ``pick_or_404``, which answers such a value with a 404 that names it.

Usage in a view::

    from jixiao.lib import cycles

    pick = cycles.pick(request, open_work=Rectification.objects.unfinished().for_units(units))
    items = Rectification.objects.filter(cycle=pick.cycle)            # pick.cycle may be None: no cycle at all
    return render(request, "x.html", {"pick": pick, "cycle": pick.cycle, ...})

and in its template ``{% include "_cycle_picker.html" %}`` (a whole GET form that keeps the page's other query
parameters) or, inside the page's own filter form, ``{% include "_cycle_picker.html" with field_only=True %}``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from jixiao.org.models import Cycle, CycleStatus

PARAM = "cycle"
# Query parameters a change of year must not carry over: the year itself and a page number of the old year's list.
NOT_KEPT = (PARAM, "page")

# Why the picker chose its cycle (`CyclePick.reason`).
REQUESTED, OPEN_WORK, CURRENT = "requested", "open_work", "current"


@dataclass(frozen=True)
class CyclePick:
    """The cycles to choose from (newest first), the one chosen, and why; what the picker template renders."""

    cycles: list
    cycle: Cycle | None
    reason: str  # REQUESTED, OPEN_WORK or CURRENT
    requested: str = ""  # the raw ?cycle= value, when one was given
    kept: list[tuple[str, str]] = field(default_factory=list)  # other query parameters, kept across a change of year
    work: str = "有未完成事项"  # what the open work is, for the notice: 有未完成整改事项, 有考核结果

    @property
    def invalid(self) -> bool:
        """A ?cycle= value was given but names no cycle."""
        return bool(self.requested) and self.reason != REQUESTED

    @property
    def notice(self) -> str:
        """What the page says about its choice: a bad ?cycle= value, or a year opened for its open work."""
        if self.cycle is None:
            return "尚未设立考核年度。"
        if self.invalid:
            return f"没有“{self.requested[:20]}”这个考核年度，已显示{self.cycle.year}年度。"
        if self.reason == OPEN_WORK and self.cycle.status != CycleStatus.RUNNING:
            return f"已打开{self.work}的最近年度：{self.cycle.year}年度；可在“考核年度”中切换。"
        return ""


def pick(request, *, open_work: QuerySet | Callable[[Cycle], bool] | None = None, work: str = CyclePick.work,
         cycles: Iterable[Cycle] | None = None) -> CyclePick:
    """Choose the cycle for `request` (see the module docstring); `work` names the open work in the notice
    ("有未完成整改事项"), `cycles` narrows the choice (default: all)."""
    cycles = list(cycles) if cycles is not None else list(Cycle.objects.order_by("-year"))
    cycles.sort(key=lambda c: c.year, reverse=True)
    requested = (request.GET.get(PARAM) or (request.POST.get(PARAM) if request.method == "POST" else "") or "").strip()
    kept = [(k, v) for k, values in request.GET.lists() if k not in NOT_KEPT for v in values]
    chosen = by_year(cycles, requested)
    if chosen is not None:
        return CyclePick(cycles, chosen, REQUESTED, requested, kept, work)
    chosen = latest_with_work(cycles, open_work)
    if chosen is not None:
        return CyclePick(cycles, chosen, OPEN_WORK, requested, kept, work)
    return CyclePick(cycles, current(cycles), CURRENT, requested, kept, work)


def pick_or_404(request, **kwargs) -> CyclePick:
    """`pick` for a download or a change: a ?cycle= that names no cycle is refused, never acted on in another year."""
    chosen = pick(request, **kwargs)
    if chosen.invalid:
        raise Http404(f"没有“{chosen.requested[:20]}”这个考核年度。")
    return chosen


def by_year(cycles: list, value: str) -> Cycle | None:
    """The cycle whose year is `value` (digits only), else None."""
    if not value.isdigit():
        return None
    return next((c for c in cycles if c.year == int(value)), None)


def latest_with_work(cycles: list, open_work) -> Cycle | None:
    """The newest of `cycles` that holds open work (one query for a queryset, none for a predicate)."""
    if open_work is None:
        return None
    if isinstance(open_work, QuerySet):
        ids = set(open_work.order_by().values_list("cycle_id", flat=True).distinct())
        return next((c for c in cycles if c.pk in ids), None)
    return next((c for c in cycles if open_work(c)), None)


def current(cycles: list) -> Cycle | None:
    """The latest running cycle, else the latest of all (`cycles` newest first)."""
    return next((c for c in cycles if c.status == CycleStatus.RUNNING), cycles[0] if cycles else None)
