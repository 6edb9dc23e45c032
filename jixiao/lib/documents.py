"""Official documents (公文) as .docx in the GB/T 9704-2012 layout. Pure helpers: no Django models, no database.

Used for key-work bulletins (通报) and, later, result bulletins and feedback letters (反馈函). The layout:

- A4 (210 × 297 mm); margins top 37 mm, left 28 mm, so the text block is 156 × 225 mm (bottom 35, right 26).
- 发文机关标志 centred in red 小标宋, its top 35 mm below the top of the text block; two lines below it the
  发文字号 (`示范区绩效办〔2026〕3号`, 3号 仿宋) with the red separator line (红色分隔线) 4 mm under it.
- Title in 2号 (22 pt) 小标宋 two lines below the separator; body in 3号 (16 pt) 仿宋_GB2312, 28 characters a
  line and 22 lines a page (fixed line pitch 225 mm / 22 ≈ 28.95 pt); headings 一、 in 黑体, （一） in 楷体.
- 发文机关署名 and 成文日期 (Arabic numerals: 2026年11月25日) on the right, the date four characters from the
  right edge; page numbers `— 1 —` in 4号 宋体 below the text block, odd pages right, even pages left.

Chinese fonts are named with the East-Asian attribute (w:eastAsia) so Word/WPS apply them; the reader's machine
supplies the fonts. Digits and Latin letters use Times New Roman.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - TEXT_WIDTH_MM  # 26
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM  # 35

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
SIZE_2 = 22  # 2号
SIZE_3 = 16  # 3号
SIZE_4 = 14  # 4号
SIZE_SMALL_4 = 12  # 小4号, for dense tables
LINE_PITCH_PT = 28.95  # 22 lines in a 225 mm text block
RED = RGBColor(0xFF, 0x00, 0x00)
MM_TO_PT = 72 / 25.4


def new_document() -> Document:
    """An empty A4 document with the GB/T 9704 margins, body style 3号 仿宋 and page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    style = doc.styles["Normal"]
    style.font.size = Pt(SIZE_3)
    set_font(style.element, BODY_FONT)
    fmt = style.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after = Pt(LINE_PITCH_PT), Pt(0), Pt(0)
    fmt.widow_control = False
    _add_page_numbers(doc)
    return doc


def set_font(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style element: `east_asia` for Chinese, `latin` for digits and letters."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def add_run(paragraph, text: str, *, font: str = BODY_FONT, size: float = SIZE_3, bold: bool = False,
            color: RGBColor | None = None):
    run = paragraph.add_run(text)
    set_font(run.element, font)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _paragraph(doc, align=None, *, space_before_pt: float = 0, line_pt: float | None = LINE_PITCH_PT):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before_pt), Pt(0)
    if line_pt is not None:
        fmt.line_spacing = Pt(line_pt)
    return paragraph


def mark_size(mark: str) -> int:
    """The largest whole point size at which the agency mark fits the text block's width (at most 42 pt)."""
    width_pt = TEXT_WIDTH_MM * MM_TO_PT
    return int(min(42, width_pt / max(char_units(mark), 1)))


def char_units(text: str) -> float:
    """Width in full-width characters: CJK and full-width punctuation 1, ASCII 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def add_letterhead(doc, mark: str, number: str) -> None:
    """The red header: agency mark, two blank lines, document number, red line 4 mm under it."""
    size = mark_size(mark)
    head = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, space_before_pt=35 * MM_TO_PT, line_pt=None)
    add_run(head, mark, font=TITLE_FONT, size=size, color=RED)
    for _ in range(2):
        _paragraph(doc)
    number_line = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER)
    add_run(number_line, number)
    _bottom_border(number_line, color="FF0000", eighths_pt=12, space_pt=round(4 * MM_TO_PT))


def _bottom_border(paragraph, *, color: str, eighths_pt: int, space_pt: int) -> None:
    """A line under the paragraph across the text block (used for the 红色分隔线)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(eighths_pt)), ("w:space", str(space_pt)),
                       ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def add_title(doc, text: str) -> None:
    """The title: two blank lines below the separator, 2号 小标宋, centred."""
    for _ in range(2):
        _paragraph(doc)
    title = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, line_pt=None)
    title.paragraph_format.line_spacing = Pt(SIZE_2 * 1.5)
    add_run(title, text, font=TITLE_FONT, size=SIZE_2)
    _paragraph(doc)


