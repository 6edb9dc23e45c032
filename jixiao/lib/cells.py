"""Reading one cell of an uploaded workbook (or one typed field) the way a clerk means it, and collecting the
problems of a whole upload. Pure helpers: no Django models, no database.

All three workbook imports (units, schemes, values) and the forms go through these, so a rule fixed here is fixed
everywhere (docs/decisions/0003-excel.md, "Cells"):

- `parse_number`: a number cell or typed number. Accepts what a clerk means — plain digits, a sign, a decimal
  point, thousands separators in groups of three (1,234,567), full-width digits (１２３) — and refuses the rest
  with the reason ("12,34", "1_000", "٣", "³", "1 234", formulas, 是/否, NaN, too many places, too large).
- `parse_whole`: a non-negative whole number (排序, 年度), the same way.
- `normalise_code`: a code (单位编码, 指标编码 …) with what is safe to undo undone — full width (Ｓ０１), invisible
  format characters a paste brings along (zero-width space, BOM, direction marks) — and what is not named.
- `name_problem` / `validate_name`: a name may not hold control, bidi or other invisible characters (U+202E turns
  "exe.txt" into "txt.exe" on screen).
- `Problems`: every problem of one upload counted, the first `limit` of them kept in reading order.

Messages are Chinese and say what is wrong with the value; the caller adds where (sheet, row, column).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

MAX_NUMBER = Decimal("1e13")  # what DecimalField(max_digits=18, decimal_places=4) holds before the point
MAX_WHOLE = 2_147_483_647  # an IntegerField
MAX_NUMBER_TEXT = 40  # characters of a number typed as text; longer is no clerk's number
MAX_LISTED = 500  # problems listed of one upload; the rest are counted
# A number cell that was computed before it was pasted as a value carries binary noise (0.1 + 0.2 is stored as
# 0.30000000000000004): within this of a number of the allowed places, it is that number. Typed text is exact.
FLOAT_NOISE = Decimal("1e-9")
FORMULA_START = "="

# Digits as a clerk types them: an optional sign, then either plain digits or digits grouped by three with commas,
# then an optional fraction. An exponent (1.5E+3, as Excel shows a long number) is allowed on plain digits only.
_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|[+-]?\d+(?:\.\d+)?[eE][+-]?\d{1,3}|[+-]?\.\d+",
                     re.ASCII)  # \d is 0-9 only: Python's \d would take "٣" and Decimal read it as 3
_ASCII_DIGITS = re.compile(r"[0-9]")
_NOT_A_NUMBER = {"nan", "snan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity"}
# Minus signs from word processors (the full-width one is undone with the width).
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\uFE63": "-"})

# Bidi controls: embeddings, overrides, isolates and marks (Unicode's Bidi_Control property).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories of characters a name or code never holds: controls (Cc), invisible format characters (Cf: zero-width
# space, BOM, soft hyphen, bidi controls), line and paragraph separators and unpaired surrogates. Private use (Co)
# and code points newer than Python's Unicode tables (Cn) are allowed: rare characters of personal names live there.
_HIDDEN_CATEGORIES = frozenset(["Cc", "Cf", "Zl", "Zp", "Cs"])


class CellProblem(ValueError):
    """A value that cannot be taken; the message is Chinese and says why, not where."""


# --- Numbers ----------------------------------------------------------------------------------------------


def parse_number(raw, *, places: int = 4, largest: Decimal = MAX_NUMBER) -> Decimal | None:
    """A number cell or typed number as a Decimal; None when empty. Raises CellProblem.

    `raw` is what the reader gives: float (calamine's number cell), int, bool, str, or None. A number must be
    finite, below `largest` in size and have at most `places` decimal places. Text is read through `plain_text`
    (full-width digits and commas become ASCII, invisible format characters go); anything else than the forms in
    the module docstring is refused, so "12,34" is never 1234 and "٣" never 3.
    """
    if raw.__class__ is float:
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellProblem("不是有效数字")
        if -float(largest) < raw < float(largest):
            if raw.is_integer():
                return Decimal(int(raw))
            return _within_places(Decimal(repr(raw)), places, noise=FLOAT_NOISE)
        raise CellProblem("数值过大，请核对计量单位")
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellProblem("应填写数字，不能是“是/否”")
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, str):
        number = _number_of_text(raw)
        if number is None:
            return None
    else:
        raise CellProblem(f"“{str(raw)[:20]}”不是数字")
    if not number.is_finite():
        raise CellProblem("不是有效数字")
    if abs(number) >= largest:  # before any quantize: a huge exponent would overflow its precision
        raise CellProblem("数值过大，请核对计量单位")
    return _within_places(number, places)


def _within_places(number: Decimal, places: int, noise: Decimal = Decimal(0)) -> Decimal:
    """`number` when it has at most `places` decimal places; rounded to them when it is off by at most `noise`."""
    if number.as_tuple().exponent >= -places:
        return number
    # Below `largest` (at most 14 digits before the point) the quantize needs fewer digits than the context holds.
    rounded = number.quantize(Decimal(1).scaleb(-places))
    if abs(rounded - number) > noise:
        raise CellProblem(f"最多保留 {places} 位小数")
    return rounded


def _number_of_text(raw: str) -> Decimal | None:
    text = plain_text(raw)
    if not text:
        return None
    shown = text[:20]
    if text.startswith(FORMULA_START):
        raise CellProblem("不接受公式，请填写数值")
    if len(text) > MAX_NUMBER_TEXT:
        raise CellProblem(f"“{shown}…”不是数字（过长）")
    if text.lower() in _NOT_A_NUMBER:
        raise CellProblem("不是有效数字")
    candidate = text.translate(_MINUS)
    if _NUMBER.fullmatch(candidate):
        try:
            return Decimal(candidate.replace(",", ""))
        except InvalidOperation:  # the pattern admits only what Decimal reads; kept for safety
            raise CellProblem(f"“{shown}”不是数字") from None
    raise CellProblem(_why_not_a_number(candidate, shown))


def _why_not_a_number(text: str, shown: str) -> str:
    """The reason a text is refused as a number, in a clerk's terms."""
    if any(ch.isdigit() and not _ASCII_DIGITS.match(ch) for ch in text):
        return f"“{shown}”含非阿拉伯数字的数字字符，请用 0–9 填写"
    if "_" in text:
        return f"“{shown}”含下划线，请只填写数字"
    if any(ch.isspace() for ch in text):
        return f"“{shown}”中间有空格，请删除空格（千位分隔请用逗号）"
    if "," in text and re.fullmatch(r"[+-]?[0-9,]+(?:\.[0-9]+)?", text):
        return f"“{shown}”的千位分隔符位置不对：逗号应每三位一个，如 1,234,567；小数点请用“.”"
    if text.endswith("%"):
        return f"“{shown}”带有百分号，请只填写数字（计量单位已是 %）"
    return f"“{shown}”不是数字"


def parse_whole(raw, *, largest: int = MAX_WHOLE) -> int | None:
    """A non-negative whole number (排序, 年度) from a cell or typed text; None when empty. Raises CellProblem.

    Takes a whole number cell (calamine gives 3.0 for 3) and text of ASCII digits after `plain_text` (full-width
    ３ becomes 3); refuses "٣", "³", "1_000", "3.5", negatives and anything above `largest`."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellProblem("应填写整数，不能是“是/否”")
    if isinstance(raw, float):
        if raw.is_integer() and 0 <= raw <= largest:
            return int(raw)
        text = repr(raw)
    elif isinstance(raw, int):
        if 0 <= raw <= largest:
            return raw
        text = str(raw)
    else:
        text = plain_text(str(raw))
        if not text:
            return None
        if text.isascii() and text.isdigit() and len(text) <= len(str(largest)) and int(text) <= largest:
            return int(text)
    raise CellProblem(f"应为不小于 0、不大于 {largest} 的整数，而不是“{text[:20]}”")


# --- Text and codes ---------------------------------------------------------------------------------------


def hidden_characters(text: str) -> list[str]:
    """The characters of `text` no reader sees (controls, bidi and other format characters …), in order."""
    if text.isprintable():  # C speed; false for every hidden category (and for Zs, Co, Cn, looked at below)
        return []
    return [ch for ch in text if unicodedata.category(ch) in _HIDDEN_CATEGORIES]


def describe_character(ch: str) -> str:
    """U+202E（RIGHT-TO-LEFT OVERRIDE）: how a message names an invisible character."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f"（{name}）" if name else "")


# Full-width forms of ASCII (Ｓ０１, １，２３４) and the ideographic space, as a Chinese input method types them. Only
# width is undone: NFKC would also read "³" and "①" as 3 and 1, which no clerk means as a number or a code.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def plain_text(raw: str) -> str:
    """Typed or pasted text with what is safe to undo undone: full width (Ｓ０１ → S01), invisible format characters
    (zero-width space, BOM, direction marks: category Cf) removed, surrounding white space stripped. For codes and
    numbers only, never for names (Chinese text rightly uses full-width punctuation)."""
    if raw.isascii():
        return raw.strip()
    text = raw.translate(_WIDTH)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def normalise_code(raw, *, label: str = "编码") -> str:
    """A code cell as the code it means; "" when empty. Raises CellProblem naming what cannot be undone.

    Full width (Ｓ０１) and invisible format characters (a zero-width space before S01) are undone by
    `plain_text`. Case is kept: codes are case-sensitive in the database (a unique CharField), so "s01" stays
    "s01" and the look-up that misses it says which code it may mean (`CodeIndex.missing`). Control
    characters (a line break, a tab inside) are refused by name."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a code typed as a number: 101, not 101.0
    text = plain_text(str(raw))
    hidden = hidden_characters(text)
    if hidden:
        raise CellProblem(f"{label}含不可见的控制字符 {describe_character(hidden[0])}，请删除后重新输入")
    return text


def code_problem(code: str, pattern: re.Pattern, *, label: str = "编码", max_length: int = 20) -> str | None:
    """Why a (normalised) code does not fit `pattern`, in a clerk's terms; None when it fits."""
    if pattern.fullmatch(code):
        return None
    shown = code[:30]
    if len(code) > max_length:
        return f"{label}“{shown}”过长：最多 {max_length} 位"
    if any(ch.isspace() for ch in code):
        return f"{label}“{shown}”中间有空格，请删除"
    if not code.isascii():
        return f"{label}“{shown}”含中文或其他非英文字符：只能由字母、数字和 - _ . 组成"
    return f"{label}“{shown}”格式不正确：只能由字母、数字和 - _ . 组成，以字母或数字开头，最长 {max_length} 位"


class CodeIndex:
    """Known codes, for telling a clerk what a code that is not there may have meant (upper/lower case)."""

    def __init__(self, codes: Iterable[str]):
        self._by_folded: dict[str, str] = {}
        for code in codes:
            self._by_folded.setdefault(code.casefold(), code)

    def missing(self, code: str, message: str) -> str:
        """`message` (that `code` was not found), naming the known code that differs from it in case only."""
        near = self._by_folded.get(code.casefold())
        if near is not None and near != code:
            return f"{message}；有“{near}”：编码区分大小写，请按“{near}”填写"
        return message


def name_problem(text: str, *, label: str = "名称") -> str | None:
    """Why a name may not be taken — it holds a control, bidi or other invisible character — or None.

    Names are shown on pages, in letters and exports: a right-to-left override (U+202E) reverses what follows it
    on screen, a zero-width space makes two names look equal."""
    hidden = hidden_characters(text)
    if not hidden:
        return None
    ch = hidden[0]
    kind = "文字方向控制字符" if ch in BIDI_CONTROLS else "不可见的控制字符"
    return f"{label}含{kind} {describe_character(ch)}，请删除后重新输入"


def validate_name(value: str) -> None:
    """A Django validator for the name fields of forms (raises ValidationError with `name_problem`'s message)."""
    from django.core.exceptions import ValidationError  # lib stays importable without Django settings

    problem = name_problem(value or "", label="")
    if problem:
        raise ValidationError(problem.lstrip(), code="hidden_character")


class NameFieldsMixin:
    """For a Django form: the fields named in `name_fields` (those the form has) refuse hidden characters
    (`validate_name`). Put it before the form class in the bases; a form sets `name_fields` when its names are
    called otherwise."""

    name_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field_name in self.name_fields:
            field = self.fields.get(field_name)
            if field is not None:
                field.validators.append(validate_name)  # each form instance has its own copy of its fields


# --- Collecting problems ----------------------------------------------------------------------------------


class Problems:
    """Every problem of one upload: all counted (`total`), the first `limit` kept in reading order (`listed`).

    Reading order is sheet (in `sheets` order, unknown sheets after them), row (sheet-wide problems first),
    column, then the order added. A file with two million wrong rows keeps `limit` CellErrors, not two million,
    and still says how many there are. Items are anything with `sheet`, `row` and `column` (lib.excel.CellError).
    """

    def __init__(self, limit: int = MAX_LISTED, sheets: Sequence[str] = ()):
        self.limit = limit
        self.total = 0
        self._rank = {name: i for i, name in enumerate(sheets)}
        self._keys: list[tuple] = []  # sorted; self._kept[i] belongs to self._keys[i]
        self._kept: list = []
        self._added = 0

    def _key(self, error) -> tuple:
        rank = self._rank.get(error.sheet, len(self._rank))
        return (rank, error.row or 0, len(error.column), error.column, self._added)

    def add(self, error) -> None:
        self.total += 1
        self._added += 1
        key = self._key(error)
        if len(self._keys) >= self.limit:
            if key >= self._keys[-1]:  # the common case of a long wrong file: later than every kept one
                return
            self._keys.pop()
            self._kept.pop()
        at = bisect.bisect(self._keys, key)
        self._keys.insert(at, key)
        self._kept.insert(at, error)

    def extend(self, errors: Iterable) -> None:
        for error in errors:
            self.add(error)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def listed(self) -> list:
        """The kept problems, in reading order."""
        return list(self._kept)

    @property
    def unlisted(self) -> int:
        return self.total - len(self._kept)

    def mark(self) -> tuple[int, int]:
        """A point to `drop_since` (e.g. before a sheet is parsed a second time)."""
        return self._added, self.total

    def drop_since(self, mark: tuple[int, int]) -> None:
        """Forget the problems added after `mark`. Exact when those problems never pushed an earlier one out of
        the list (the caller adds them after every problem that sorts before them, e.g. sheet by sheet)."""
        added, total = mark
        kept = [(key, error) for key, error in zip(self._keys, self._kept, strict=True) if key[-1] <= added]
        self._keys = [key for key, _error in kept]
        self._kept = [error for _key, error in kept]
        self.total = total
