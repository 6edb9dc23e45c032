"""The only place plaintext codes ever go: a printable .docx sheet with QR codes and a CSV for SMS, zipped.

The link carries the code after '#', which browsers never send to the server, so codes do not land in
access logs; the public page reads it with a few lines of JavaScript (and lets people type it otherwise).
"""

import csv
import io
import zipfile

import segno
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jixiao.lib.excel import FORMULA_PREFIXES

FONT = "仿宋_GB2312"
CSV_HEADER = ["序号", "评议活动", "评议主体", "被评议单位", "邀请码", "评议链接", "短信内容"]


def link(base_url: str, code: str) -> str:
    return f"{base_url}#{code}"


def sms_text(campaign_name: str, unit_name: str, url: str, code: str) -> str:
    about = f"对{unit_name}" if unit_name else ""
    return (f"【{campaign_name}】诚邀您{about}进行评议，请打开 {url} 作答（邀请码 {code}，仅可使用一次，"
            f"评议截止后失效）。")


def _guard(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(campaign_name: str, group_name: str, unit_name: str, codes: list[str], base_url: str) -> bytes:
    """UTF-8 with BOM so that Excel and WPS open the Chinese text correctly; text cells never start a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for n, code in enumerate(codes, start=1):
        url = link(base_url, code)
        row = [str(n), campaign_name, group_name, unit_name, code, url, sms_text(campaign_name, unit_name, url, code)]
        writer.writerow([_guard(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _run(paragraph, text: str, size: float, bold: bool = False, mono: bool = False):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "Consolas" if mono else FONT
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def docx_bytes(campaign_name: str, group_name: str, unit_name: str, codes: list[str], base_url: str) -> bytes:
    """A4 sheets, two invitation cards per row, each with its QR code, code and instructions."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(1.5)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, f"{campaign_name} · {group_name}{(' · ' + unit_name) if unit_name else ''} 评议邀请码", 14, bold=True)
    table = document.add_table(rows=(len(codes) + 1) // 2, cols=2)
    table.style = "Table Grid"
    for n, code in enumerate(codes):
        _card(table.cell(n // 2, n % 2), campaign_name, unit_name, code, link(base_url, code))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _card(cell, campaign_name: str, unit_name: str, code: str, url: str) -> None:
    head = cell.paragraphs[0]
    _run(head, campaign_name, 10.5, bold=True)
    if unit_name:
        _run(cell.add_paragraph(), f"评议对象：{unit_name}", 10)
    picture = cell.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    picture.add_run().add_picture(png, width=Cm(3.2))
    code_line = cell.add_paragraph()
    code_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(code_line, code, 9.5, bold=True, mono=True)
    _run(cell.add_paragraph(), "用手机扫描二维码，或打开下方网址并输入邀请码。邀请码仅可使用一次，评议截止后失效。", 8)
    _run(cell.add_paragraph(), url.split("#")[0], 8, mono=True)


def bundle(campaign_name: str, group_name: str, unit_name: str, codes: list[str], base_url: str) -> bytes:
    """The zip the office downloads once: 邀请码打印.docx and 邀请码短信.csv."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("邀请码打印.docx", docx_bytes(campaign_name, group_name, unit_name, codes, base_url))
        archive.writestr("邀请码短信.csv", csv_bytes(campaign_name, group_name, unit_name, codes, base_url))
    return out.getvalue()
