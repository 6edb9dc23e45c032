"""The mapping table (统计指标对照表, `StatsMapping`): which of our indicators a bureau's code feeds, and the factor
that turns the bureau's unit into ours (万元 → 亿元: 0.0001). The office keeps it per indicator, through a workbook
(`export_workbook` / `read_workbook` + `save`, i.e. `manage.py stats_mapping --export/--import`).

Regions: the national bureau's `reg` code, or a district workbook's 地区(单位)编码, is taken as our unit's code.
A file about one unit (the usual district file, or a national query without `reg`) names it with `--unit CODE`;
a file about several regions names each with `--region REG=CODE`. The table holds no regions: `StatsMapping`
is per indicator, and a unit's code is the office's to choose (docs/api_stats.md).
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction

from jixiao.api.connectors import bulk
from jixiao.api.connectors.records import E_DUPLICATE, E_FACTOR, E_REGION, E_UNMAPPED, Parsed, conflict
from jixiao.api.models import StatsMapping
from jixiao.audit import log
from jixiao.indicators.models import AMOUNT, Indicator
from jixiao.lib import excel
from jixiao.lib.cells import CellProblem, normalise_code, parse_number
from jixiao.lib.excel import CellError, WorkbookError

OUR_PLACES = Decimal(1).scaleb(-AMOUNT["decimal_places"])  # 0.0001: what a value holds
SOURCE = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")
SOURCE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
FACTOR_PLACES = 10  # StatsMapping.factor's decimal places


@dataclass(frozen=True)
class Rule:
    """One row of the table as the connector uses it."""

    indicator_code: str
    factor: Decimal


def rules(source: str) -> dict[str, Rule]:
    """The table of one source, by the bureau's code."""
    rows = StatsMapping.objects.filter(source=source).values_list("source_code", "indicator__code", "factor")
    return {code: Rule(indicator, factor) for code, indicator, factor in rows}


def apply(parsed: Parsed, *, source: str, unit: str = "", regions: dict[str, str] | None = None
          ) -> tuple[list, list[dict]]:
    """The bulk path's rows of a parsed file, and the conflicts of mapping it (unmapped code, bad factor, no unit,
    the same unit, indicator and period twice)."""
    table, regions = rules(source), regions or {}
    unit_of = _unit_rule(parsed, unit, regions)
    rows, conflicts, seen = [], [], {}
    for row in parsed.rows:
        rule, org_unit = table.get(row.code), unit_of(row.region)
        where = f"第 {row.line} 行" if parsed.format == "workbook" else f"第 {row.line} 条数据"
        problem = _problem(row, rule, org_unit, seen, source, where)
        if problem is not None:
            conflicts.append(problem)
            continue
        seen[(org_unit, rule.indicator_code, row.period)] = row.line
        rows.append(bulk.data_value(data_element=rule.indicator_code, period=row.period, org_unit=org_unit,
                                    value=our_value(row.value, rule.factor), comment="", line=row.line))
    return rows, conflicts


def _problem(row, rule: Rule | None, org_unit: str, seen: dict, source: str, where: str) -> dict | None:
    """Why a figure cannot be mapped, as a conflict; None when it can."""
    if rule is None:
        named = f"（{row.name[:40]}）" if row.name else ""
        return conflict(row.line, "indicator", E_UNMAPPED, row.code,
                        f"{where}：统计指标编码“{row.code[:40]}”{named}未在统计指标对照表（来源 {source}）中对照到"
                        "本平台指标，请绩效办先维护对照表。")
    if rule.factor <= 0:
        return conflict(row.line, "indicator", E_FACTOR, row.code,
                        f"{where}：统计指标编码“{row.code}”的换算系数为 {rule.factor.normalize():f}，应大于 0，"
                        "请绩效办更正对照表。")
    if not org_unit:
        return conflict(row.line, "unit", E_REGION, row.region, f"{where}：{_no_unit(row.region)}")
    first = seen.get((org_unit, rule.indicator_code, row.period))
    if first is not None:
        return conflict(row.line, "indicator", E_DUPLICATE, row.code,
                        f"{where}：单位 {org_unit} 指标 {rule.indicator_code} 时期 {row.period} 的数值与第 {first} "
                        "处重复（可能两个统计编码对照到同一指标）。")
    return None


