"""The strict package scan (formulas, merges, row caps) on the sheet XML that Excel, WPS or a hostile tool may
write: namespace prefixes, line breaks inside tags, shared formulas, tags cut by the streaming chunks."""

import io
import zipfile

import pytest

from jixiao.lib import excel
from jixiao.lib.excel import Sheet, WorkbookError, inspect_package, read_workbook, scan_sheet, write_workbook

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _package(sheet_xml: str) -> bytes:
    """A real workbook whose first sheet's XML is replaced by `sheet_xml`."""
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("表", ["编码"], [["A"]])])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sheet_xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows: str, prefix: str = "", tail: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return f'<?xml version="1.0"?><{p}worksheet {ns}><{p}sheetData>{rows}</{p}sheetData>{tail}</{p}worksheet>'


def _scan(data: bytes, max_rows: int = 1000):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return scan_sheet(package, "xl/worksheets/sheet1.xml", max_rows)


def test_prefixed_formulas_and_rows_are_found():
    rows = "".join(f'<x:row r="{i}"><x:c r="A{i}"><x:f>1+{i}</x:f><x:v>{i}</x:v></x:c></x:row>' for i in range(1, 4))
    scan = _scan(_package(_sheet(rows, prefix="x")))
    assert (scan.rows, scan.n_formulas, scan.formulas) == (3, 3, ["A1", "A2", "A3"])