def add_recipients(doc, text: str) -> None:
    """主送机关: flush left, ending with a full-width colon."""
    add_run(_paragraph(doc), text.rstrip("：:") + "：")


def add_body(doc, text: str) -> None:
    """A body paragraph of 3号 仿宋 indented by two characters."""
    paragraph = _paragraph(doc)
    paragraph.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
    add_run(paragraph, text)


def add_heading(doc, text: str, level: int = 1) -> None:
    """一级标题 (一、) in 黑体, 二级标题 (（一）) in 楷体, both 3号, indented two characters."""
    paragraph = _paragraph(doc)
    paragraph.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
    paragraph.paragraph_format.keep_with_next = True
    add_run(paragraph, text, font=HEADING_FONT if level == 1 else SUBHEADING_FONT)


def add_table(doc, header: Sequence[str], rows: Sequence[Sequence], widths_mm: Sequence[float] | None = None,
              *, size: float = SIZE_SMALL_4) -> None:
    """A bordered table across the text block; header row in 黑体, repeated on each page.

    Cell text takes its fonts from two paragraph styles made once per document, which keeps a 40-row table
    fast (setting fonts run by run costs most of the time python-docx spends on a table).
    """
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in (widths_mm or [TEXT_WIDTH_MM / len(header)] * len(header))]
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width  # the grid: LibreOffice reads widths from here, Word from the cells
    head_style, text_style = _table_style(doc, "表头", HEADING_FONT, size), _table_style(doc, "表格文字", BODY_FONT, size)
    _fill_row(table.rows[0], header, widths, head_style, center=True)
    _repeat_header(table.rows[0])
    for values in rows:
        _fill_row(table.add_row(), [_cell_text(v) for v in values], widths, text_style)
    _paragraph(doc)


def _table_style(doc, name: str, font: str, size: float):
    """A paragraph style for table cells: single spacing, no space around, the given font and size."""
    styles = doc.styles
    key = f"{name}{size:g}"
    if key in [s.name for s in styles]:
        return styles[key]
    style = styles.add_style(key, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    set_font(style.element, font)
    fmt = style.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(0), Pt(0)
    return style


def _fill_row(row, values, widths, style, *, center=False) -> None:
    style_id = style.style_id  # set by id: Paragraph.style looks the style up among all of them each time
    for cell, value, width in zip(row.cells, values, widths, strict=False):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph._p.style = style_id
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(str(value))


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return date_text(value)
    return str(value)


def add_signature(doc, signer: str, on: datetime.date) -> None:
    """发文机关署名 centred over the 成文日期; the date four characters from the right edge."""
    date = date_text(on)
    _paragraph(doc)
    _paragraph(doc)
    date_units = char_units(date)
    sign = _paragraph(doc, WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(SIZE_3 * max(4 + (date_units - char_units(signer)) / 2, 0))
    add_run(sign, signer)
    dated = _paragraph(doc, WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(SIZE_3 * 4)
    add_run(dated, date)


def date_text(on: datetime.date) -> str:
    """The 成文日期 in Arabic numerals, without leading zeros: 2026年11月5日."""
    return f"{on.year}年{on.month}月{on.day}日"


def doc_number(prefix: str, year: int, sequence: int) -> str:
    """A 发文字号: prefix, the year in 六角括号, the sequence number without leading zeros and 号."""
    return f"{prefix}〔{year}〕{sequence}号"


def _add_page_numbers(doc) -> None:
    """`— n —` in 4号 宋体: odd pages on the right, even pages on the left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(SIZE_4)
        else:
            paragraph.paragraph_format.left_indent = Pt(SIZE_4)
        add_run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=SIZE_4)
        _page_field(add_run(paragraph, "", font=PAGE_NUMBER_FONT, size=SIZE_4))
        add_run(paragraph, " —", font=PAGE_NUMBER_FONT, size=SIZE_4)


def _page_field(run) -> None:
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == "PAGE" else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} " if text == "PAGE" else text
        run._r.append(element)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