def our_value(value: Decimal, factor: Decimal) -> str:
    """The bureau's figure times the factor, rounded half up to the four places a value holds."""
    number = (value * factor).quantize(OUR_PLACES, rounding=ROUND_HALF_UP)
    return f"{number.normalize():f}" if number else "0"


def _unit_rule(parsed: Parsed, unit: str, regions: dict[str, str]):
    """Which unit code a region gives: `regions` first, then `unit` (for a file of one region), else the code."""
    left = {row.region for row in parsed.rows if row.region and row.region not in regions}
    one_region = len(left) <= 1

    def unit_of(region: str) -> str:
        if region in regions:
            return regions[region]
        if unit:
            return unit if one_region else ""
        return region

    return unit_of


def _no_unit(region: str) -> str:
    if not region:
        return "文件未注明地区(单位)，请用 --unit 指定这些数据所属的单位。"
    return (f"文件含多个地区，--unit 只能用于单一地区的文件；请用 --region {region[:20]}=单位编码 逐一指定"
            "各地区对应的单位。")


# --- Keeping the table: a workbook per indicator ------------------------------------------------------------

SHEET = "统计指标对照"
README_SHEET = "填写说明"
SOURCE_T, CODE_T, INDICATOR_T, NAME_T, FACTOR_T, NOTE_T = ("数据来源", "来源指标编码", "本平台指标编码",
                                                          "本平台指标名称", "换算系数", "说明")
HEADER = [SOURCE_T, CODE_T, INDICATOR_T, NAME_T, FACTOR_T, NOTE_T]
README = [
    ["列", "说明"],
    [SOURCE_T, "统计编码所属的体系：nbs 为国家统计局数据查询编码；区统计局自有编码可另起名称（小写字母、数字、-），"
               "导入数据时用 --source 指定。"],
    [CODE_T, "统计局的指标编码，如 A01030101。留空的行不导入（导出时列出尚未对照的本平台指标，便于补填）。"
             "累计指标请对照统计局的“累计值”编码。"],
    [INDICATOR_T, "本平台的指标编码。一个本平台指标可对照多个来源的编码。"],
    [NAME_T, "仅供核对，导入时不读取。"],
    [FACTOR_T, "统计局数值乘以此系数即为本平台计量单位的数值，应大于 0；如万元→亿元填 0.0001，相同单位填 1。"],
    [NOTE_T, "可选，如口径说明。"],
]


@dataclass(frozen=True)
class MappingRow:
    """One row of a mapping workbook, checked."""

    line: int
    source: str
    source_code: str
    indicator: Indicator
    factor: Decimal
    note: str


def export_workbook(path_or_buffer) -> int:
    """Write the table, one row per mapping and one empty row per active indicator without one. Returns the rows."""
    mapped = list(StatsMapping.objects.select_related("indicator").order_by("indicator__sort_order",
                                                                          "indicator__code", "source", "source_code"))
    done = {m.indicator_id for m in mapped}
    rows = [[m.source, m.source_code, m.indicator.code, m.indicator.name, m.factor.normalize(), m.note]
            for m in mapped]
    rows += [["", "", i.code, i.name, None, ""] for i in Indicator.objects.filter(active=True).exclude(pk__in=done)]
    rows = [[_number(v) if isinstance(v, Decimal) else v for v in row] for row in rows]
    excel.write_workbook(path_or_buffer, [excel.Sheet(SHEET, HEADER, rows, widths=[10, 16, 16, 36, 12, 30]),
                                          excel.Sheet(README_SHEET, README[0], README[1:], widths=[16, 90])])
    return len(rows)


def _number(factor: Decimal) -> float | str:
    """A factor as a number cell when a float holds it exactly as written, else as text (read back the same)."""
    return float(factor) if Decimal(repr(float(factor))) == factor else f"{factor:f}"


