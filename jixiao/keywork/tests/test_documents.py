"""The GB/T 9704 layout of jixiao/lib/documents.py, read back from the .docx XML."""

import datetime
import io
import zipfile

from docx import Document
from docx.oxml.ns import qn

from jixiao.lib import documents

TWIPS_PER_MM = 1440 / 25.4


def sample() -> bytes:
    doc = documents.new_document()
    documents.add_letterhead(doc, "示范区绩效考核办公室文件", documents.doc_number("示范区绩效办", 2026, 3))
    documents.add_title(doc, "关于2026年第三季度重点工作推进情况的通报")
    documents.add_recipients(doc, "各街道、园区，区直各部门")
    documents.add_body(doc, "正文。")
    documents.add_heading(doc, "一、总体情况")
    documents.add_table(doc, ["序号", "工作名称"], [[1, "甲"], [2, "乙"]], [20, 136])
    documents.add_signature(doc, "示范区绩效考核办公室", datetime.date(2026, 11, 25))
    return documents.to_bytes(doc)


def xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/document.xml").decode("utf-8")


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


def test_page_is_a4_with_the_standard_margins():
    body = Document(io.BytesIO(sample())).element.body
    sect = body.find(qn("w:sectPr"))
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    assert abs(int(size.get(qn("w:w"))) - twips(210)) <= 1 and abs(int(size.get(qn("w:h"))) - twips(297)) <= 1
    expected = {"w:top": 37, "w:left": 28, "w:bottom": 35, "w:right": 26}
    for key, mm in expected.items():
        assert abs(int(margins.get(qn(key))) - twips(mm)) <= 1, key
    width = int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    height = int(size.get(qn("w:h"))) - int(margins.get(qn("w:top"))) - int(margins.get(qn("w:bottom")))
    assert abs(width - twips(156)) <= 2 and abs(height - twips(225)) <= 2


def test_red_header_number_and_separator():
    doc = Document(io.BytesIO(sample()))
    mark, number = doc.paragraphs[0], doc.paragraphs[3]
    run = mark.runs[0]
    assert run.text == "示范区绩效考核办公室文件"
    assert str(run.font.color.rgb) == "FF0000"
    assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == documents.TITLE_FONT
    assert number.text == "示范区绩效办〔2026〕3号"
    border = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000" and border.get(qn("w:val")) == "single"


def test_agency_mark_fits_the_text_block():
    size = documents.mark_size("示范区绩效考核办公室文件")
    assert size * 12 <= 156 * 72 / 25.4


def test_title_22pt_and_body_16pt_fangsong_with_east_asian_font():
    doc = Document(io.BytesIO(sample()))
    title = next(p for p in doc.paragraphs if p.text.startswith("关于"))
    assert title.runs[0].font.size.pt == 22
    body = next(p for p in doc.paragraphs if p.text == "正文。")
    run = body.runs[0]
    assert run.font.size.pt == 16
    assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_signature_and_date_in_arabic_numerals():
    doc = Document(io.BytesIO(sample()))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[-2:] == ["示范区绩效考核办公室", "2026年11月25日"]
    assert documents.date_text(datetime.date(2026, 1, 5)) == "2026年1月5日"


def test_table_has_grid_widths_and_repeated_header():
    text = xml(sample())
    assert "<w:tblHeader" in text
    doc = Document(io.BytesIO(sample()))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "工作名称"]
    assert [round(col.width.mm) for col in table.columns] == [20, 136]


def test_page_numbers_in_the_footer():
    with zipfile.ZipFile(io.BytesIO(sample())) as package:
        footers = [package.read(n).decode() for n in package.namelist() if n.startswith("word/footer")]
    assert any("PAGE" in f and "— " in f for f in footers)
