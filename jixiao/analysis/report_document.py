"""The half-year analysis report as an outline of blocks, laid out as a GB/T 9704 .docx (lib/documents.py) here and
as a PDF by `report_pdf.py`, so both say the same: the same sentences, tables, charts and edited text.

Seven parts: 一、总体情况 二、指标完成与序时进度 三、横比纵比 四、重点工作 五、评议与整改 六、存在问题 七、改进建议,
then the data sources; the as-of date under the title. 六 and 七 print the office's (possibly edited) text, one
paragraph a line. The quarterly key-project report (`report_quarter.py`) writes its own outline of the same blocks.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from jixiao.analysis import pace, report_charts
from jixiao.analysis import report_content as content
from jixiao.lib import documents as d

HEADINGS = ["一、总体情况", "二、指标完成与序时进度", "三、横比纵比", "四、重点工作", "五、评议与整改", "六、存在问题",
            "七、改进建议"]
SIGNER = "绩效考核办公室"
MOST_ROWS = 60  # a district table lists this many rows and says how many more there are
CHART_WIDTH_MM = 150
NO_FONT = "（本机未找到中文字体，图表从略。）"


@dataclass(frozen=True)
class Block:
    """One piece of a report: a heading, a body paragraph, a table (widths in mm) or a chart (PNG)."""

    kind: str  # heading, body, table, picture
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    png: bytes = b""


@dataclass
class Outline:
    """A whole report before layout: its title, as-of date and blocks; signed by the office on the day it is made."""

    title: str
    as_of: datetime.date
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(Block("heading", text))

    def body(self, text: str) -> None:
        self.blocks.append(Block("body", text))

    def table(self, header: list[str], rows, widths: list[float]) -> None:
        self.blocks.append(Block("table", header=tuple(header), rows=tuple(tuple("" if v is None else str(v) for v in r)
                                                                             for r in rows), widths=tuple(widths)))

    def picture(self, png: bytes) -> None:
        self.blocks.append(Block("picture", png=png))

    def texts(self, heading: str, text: str) -> None:
        """A part of the office's editable text: one paragraph a line, 无。 when empty."""
        self.heading(heading)
        for line in lines(text) or ["无。"]:
            self.body(line)

    def sources(self, sources: list[str]) -> None:
        self.heading("附：数据来源")
        for source in sources:
            self.body(source + "。")

    @property
    def signer(self) -> str:
        return f"{settings.DISTRICT_NAME}{SIGNER}"


def title(f: content.Facts) -> str:
    return f"{f.subject}{f.period}绩效状况分析报告"


def outline(f: content.Facts, problems: str, suggestions: str, *, charts: bool = True) -> Outline:
    out = Outline(title(f), f.as_of)
    charts = charts and report_charts.available()
    _overview(out, f, charts)
    _pace(out, f, charts)
    _compare(out, f)
    _tasks(out, f)
    _evaluation(out, f)
    out.texts(HEADINGS[5], problems)
    out.texts(HEADINGS[6], suggestions)
    out.sources(f.sources)
    return out


def build(f: content.Facts, problems: str, suggestions: str, *, on: datetime.date, charts: bool = True) -> bytes:
    return to_docx(outline(f, problems, suggestions, charts=charts), on=on)