def read_workbook(file) -> list[MappingRow]:
    """The rows of a mapping workbook, every one checked; raises WorkbookError listing all problems."""
    data = excel.open_strict(file, settings.UPLOAD_MAX_BYTES, ignore_sheets=[README_SHEET])
    names, sheets = excel.read_sheets_except(data, [README_SHEET])
    if SHEET not in sheets:
        raise WorkbookError(f"找不到工作表“{SHEET}”，请使用导出的统计指标对照表填写。")
    rows = sheets[SHEET]
    columns = excel.header_index(rows[0] if rows else [], HEADER)
    missing = [t for t in (SOURCE_T, CODE_T, INDICATOR_T, FACTOR_T) if t not in columns]
    if missing:
        raise WorkbookError(CellError(SHEET, 1, "", f"表头缺少列：{'、'.join(missing)}。"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    found, problems, seen = [], [], {}
    for line, row in enumerate(rows[1:], start=2):
        _read_mapping_row(line, row, columns, indicators, found, problems, seen)
    if problems:
        raise WorkbookError(problems)
    return found


def _read_mapping_row(line, row, columns, indicators, found, problems, seen) -> None:
    def cell(title):
        index = columns.get(title)
        return row[index] if index is not None and index < len(row) else None

    def problem(title, message):
        problems.append(CellError(SHEET, line, excel.column_letter(columns[title]), message, title))

    before = len(problems)
    try:
        code = normalise_code(cell(CODE_T), label="来源指标编码")
        source = normalise_code(cell(SOURCE_T), label="数据来源").lower() or "nbs"
        ours = normalise_code(cell(INDICATOR_T), label="本平台指标编码")
    except CellProblem as error:
        problems.append(CellError(SHEET, line, "", str(error)))
        return
    if not code:
        return  # an indicator not (yet) mapped
    if not SOURCE.fullmatch(source):
        problem(SOURCE_T, f"数据来源“{source[:30]}”格式不正确：只能用小写字母、数字和 -，最长 20 位")
    if not SOURCE_CODE.fullmatch(code):
        problem(CODE_T, f"来源指标编码“{code[:50]}”格式不正确：只能由字母、数字和 . _ - 组成，最长 40 位")
    if (source, code) in seen:
        problem(CODE_T, f"来源 {source} 的编码“{code}”与第 {seen[(source, code)]} 行重复")
    seen[(source, code)] = line
    indicator = indicators.get(ours)
    if indicator is None:
        problem(INDICATOR_T, f"本平台没有指标编码“{ours[:30]}”" if ours else "缺少本平台指标编码")
    factor = _factor(cell(FACTOR_T), problem)
    note = excel.cell_text(cell(NOTE_T))[:200]
    if indicator is not None and factor is not None and len(problems) == before:
        found.append(MappingRow(line, source, code, indicator, factor, note))


def _factor(raw, problem) -> Decimal | None:
    try:
        factor = parse_number(raw, places=FACTOR_PLACES)
    except CellProblem as error:
        problem(FACTOR_T, f"换算系数{error}")
        return None
    if factor is None:
        return Decimal(1)
    if factor <= 0:
        problem(FACTOR_T, f"换算系数为 {factor.normalize():f}，应大于 0")
        return None
    return factor


@transaction.atomic
def save(rows: list[MappingRow], *, by, replace: bool = False) -> dict:
    """Write the table's rows: new ones added, changed ones updated; with `replace`, the rows of the file's sources
    that the file no longer holds are deleted. One audit event."""
    counts = {"created": 0, "changed": 0, "unchanged": 0, "deleted": 0}
    stored = {(m.source, m.source_code): m for m in
              StatsMapping.objects.select_for_update().filter(source__in={r.source for r in rows})}
    for row in rows:
        counts[_save_row(stored.pop((row.source, row.source_code), None), row)] += 1
    if replace and stored:
        counts["deleted"] = StatsMapping.objects.filter(pk__in=[m.pk for m in stored.values()]).delete()[0]
    log.record("api.stats_mapping_imported", None, user=by, after={**counts, "replace": replace},
               object_repr="统计指标对照表")
    return counts


def _save_row(mapping: StatsMapping | None, row: MappingRow) -> str:
    if mapping is None:
        StatsMapping.objects.create(source=row.source, source_code=row.source_code, indicator=row.indicator,
                                    factor=row.factor, note=row.note)
        return "created"
    if (mapping.indicator_id, mapping.factor, mapping.note) == (row.indicator.pk, row.factor, row.note):
        return "unchanged"
    mapping.indicator, mapping.factor, mapping.note = row.indicator, row.factor, row.note
    mapping.save(update_fields=["indicator", "factor", "note"])
    return "changed"
