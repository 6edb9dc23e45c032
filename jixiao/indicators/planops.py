"""The rows a scheme workbook plan holds (`Op`: new or changed, with old → new values) and how their values read in
the preview and the audit log. Shared by the plan (`schemeplan`) and its target checks (`targetplan`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.indicators import schemebook as sb
from jixiao.indicators import schemesheets
from jixiao.indicators.models import (
    BlockKind,
    Grade,
    IndicatorVersion,
    MissingData,
    NotApplicablePolicy,
    TargetSource,
    TieRule,
)
from jixiao.indicators.rule_specs import RULES, describe_params, format_params_text
from jixiao.lib.excel import cell_text
from jixiao.org.models import Group, Unit

STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变"}
TARGET_FIELDS = ["target_value", "upper_value", "target_text", "baseline", "actual", "source"]


@dataclass(slots=True)  # thousands of them in a big import: no per-instance dict
class Op:
    """One row that changes something: its sheet, the existing row (None when new) and the new values."""

    spec: schemesheets.SheetSpec
    row: dict
    status: str
    existing: object
    values: dict
    diffs: list[tuple[str, str, str]] | tuple[()] = field(default_factory=list)  # () for a new row: nothing to list

    @property
    def key(self) -> str:
        return " / ".join(str(self.row.get(f)) for f in self.spec.key_fields)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def sheet(self) -> str:
        return self.spec.name

    @property
    def description(self) -> str:
        """What a new row brings, in one line (the preview's reading of it)."""
        return describe(self) if self.status == "new" else ""


def plain_op(entry: list) -> Op:
    """The Op of a plain new target (the general path's, as the preview lists it)."""
    row = sb.plain_row(entry)
    values = {name: row[name] for name in TARGET_FIELDS}
    values["target_text"] = ""
    return Op(schemesheets.TARGETS, row, "new", None, values, ())


def show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    if isinstance(value, bool):
        return schemesheets.YES if value else schemesheets.NO
    return cell_text(value)


def field_title(spec, name) -> str:
    try:
        return spec.title(name)
    except StopIteration:
        return name


def preview_text(value) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k}={show(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, tuple):
        return value[0] or ""
    if isinstance(value, (Unit, Group)):
        return value.code
    if isinstance(value, IndicatorVersion):
        return f"{value.valid_from_year}年起"
    for choices in (TargetSource, BlockKind, NotApplicablePolicy, Grade, MissingData, TieRule):
        if isinstance(value, str) and value in choices.values:
            return str(choices(value).label)
    return show(value)


def params_text(rule: str, params: dict | None) -> str:
    """A scheme item's rule parameters as the workbook's cell writes them: 封顶系数=1.2；负增长得零分=是."""
    return "；".join(format_params_text(rule, params or {}).splitlines())


def describe(op: Op) -> str:
    """A one-line reading of a new row for the preview."""
    if op.spec is schemesheets.ITEMS:
        return f"{op.values['points']} 分，{RULES[op.values['rule']].name}（{describe_params(op.values['rule'], op.values['params'])}）"
    return "；".join(f"{field_title(op.spec, k)} {preview_text(v)}" for k, v in op.values.items() if v not in (None, "", {}))