def to_docx(report: Outline, *, on: datetime.date) -> bytes:
    """The outline as a GB/T 9704 .docx: title, the as-of date under it, the blocks, the signature and date."""
    doc = d.new_document()
    d.add_title(doc, report.title)
    dated = doc.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_run(dated, f"（数据截至{d.date_text(report.as_of)}）", font=d.SUBHEADING_FONT)
    for block in report.blocks:
        if block.kind == "heading":
            d.add_heading(doc, block.text)
        elif block.kind == "body":
            d.add_body(doc, block.text)
        elif block.kind == "table":
            d.add_table(doc, block.header, block.rows, widths_mm=block.widths)
        else:
            doc.add_picture(io.BytesIO(block.png), width=Mm(CHART_WIDTH_MM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_signature(doc, report.signer, on)
    return d.to_bytes(doc)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _overview(out, f, charts: bool) -> None:
    out.heading(HEADINGS[0])
    for sentence in content.overview(f):
        out.body(sentence)
    if f.pace_counts and charts:
        out.picture(report_charts.pace_chart(f.pace_counts))
    elif f.pace_counts:
        out.body(NO_FONT)


def _pace(out, f, charts: bool) -> None:
    out.heading(HEADINGS[1])
    out.table(["状态", "事项数"], [[pace.LABELS[s], n] for s, n in f.pace_counts.items()] or [["无", 0]],
              [78, 78])
    if not f.behind:
        out.body("无欠进度事项。")
    else:
        out.body(f"欠进度事项{len(f.behind)}项，列示如下。")
        out.table(["单位", "类型", "名称", "完成率", "序时进度", "差额"],
                  [[b.unit, b.kind, b.name, b.completion, b.elapsed, b.shortfall] for b in f.behind[:MOST_ROWS]],
                  [30, 18, 44, 20, 20, 24])
        _more(out, len(f.behind), "序时进度")
    if charts and f.district and any(u.behind for u in f.units):
        out.picture(report_charts.behind_chart([(u.unit, u.behind) for u in f.units if u.behind]))
    if charts and not f.district and f.completions:
        out.picture(report_charts.completion_chart(f.completions))


def _more(out, total: int, page: str) -> None:
    if total > MOST_ROWS:
        out.body(f"（另有{total - MOST_ROWS}项未列出，详见系统“{page}”页面。）")


def _compare(out, f) -> None:
    out.heading(HEADINGS[2])
    if f.district:
        if not f.indicators:
            out.body("本年度考核方案中尚无可横向比较的指标。")
            return
        out.body("各指标在全部被考核单位中的横向比较（中位数、标杆单位）和与上年同期的纵向比较如下。")
        out.table(["指标", "有数值单位", "中位数", "标杆单位", "标杆值", "同比改善"],
                  [[i.name, f"{i.reported}/{i.total}", i.median or "—", i.best or "—", i.best_value or "—",
                    f"{i.improved}/{i.comparable}" if i.comparable else "不可比"] for i in f.indicators[:MOST_ROWS]],
                  [40, 22, 22, 32, 20, 20])
        _more(out, len(f.indicators), "横比纵比")
        return
    if not f.standings:
        out.body("本单位所在考核组别中尚无可横向比较的指标。")
        return
    out.table(["指标", "本单位", "组内名次", "标杆单位", "同比"],
              [[s.name, s.value or "—", f"{s.rank}/{s.size}" if s.rank else "未排名", s.best or "—",
                _growth(s)] for s in f.standings], [44, 28, 20, 36, 28])
    for s in f.standings:
        out.body(content.standing_sentence(s))


def _growth(s: content.StandingLine) -> str:
    if s.growth is None:
        return "不可比"
    return f"{'+' if s.growth > 0 else '−' if s.growth < 0 else ''}{content.percent(s.growth)}"


def _tasks(out, f) -> None:
    out.heading(HEADINGS[3])
    if not f.tasks:
        out.body("本年度无按节点目标监测的重点工作。" if f.district else "本单位未牵头按节点目标监测的重点工作。")
        return
    behind = sum(1 for t in f.tasks if t.status == pace.BEHIND)
    out.body(f"按节点目标监测的重点工作{len(f.tasks)}项，其中欠进度{behind}项。")
    out.table(["重点工作", "牵头单位", "序时进度", "说明"],
              [[t.name, t.unit, t.label, t.note] for t in f.tasks[:MOST_ROWS]], [50, 32, 22, 52])
    _more(out, len(f.tasks), "重点工作总览")


def _evaluation(out, f) -> None:
    out.heading(HEADINGS[4])
    out.body(content.satisfaction_sentence(f))
    out.body(content.rectification_sentence(f))
    for item in f.overdue[:MOST_ROWS]:
        out.body(f"逾期：{item}")
