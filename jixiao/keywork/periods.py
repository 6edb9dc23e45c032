"""Period codes of key work, shared by convention with the reporting stage: "Q1".."Q4" and "Y" (year end).

Key work refers to a period by (cycle, code) strings, never by a reporting model, so the two apps stay apart.
"""

import datetime

QUARTERS = ["Q1", "Q2", "Q3", "Q4"]
PERIOD_CODES = QUARTERS + ["Y"]
LABELS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "Y": "年度"}
PERIOD_CHOICES = [(code, LABELS[code]) for code in PERIOD_CODES]
QUARTER_CHOICES = [(code, LABELS[code]) for code in QUARTERS]
_QUARTER_END = {"Q1": (3, 31), "Q2": (6, 30), "Q3": (9, 30), "Q4": (12, 31), "Y": (12, 31)}


def label(code: str) -> str:
    return LABELS.get(code, code)


def period_end(year: int, code: str) -> datetime.date:
    """The last day of a period: the quarter's last day; the year end for "Y"."""
    month, day = _QUARTER_END[code]
    return datetime.date(year, month, day)


def period_start(year: int, code: str) -> datetime.date:
    """The first day of a period: the quarter's first day; for "Y" the first day of the fourth quarter."""
    month = 10 if code == "Y" else (QUARTERS.index(code) * 3 + 1)
    return datetime.date(year, month, 1)


def index(code: str) -> int:
    """Order of a period within the year (Q1=0 … Y=4)."""
    return PERIOD_CODES.index(code)


def quarter_of(day: datetime.date) -> str:
    return QUARTERS[(day.month - 1) // 3]


def up_to(code: str) -> list[str]:
    """The periods up to and including `code`."""
    return PERIOD_CODES[: index(code) + 1]


def is_valid(code: str) -> bool:
    return code in PERIOD_CODES
