"""The shape rules of the unit tree, shared by forms, actions and the unit workbook. No queries here."""

from jixiao.org.models import ALLOWED_PARENT_KINDS, UnitKind

# Kinds that may stand at the top of a tree (a district runs its own scheme; a city sits above districts).
ROOT_KINDS = frozenset({UnitKind.CITY, UnitKind.DISTRICT})
KIND_ORDER = {kind: i for i, kind in enumerate(
    [UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEPARTMENT, UnitKind.BUREAU, UnitKind.STREET, UnitKind.PARK,
     UnitKind.VILLAGE])}
FORMULA_PREFIXES = ("=", "+", "-", "@")


def kind_label(kind: str) -> str:
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind


def parent_problem(kind: str, parent_kind: str | None) -> str | None:
    """Why a unit of `kind` may not sit under a parent of `parent_kind` (None: no parent), or None if it may."""
    if parent_kind is None:
        if kind in ROOT_KINDS:
            return None
        return f"“{kind_label(kind)}”类单位必须有上级单位"
    allowed = ALLOWED_PARENT_KINDS.get(kind, set())
    if parent_kind in allowed:
        return None
    if not allowed:
        return f"“{kind_label(kind)}”类单位不能有上级单位"
    names = "、".join(kind_label(k) for k in sorted(allowed, key=KIND_ORDER.get))
    return f"“{kind_label(kind)}”类单位的上级只能是{names}，不能是“{kind_label(parent_kind)}”"


def loop_path(start: str, parent_of: dict) -> list | None:
    """Follow parents from `start`; return the keys of the loop if the walk comes back on itself."""
    seen: dict = {}  # key -> its place on the walk (a dict: a list's `in` made a long chain quadratic)
    path: list = []
    node = start
    while node is not None:
        if node in seen:
            return path[seen[node]:] + [node]
        seen[node] = len(path)
        path.append(node)
        node = parent_of.get(node)
    return None


def loops(parent_of: dict) -> dict:
    """`loop_path` of every key at once, in time linear in the keys: key -> its loop, for the keys on a loop or
    leading into one (a workbook of thousands of units checks each row; a walk per row is quadratic on a chain)."""
    found: dict = {}
    done: set = set()
    for start in parent_of:
        seen: dict = {}
        path: list = []
        node = start
        while node is not None and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = parent_of.get(node)
        if node is not None and node in seen:  # this walk closes a new loop
            cycle = path[seen[node]:]
            for i, member in enumerate(cycle):
                found[member] = cycle[i:] + cycle[:i] + [member]
            path = path[:seen[node]]
        if node is not None and node in found:  # the rest of the walk leads into that loop
            for key in path:
                found[key] = found[node]
        done.update(seen)
    return found


def formula_problem(text: str) -> str | None:
    """Names are shown in exports and documents: refuse text a spreadsheet would run as a formula."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "不能以 = + - @ 开头（可能被电子表格当作公式执行）"
    return None
