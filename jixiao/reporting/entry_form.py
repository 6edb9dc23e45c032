"""The whole entry form of a unit's period (批量填报) as the browser posts it: one row per due scheme item.

A row's fields are named by its indicator id: `number-<id>` (a numeric indicator) or `text-<id>` (a qualitative or
milestone one, or a grade), `note-<id>`, and `version-<id>`, the value's version when the page was drawn (0: not
stored yet). A row whose version field is missing was shown read-only and is not read.

Every row is checked before anything is written, with the checks of one value (`checks`): a form with any bad
row writes nothing. An office copies a column from its own sheet and expects it in whole or not at all, like an
uploaded workbook; every bad cell is named by its row and indicator, and every typed cell stays on the page.
"""

from jixiao.reporting import actions, checks


def field(name: str, item) -> str:
    return f"{name}-{item.indicator_id}"


def label(line: int, item) -> str:
    """How a message names a row: its line on the form, the indicator's code and name."""
    return f"第{line}行 {item.indicator.code} {item.indicator.name}"


def read(post, items) -> tuple[list[actions.Row], dict[int, str]]:
    """The rows posted for the due `items` (in the form's order), and the problem of each bad row by indicator id."""
    rows, problems = [], {}
    for line, item in enumerate(items, 1):
        if field("version", item) not in post:
            continue
        numeric = checks.is_numeric(item.indicator)
        text = "" if numeric else post.get(field("text", item), "").strip()
        try:
            number = checks.parse_number(post.get(field("number", item))) if numeric else None
            if bad := checks.value_problems(item.indicator, number, text, checks.grades_of(item)):
                raise checks.ValueProblem("；".join(bad))
        except checks.ValueProblem as problem:
            problems[item.indicator_id] = f"{label(line, item)}：{problem}"
            continue
        rows.append(actions.Row(item, number, text, post.get(field("note", item), "").strip(),
                                version(post.get(field("version", item)))))
    return rows, problems


def version(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None
