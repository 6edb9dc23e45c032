"""What a bureau's file reads as, before the mapping: one figure per row, and the file's conflicts.

A conflict has the bulk path's shape (`exchange.import_rows`' summary): the file's line (a workbook's row, a
datanode's position counted from 1), what it is about, a code for programs, the value and a Chinese message."""

from dataclasses import dataclass, field
from decimal import Decimal

# Conflict codes of the connector; the bulk path adds its own (unit, indicator, period, write rule …).
E_FILE = "E_STATS_FILE"  # the file as a whole: not JSON, not the bureau's shape, a refused return code
E_DIMENSION = "E_STATS_DIMENSION"  # a datanode's dimension we do not know, or one missing
E_PERIOD = "E_STATS_PERIOD"  # a period that is not one of ours
E_VALUE = "E_STATS_VALUE"  # a figure that is not a number
E_UNMAPPED = "E_STATS_UNMAPPED"  # a bureau code with no row in the mapping table
E_FACTOR = "E_STATS_FACTOR"  # a mapping whose factor is zero or negative
E_REGION = "E_STATS_REGION"  # no unit for a figure, or a region --unit cannot stand for
E_DUPLICATE = "E_STATS_DUPLICATE"  # two figures for the same unit, indicator and period


@dataclass(frozen=True)
class SourceRow:
    """One figure as the bureau gives it: its code, region (or our unit code; "" when the file has none), our
    period, the number (None: the bureau has none) and, for messages, the code's name."""

    line: int
    code: str
    region: str
    period: str
    value: Decimal | None
    name: str = ""


@dataclass
class Parsed:
    """A bureau's file read: the figures it holds, those it marks as missing (skipped) and its conflicts."""

    format: str
    rows: list[SourceRow] = field(default_factory=list)
    skipped: int = 0
    conflicts: list[dict] = field(default_factory=list)
    records: int = 0  # figures in the file, skipped or not


def conflict(line: int, obj: str, code: str, value, message: str) -> dict:
    return {"line": line, "object": obj, "code": code, "value": "" if value is None else str(value)[:100],
            "message": message}


class FileProblem(Exception):
    """A file the connector cannot read at all (truncated, not the bureau's shape, too big); Chinese message."""


class ImportRefused(Exception):
    """The bulk path refused the import whole, before any row (e.g. the user's role may not write values)."""
