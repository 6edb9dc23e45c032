"""The half-year analysis report as a GB/T 9704 .docx (lib/documents.py), from `Facts` and the office's text.

Seven parts: 一、总体情况 二、指标完成与序时进度 三、横比纵比 四、重点工作 五、评议与整改 六、存在问题 七、改进建议,
then the data sources; the as-of date under the title. 六 and 七 print the office's (possibly edited) text, one
paragraph a line.
"""

from __future__ import annotations

import datetime
import io

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


def title(f: content.Facts) -> str:
    return f"{f.subject}{f.period}绩效状况分析报告"


def build(f: content.Facts, problems: str, suggestions: str, *, on: datetime.date, charts: bool = True) -> bytes:
    doc = d.new_document()
    d.add_title(doc, title(f))
    dated = doc.add_paragraph()
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_run(dated, f"（数据截至{d.date_text(f.as_of)}）", font=d.SUBHEADING_FONT)
    charts = charts and report_charts.available()
    _overview(doc, f, charts)
    _pace(doc, f, charts)
    _compare(doc, f)
    _tasks(doc, f)
    _evaluation(doc, f)
    for heading, text in ((HEADINGS[5], problems), (HEADINGS[6], suggestions)):
        d.add_heading(doc, heading)
        for line in lines(text) or ["无。"]:
            d.add_body(doc, line)
    d.add_heading(doc, "附：数据来源")
    for source in f.sources:
        d.add_body(doc, source + "。")
    d.add_signature(doc, f"{settings.DISTRICT_NAME}{SIGNER}", on)
    return d.to_bytes(doc)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _picture(doc, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _overview(doc, f, charts: bool) -> None:
    d.add_heading(doc, HEADINGS[0])
    for sentence in content.overview(f):
        d.add_body(doc, sentence)
    if f.pace_counts and charts:
        _picture(doc, report_charts.pace_chart(f.pace_counts))
    elif f.pace_counts:
        d.add_body(doc, "（本机未找到中文字体，图表从略。）")


def _pace(doc, f, charts: bool) -> None:
    d.add_heading(doc, HEADINGS[1])
    d.add_table(doc, ["状态", "事项数"], [[pace.LABELS[s], n] for s, n in f.pace_counts.items()] or [["无", 0]],
                widths_mm=[78, 78])
    if not f.behind:
        d.add_body(doc, "无欠进度事项。")
    else:
        d.add_body(doc, f"欠进度事项{len(f.behind)}项，列示如下。")
        d.add_table(doc, ["单位", "类型", "名称", "完成率", "序时进度", "差额"],
                    [[b.unit, b.kind, b.name, b.completion, b.elapsed, b.shortfall] for b in f.behind[:MOST_ROWS]],
                    widths_mm=[30, 18, 44, 20, 20, 24])
        _more(doc, len(f.behind), "序时进度")
    if charts and f.district and any(u.behind for u in f.units):
        _picture(doc, report_charts.behind_chart([(u.unit, u.behind) for u in f.units if u.behind]))
    if charts and not f.district and f.completions:
        _picture(doc, report_charts.completion_chart(f.completions))


def _more(doc, total: int, page: str) -> None:
    if total > MOST_ROWS:
        d.add_body(doc, f"（另有{total - MOST_ROWS}项未列出，详见系统“{page}”页面。）")


def _compare(doc, f) -> None:
    d.add_heading(doc, HEADINGS[2])
    if f.district:
        if not f.indicators:
            d.add_body(doc, "本年度考核方案中尚无可横向比较的指标。")
            return
        d.add_body(doc, "各指标在全部被考核单位中的横向比较（中位数、标杆单位）和与上年同期的纵向比较如下。")
        d.add_table(doc, ["指标", "有数值单位", "中位数", "标杆单位", "标杆值", "同比改善"],
                    [[i.name, f"{i.reported}/{i.total}", i.median or "—", i.best or "—", i.best_value or "—",
                      f"{i.improved}/{i.comparable}" if i.comparable else "不可比"] for i in f.indicators[:MOST_ROWS]],
                    widths_mm=[40, 22, 22, 32, 20, 20])
        _more(doc, len(f.indicators), "横比纵比")
        return
    if not f.standings:
        d.add_body(doc, "本单位所在考核组别中尚无可横向比较的指标。")
        return
    d.add_table(doc, ["指标", "本单位", "组内名次", "标杆单位", "同比"],
                [[s.name, s.value or "—", f"{s.rank}/{s.size}" if s.rank else "未排名", s.best or "—",
                  _growth(s)] for s in f.standings], widths_mm=[44, 28, 20, 36, 28])
    for s in f.standings:
        d.add_body(doc, content.standing_sentence(s))


def _growth(s: content.StandingLine) -> str:
    if s.growth is None:
        return "不可比"
    return f"{'+' if s.growth > 0 else '−' if s.growth < 0 else ''}{content.percent(s.growth)}"


def _tasks(doc, f) -> None:
    d.add_heading(doc, HEADINGS[3])
    if not f.tasks:
        d.add_body(doc, "本年度无按节点目标监测的重点工作。" if f.district else "本单位未牵头按节点目标监测的重点工作。")
        return
    behind = sum(1 for t in f.tasks if t.status == pace.BEHIND)
    d.add_body(doc, f"按节点目标监测的重点工作{len(f.tasks)}项，其中欠进度{behind}项。")
    d.add_table(doc, ["重点工作", "牵头单位", "序时进度", "说明"],
                [[t.name, t.unit, t.label, t.note] for t in f.tasks[:MOST_ROWS]], widths_mm=[50, 32, 22, 52])
    _more(doc, len(f.tasks), "重点工作总览")


def _evaluation(doc, f) -> None:
    d.add_heading(doc, HEADINGS[4])
    d.add_body(doc, content.satisfaction_sentence(f))
    d.add_body(doc, content.rectification_sentence(f))
    for item in f.overdue[:MOST_ROWS]:
        d.add_body(doc, f"逾期：{item}")
