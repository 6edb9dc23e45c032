"""A district statistics bureau's workbook (区统计局数据表): one sheet 统计数据 with the columns 指标编码 · 指标名称 ·
地区(单位)编码 · 时期 · 数值, and an optional 填写说明 sheet that is not read. `write_template` makes the blank one.

Read with the project's strict reader (`lib.excel.open_strict`): formulas, merged cells, hidden sheets and
external links are refused before anything is parsed. A workbook the bureau exported with another sheet name is
read when it holds a single sheet; its header must still name the columns."""

from django.conf import settings

from jixiao.api.connectors import periods
from jixiao.api.connectors.records import E_PERIOD, E_REGION, E_UNMAPPED, E_VALUE, Parsed, SourceRow, conflict
from jixiao.lib import excel
from jixiao.lib.cells import CellProblem, normalise_code, parse_number
from jixiao.lib.excel import CellError, WorkbookError

DATA_SHEET = "统计数据"
README_SHEET = "填写说明"
CODE, NAME, REGION, PERIOD, VALUE = "指标编码", "指标名称", "地区(单位)编码", "时期", "数值"
HEADER = [CODE, NAME, REGION, PERIOD, VALUE]
REQUIRED = [CODE, PERIOD, VALUE]
# Other titles a bureau's own export uses for the same columns.
ALIASES = {"地区编码": REGION, "单位编码": REGION, "地区(单位)代码": REGION, "区划代码": REGION, "指标代码": CODE,
           "时间": PERIOD, "统计时期": PERIOD, "数据": VALUE, "值": VALUE}
# What a bureau writes in a cell it has no figure for: skipped and counted, like the national bureau's hasdata false.
NO_DATA = {"…", "……", "...", "-", "—", "－", "/"}
PLACES = 10  # the bureau's figures before the factor; the product is rounded to our four places

README = [
    ["项目", "说明"],
    ["用途", "区统计局向绩效管理平台提供统计数据。每行一个数：哪个统计指标、哪个地区或单位、哪个时期、多少。"],
    ["指标编码", "统计局的指标编码（如 A01030101），须已在“统计指标对照表”中对照到本平台指标。"],
    ["指标名称", "可不填，仅供核对。"],
    ["地区(单位)编码", "本平台的单位编码（如 S01），或已约定的统计区划代码；整个文件只涉及一个单位时可不填，"
                       "导入时用 --unit 指定。"],
    ["时期", "2026M09、2026Q3、2026H1、2026Y，或 202609、2026C、2026年9月、2026年1-9月、2026年第三季度、"
             "2026年上半年、2026年。"],
    ["数值", "统计局口径的数值（直接填写数字，不要使用公式），导入时乘以对照表中的换算系数。累计指标填写年初至本期的累计值。"
             "无数据的填“…”或留空，导入时跳过。"],
]


def write_template(path_or_buffer) -> None:
    excel.write_workbook(path_or_buffer, [
        excel.Sheet(DATA_SHEET, HEADER, [], widths=[14, 30, 16, 12, 14]),
        excel.Sheet(README_SHEET, README[0], README[1:], widths=[16, 90]),
    ])


def parse(data: bytes) -> Parsed:
    """The figures of a bureau workbook. Raises WorkbookError (in Chinese, with places) for a file that cannot be
    read as one; row problems become conflicts."""
    checked = excel.open_strict(data, settings.UPLOAD_MAX_BYTES, max_rows=excel.MAX_ROWS,
                                ignore_sheets=[README_SHEET])
    names, sheets = excel.read_sheets_except(checked, [README_SHEET])
    sheet = _data_sheet(names)
    rows = sheets[sheet]
    columns = _columns(sheet, rows[0] if rows else [])
    parsed = Parsed(format="workbook")
    for index, row in enumerate(rows[1:], start=2):
        if any(value is not None for value in row):
            _read_row(parsed, sheet, index, row, columns)
    return parsed


def _data_sheet(names: list[str]) -> str:
    if DATA_SHEET in names:
        return DATA_SHEET
    others = [name for name in names if name != README_SHEET]
    if len(others) == 1:
        return others[0]
    shown = "、".join(f"“{name}”" for name in names) or "无"
    raise WorkbookError(f"找不到工作表“{DATA_SHEET}”（文件中的工作表：{shown}）。请使用统计数据模板，或将数据放在"
                        f"名为“{DATA_SHEET}”的工作表中。")


def _columns(sheet: str, header: list) -> dict[str, int]:
    titles = [ALIASES.get(t, t) for t in (excel.cell_text(v).replace("（", "(").replace("）", ")") for v in header)]
    found = excel.header_index(titles, HEADER)
    missing = [title for title in REQUIRED if title not in found]
    if missing:
        raise WorkbookError(CellError(sheet, 1, "", f"表头缺少列：{'、'.join(missing)}。表头应为："
                                                    f"{' | '.join(HEADER)}（地区(单位)编码、指标名称可省略）。"))
    return found


def _read_row(parsed: Parsed, sheet: str, line: int, row: list, columns: dict[str, int]) -> None:
    def cell(title):
        index = columns.get(title)
        return row[index] if index is not None and index < len(row) else None

    def problem(title, obj, code, value, message):
        place = CellError(sheet, line, excel.column_letter(columns[title]), message, title)
        parsed.conflicts.append(conflict(line, obj, code, value, str(place)))

    parsed.records += 1
    try:
        code = normalise_code(cell(CODE), label="指标编码")
    except CellProblem as error:
        problem(CODE, "indicator", E_UNMAPPED, cell(CODE), str(error))
        return
    try:
        region = normalise_code(cell(REGION), label="地区(单位)编码")
    except CellProblem as error:
        problem(REGION, "unit", E_REGION, cell(REGION), str(error))
        return
    if not code:
        problem(CODE, "indicator", E_UNMAPPED, "", "缺少指标编码")
        return
    try:
        period = periods.from_text(excel.cell_text(cell(PERIOD)))
    except periods.PeriodProblem as error:
        problem(PERIOD, "period", E_PERIOD, cell(PERIOD), str(error))
        return
    raw = cell(VALUE)
    if raw is None or (isinstance(raw, str) and raw.strip() in NO_DATA):
        parsed.skipped += 1
        return
    try:
        value = parse_number(raw, places=PLACES)
    except CellProblem as error:
        problem(VALUE, "value", E_VALUE, raw, str(error))
        return
    parsed.rows.append(SourceRow(line=line, code=code, region=region, period=period, value=value,
                                 name=excel.cell_text(cell(NAME))))
