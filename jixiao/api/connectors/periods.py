"""A bureau's period as ours: the national bureau's `sj` codes and the forms a district workbook holds.

Ours are "2026M09", "2026Q3", "2026H1" and "2026Y" (`reporting.models.CODES_BY_KIND` after the year). The national
bureau writes a month 202609, a quarter 2026A–2026D (first to fourth) and a year 2026. A value is taken as given:
our figures of a sum are year-to-date (累计值), so the mapping must name the bureau's cumulative code (docs/api_stats.md).
"""

import re

QUARTER_LETTERS = {"A": 1, "B": 2, "C": 3, "D": 4}
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}

_OURS = re.compile(r"(\d{4})(M(?:0[1-9]|1[0-2])|Q[1-4]|H[12]|Y)")
_NBS_MONTH = re.compile(r"(\d{4})(0[1-9]|1[0-2])")
_NBS_QUARTER = re.compile(r"(\d{4})([A-D])")
_YEAR = re.compile(r"(\d{4})(?:年|年度|年全年)?")
_MONTH = re.compile(r"(\d{4})年(?:1-|1—|1～|1~|1至)?(\d{1,2})月(?:份)?")
_QUARTER = re.compile(r"(\d{4})年(?:第)?([1-4一二三四])季度")
_HALF = re.compile(r"(\d{4})年(上|下)半年")


class PeriodProblem(ValueError):
    """A period that is not one of ours; the message is Chinese."""


def from_nbs(raw: str) -> str:
    """The national bureau's `sj` code (2026, 202609, 2026C) as our period."""
    text = str(raw).strip()
    if match := _NBS_MONTH.fullmatch(text):
        return f"{match[1]}M{match[2]}"
    if match := _NBS_QUARTER.fullmatch(text):
        return f"{match[1]}Q{QUARTER_LETTERS[match[2]]}"
    if re.fullmatch(r"\d{4}", text):
        return f"{text}Y"
    raise PeriodProblem(f"时期“{text[:30]}”不是本平台的报送期：国家统计局的时期应为 2026（年）、202609（月）"
                        "或 2026A–2026D（一至四季度）")


def from_text(raw) -> str:
    """A period as a district workbook holds it: ours (2026M09, 2026Q3, 2026H1, 2026Y), the national bureau's
    (202609, 2026C, 2026) or in words (2026年9月, 2026年1-9月, 2026年第三季度, 2026年上半年, 2026年)."""
    text = str(raw).strip().replace("－", "-").replace(" ", "")
    if _OURS.fullmatch(text):
        return text
    if _NBS_MONTH.fullmatch(text) or _NBS_QUARTER.fullmatch(text) or re.fullmatch(r"\d{4}", text):
        return from_nbs(text)
    if match := _MONTH.fullmatch(text):
        month = int(match[2])
        if 1 <= month <= 12:
            return f"{match[1]}M{month:02d}"
    if match := _QUARTER.fullmatch(text):
        quarter = CHINESE_DIGITS.get(match[2]) or int(match[2])
        return f"{match[1]}Q{quarter}"
    if match := _HALF.fullmatch(text):
        return f"{match[1]}H{1 if match[2] == '上' else 2}"
    if match := _YEAR.fullmatch(text):
        return f"{match[1]}Y"
    raise PeriodProblem(f"时期“{text[:30]}”不是本平台的报送期：应为 2026M09、2026Q3、2026H1、2026Y，"
                        "或 202609、2026C、2026年9月、2026年第三季度、2026年上半年、2026年")
