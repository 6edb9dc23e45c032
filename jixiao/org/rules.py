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
    seen: list = []
    node = start
    while node is not None:
        if node in seen:
            return seen[seen.index(node):] + [node]
        seen.append(node)
        node = parent_of.get(node)
    return None


def formula_problem(text: str) -> str | None:
    """Names are shown in exports and documents: refuse text a spreadsheet would run as a formula."""
    if text and text.startswith(FORMULA_PREFIXES):
        return "不能以 = + - @ 开头（可能被电子表格当作公式执行）"
    return None
