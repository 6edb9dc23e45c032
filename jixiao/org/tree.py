"""The unit tree, built in Python from one query so a page's query count does not grow with the units."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.org.models import Unit, UnitKind
from jixiao.org.rules import KIND_ORDER

TREE_FIELDS = ["id", "code", "name", "short_name", "kind", "parent_id", "is_assessor", "sort_order",
               "valid_from", "valid_to"]


@dataclass
class Node:
    unit: Unit
    depth: int = 0
    children: list[Node] = field(default_factory=list)
    match: bool = False


@dataclass
class Entry:
    """One line of the flattened tree, with plain values ready for the template (it renders thousands).

    `closes` says how many open branches end after this line.
    """

    node: Node
    has_children: bool
    open: bool
    closes: int = 0
    url: str = ""
    kind_label: str = ""
    retired_on: str = ""

    @property
    def close_range(self):
        return range(self.closes)


def sort_key(unit: Unit):
    return (KIND_ORDER.get(unit.kind, 99), unit.sort_order, unit.code)


def all_units():
    """Every unit, in one query, with only the fields a tree needs."""
    return list(Unit.objects.only(*TREE_FIELDS).order_by())


def build(units: list[Unit]) -> list[Node]:
    """Roots of the forest; a unit whose parent is missing from `units` becomes a root."""
    nodes = {u.pk: Node(u) for u in sorted(units, key=sort_key)}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent is not None else roots).append(node)
    _set_depth(roots, 0)
    return roots


def _set_depth(nodes: list[Node], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depth(node.children, depth + 1)


def walk(roots: list[Node]):
    """Depth-first, parents before children."""
    for node in roots:
        yield node
        yield from walk(node.children)


def prune(roots: list[Node], *, kind: str = "", query: str = "", show_retired: bool = False) -> list[Node]:
    """Keep units that match the filter, with their ancestors so each match stays in its place."""
    query = query.strip().lower()
    filtering = bool(kind or query)
    kept = []
    for node in roots:
        if node.unit.is_retired and not show_retired:
            continue
        node.children = prune(node.children, kind=kind, query=query, show_retired=show_retired)
        node.match = filtering and _matches(node.unit, kind, query)
        if not filtering or node.match or node.children:
            kept.append(node)
    return kept


def _matches(unit: Unit, kind: str, query: str) -> bool:
    if kind and unit.kind != kind:
        return False
    if query:
        return any(query in (text or "").lower() for text in (unit.name, unit.short_name, unit.code))
    return True


def flatten(roots: list[Node], open_depth: int = 1, url_of=None) -> list[Entry]:
    """The tree as a list the template renders in one loop (no recursive includes)."""
    entries: list[Entry] = []
    labels = {kind: str(label) for kind, label in UnitKind.choices}
    _flatten(roots, entries, open_depth, url_of or (lambda pk: ""), labels)
    return entries


def _flatten(nodes: list[Node], entries: list[Entry], open_depth: int, url_of, labels) -> None:
    for node in nodes:
        unit = node.unit
        entry = Entry(node, bool(node.children), node.depth < open_depth, url=url_of(unit.pk),
                      kind_label=labels.get(unit.kind, unit.kind),
                      retired_on=unit.valid_to.isoformat() if unit.valid_to else "")
        entries.append(entry)
        if node.children:
            _flatten(node.children, entries, open_depth, url_of, labels)
            entries[-1].closes += 1


def descendants_of(unit: Unit, units: list[Unit]) -> set[int]:
    """Primary keys of every unit below `unit`."""
    children: dict[int | None, list[int]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u.pk)
    found: set[int] = set()
    stack = [unit.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
