"""A report's PDF for the portal, laid out by WeasyPrint from the same outline as its .docx (report_document.py).

The HTML (`analysis/report_pdf.html`) follows GB/T 9704 as far as a PDF needs: A4, margins 37/26/35/28 mm, title in
22 pt, body 16 pt on a 28.95 pt line pitch (22 lines a page), headings 一、 in a sans face, page numbers `— n —`
outside (odd pages right, even pages left). The fonts are Debian's fonts-noto-cjk (Noto Serif CJK SC for the
body and title, Noto Sans CJK SC for headings and tables), embedded in the PDF as subsets, so the portal's reader
needs no font. Charts are the same PNGs as in the .docx, as data URIs.

WeasyPrint needs pango from Debian (`make system-deps`). Without it `available()` is False and `to_pdf` returns
None: the report is made without its PDF and the page says why (`MISSING`), never a crash.
"""

from __future__ import annotations

import base64
import datetime
import functools
import logging

from django.template.loader import render_to_string

from jixiao.analysis.report_document import Outline
from jixiao.lib import documents as d

logger = logging.getLogger(__name__)
MISSING = "本报告没有 PDF 版本：生成时服务器缺少 PDF 排版组件（WeasyPrint 与 pango）。Word 文件内容完整，可下载使用。"


@functools.cache
def _html_class():
    """WeasyPrint's HTML class, or None when it (or the pango it loads) cannot be imported."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # OSError: pango's shared library is missing
        logger.warning("WeasyPrint cannot be imported: reports are made without a PDF", exc_info=True)
        return None
    return HTML


def available() -> bool:
    return _html_class() is not None


def to_html(report: Outline, *, on: datetime.date) -> str:
    """The HTML WeasyPrint lays out: the title, the as-of date, the blocks, the signature."""
    blocks = [{"kind": b.kind, "text": b.text, "header": b.header, "rows": b.rows,
               "widths": [f"{100 * w / sum(b.widths):.1f}" for w in b.widths] if b.widths else [],
               "src": "data:image/png;base64," + base64.b64encode(b.png).decode("ascii") if b.png else ""}
              for b in report.blocks]
    return render_to_string("analysis/report_pdf.html", {
        "title": report.title, "as_of": d.date_text(report.as_of), "blocks": blocks, "signer": report.signer,
        "date": d.date_text(on)})


def to_pdf(report: Outline, *, on: datetime.date) -> bytes | None:
    """The PDF bytes, or None when WeasyPrint is not available on this machine."""
    html_class = _html_class()
    if html_class is None:
        return None
    return html_class(string=to_html(report, on=on)).write_pdf()