def test_line_breaks_inside_row_tags_are_counted():
    rows = "".join(f'<row\n r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 31))
    assert _scan(_package(_sheet(rows))).rows == 30
    problems = inspect_package(_package(_sheet(rows)), max_rows=10)
    assert "超过 10 行数据的上限" in problems[0].message


def test_shared_and_array_formulas_are_refused():
    rows = ('<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1*2</f><v>2</v></c></row>'
            '<row r="2"><c r="A2"><f t="shared" si="0"/><v>4</v></c></row>')
    problems = inspect_package(_package(_sheet(rows)), max_rows=10)
    assert [(p.row, p.column) for p in problems] == [(1, "A"), (2, "A")]
    assert all("公式" in p.message for p in problems)


def test_row_breaks_do_not_count_as_rows():
    """A sheet at exactly the cap passes even with <rowBreaks>; one row more is refused."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 12))
    breaks = '<rowBreaks count="1" manualBreakCount="1"><brk id="5" max="16383" man="1"/></rowBreaks>'
    assert inspect_package(_package(_sheet(rows, tail=breaks)), max_rows=10) == []
    more = rows + '<row r="12"><c r="A12"><v>12</v></c></row>'
    assert inspect_package(_package(_sheet(more, tail=breaks)), max_rows=10)


@pytest.mark.parametrize("chunk", [64, 97, 1024])
def test_counts_are_exact_across_streaming_chunks(monkeypatch, chunk):
    monkeypatch.setattr(excel, "STREAM_CHUNK", chunk)
    monkeypatch.setattr(excel, "STREAM_OVERLAP", 16)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><f>{i}*2</f><v>{i * 2}</v></c><c r="B{i}"><v>{i}</v></c></row>'
                   for i in range(1, 201))
    merges = '<mergeCells count="2"><mergeCell ref="C1:D1"/><mergeCell ref="C2:D2"/></mergeCells>'
    scan = _scan(_package(_sheet(rows, tail=merges)))
    assert (scan.rows, scan.n_formulas, scan.merges) == (200, 200, ["C1:D1", "C2:D2"])


def test_a_plain_sheet_has_no_problems_and_reads_raw_or_clean():
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("表", ["编码", "值"], [[" B01 ", 101], ["B02", 2.5], [None, None]])])
    data = buffer.getvalue()
    assert inspect_package(data, max_rows=10) == []
    assert read_workbook(data, MB)["表"][1:] == [["B01", 101], ["B02", 2.5]]
    raw = read_workbook(data, MB, clean=False)["表"][1:]
    assert raw == [[" B01 ", 101.0], ["B02", 2.5]] and isinstance(raw[0][1], float)
    assert excel.read_workbook_strict(data, MB, max_rows=10, clean=False)["表"][1:] == raw


def test_strict_read_refuses_a_prefixed_formula_before_parsing():
    rows = '<x:row r="1"><x:c r="B1"><x:f>SUM(A:A)</x:f><x:v>9</x:v></x:c></x:row>'
    with pytest.raises(WorkbookError, match="单元格含公式"):
        excel.read_workbook_strict(_package(_sheet(rows, prefix="x")), MB, max_rows=10)


def test_a_sheet_in_the_background_and_the_others_now_give_what_the_plain_read_gives():
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("说明", ["项目"], [["模板"]]), Sheet("表", ["编码", "值"], [[" B01 ", 101], [None, None]]),
                            Sheet("尾", ["备注"], [])])
    data = excel.open_strict(buffer.getvalue(), MB, max_rows=10)
    for clean in (True, False):
        plain = read_workbook(data, MB, clean=clean)
        assert excel.BackgroundSheet(data, "表").rows(clean=clean) == plain["表"]
        names, others = excel.read_sheets_except(data, ["表", "没有"], clean=clean)
        assert (names, others) == (["说明", "表", "尾"], {"说明": plain["说明"], "尾": plain["尾"]})
    assert excel.BackgroundSheet(data, "没有").rows() is None
    # Small sheets read first from the same workbook, the worker started when the caller says so (or when asked).
    for start in (True, False):
        pending = excel.BackgroundSheet(data, "表", first=["说明", "没有"], start=False)
        assert (pending.names, pending.first) == (["说明", "表", "尾"], {"说明": [["项目"], ["模板"]]})
        if start:
            pending.start()
        assert pending.rows(clean=False) == read_workbook(data, MB, clean=False)["表"]


def test_a_sheet_in_the_background_of_a_damaged_package_raises_when_asked():
    data = _package('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c>')
    pending = excel.BackgroundSheet(data, "表")
    with pytest.raises(WorkbookError, match="无法读取该工作簿"):
        pending.rows()
    with pytest.raises(WorkbookError, match="无法读取该工作簿"):
        excel.read_sheets_except(data, [])


def test_open_strict_refuses_before_any_parse():
    rows = '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'
    with pytest.raises(WorkbookError, match="单元格含公式"):
        excel.open_strict(_package(_sheet(rows)), MB, max_rows=10)


def _started_sheets(monkeypatch) -> list[str]:
    """The sheets whose BackgroundSheet is made from now on, in order (the worker starts when it is made)."""
    started = []
    made = excel.BackgroundSheet.__init__

    def note(self, data, name, **options):
        started.append(name)
        made(self, data, name, **options)

    monkeypatch.setattr(excel.BackgroundSheet, "__init__", note)
    return started


@pytest.mark.parametrize("early", [True, False])
def test_open_strict_parsing_gives_the_checked_bytes_and_the_sheet(monkeypatch, early):
    """A small package's sheet is parsed while the package is inspected, a bigger one's after; both as plain."""
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet("说明", ["项目"], [["模板"]]), Sheet("表", ["编码", "值"], [[" B01 ", 101]])])
    if not early:
        monkeypatch.setattr(excel, "EARLY_PARSE_BYTES", 100)
    inspected = []
    monkeypatch.setattr(excel, "inspect_package", lambda data, **kw: inspected.append(list(started)) or [])
    started = _started_sheets(monkeypatch)
    data, pending = excel.open_strict_parsing(buffer.getvalue(), MB, max_rows=10, sheet="表")
    assert inspected == [["表"] if early else []]
    assert data == buffer.getvalue()
    assert pending.rows(clean=False) == read_workbook(data, MB, clean=False)["表"]


@pytest.mark.parametrize("early", [True, False])
def test_open_strict_parsing_refuses_what_open_strict_refuses(monkeypatch, early):
    """The inspection's problems are raised whether or not the parse began; a bigger package is not parsed at all."""
    if not early:
        monkeypatch.setattr(excel, "EARLY_PARSE_BYTES", 100)
    started = _started_sheets(monkeypatch)
    formula = _package(_sheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'))
    with pytest.raises(WorkbookError, match="单元格含公式"):
        excel.open_strict_parsing(formula, MB, max_rows=10, sheet="表")
    too_long = _package(_sheet("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 40))))
    with pytest.raises(WorkbookError, match="超过 10 行数据的上限"):
        excel.open_strict_parsing(too_long, MB, max_rows=10, sheet="表")
    assert started == (["表", "表"] if early else [])


def _cut(data: bytes, part: str) -> bytes:
    """The package with one part cut to its first third."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, content[: len(content) // 3] if info.filename == part else content)
    return out.getvalue()


def _answer(read) -> list[str]:
    try:
        read()
    except WorkbookError as exc:
        return [str(error) for error in exc.errors]
    return []


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
@pytest.mark.parametrize("formula", [False, True])
def test_open_strict_parsing_of_a_damaged_package_answers_as_open_strict_and_the_parse(part, formula):
    cell = '<c r="A1"><f>1+1</f><v>2</v></c>' if formula else '<c r="A1" t="s"><v>0</v></c>'
    data = _cut(_package(_sheet(f'<row r="1">{cell}</row><row r="2"><c r="A2"><v>5</v></c></row>')), part)

    def strict_then_parse():
        return excel.BackgroundSheet(excel.open_strict(data, MB, max_rows=10), "表").rows()

    def parsing():
        return excel.open_strict_parsing(data, MB, max_rows=10, sheet="表")[1].rows()

    expected = _answer(strict_then_parse)
    assert expected  # every such package is refused, by the inspection or by calamine
    assert _answer(parsing) == expected
