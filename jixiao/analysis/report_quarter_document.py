"""The quarterly key-project evaluation report as an outline (`report_document.Outline`), laid out as the same
GB/T 9704 .docx and PDF as the half-year report.

Six parts: 一、总体情况 二、各项目进展 三、欠进度项目 四、季度评价 五、存在问题 六、改进建议, then the data sources;
the as-of date under the title. 五 and 六 print the office's (possibly edited) text, one paragraph a line.
"""

from __future__ import annotations

from jixiao.analysis import report_charts
from jixiao.analysis import report_quarter_content as content
from jixiao.analysis.report_document import MOST_ROWS, NO_FONT, Outline

HEADINGS = ["一、总体情况", "二、各项目进展", "三、欠进度项目", "四、季度评价", "五、存在问题", "六、改进建议"]
RULE = ("评价规则：已完成全部节点，或超序时进度且本季度节点按期完成的为“好”；达序时进度且本季度节点按期完成（或本季度无节点），"
        "或超序时进度但本季度节点未完成的为“较好”；达序时进度但本季度节点未完成，或欠序时进度1个节点的为“一般”；"
        "欠序时进度2个节点及以上，或欠进度且未报送进展的为“差”；未设节点目标或首个节点尚未到期的不评价。")


def title(f: content.QuarterFacts) -> str:
    return f"{f.subject}{f.period}重点项目评价报告"


def outline(f: content.QuarterFacts, problems: str, suggestions: str, *, charts: bool = True) -> Outline:
    out = Outline(title(f), f.as_of)
    charts = charts and report_charts.available()
    out.heading(HEADINGS[0])
    for sentence in content.overview(f):
        out.body(sentence)
    if f.projects and charts:
        out.picture(report_charts.pace_chart(f.pace_counts))
        out.picture(report_charts.rating_chart(f.rating_counts))
    elif f.projects:
        out.body(NO_FONT)
    _progress(out, f)
    _behind(out, f)
    _ratings(out, f)
    out.texts(HEADINGS[4], problems)
    out.texts(HEADINGS[5], suggestions)
    out.sources(f.sources)
    return out


def _more(out: Outline, total: int) -> None:
    if total > MOST_ROWS:
        out.body(f"（另有{total - MOST_ROWS}项未列出，详见系统“重点工作总览”页面。）")


def _progress(out: Outline, f: content.QuarterFacts) -> None:
    out.heading(HEADINGS[1])
    if not f.projects:
        out.body("无。")
        return
    out.table(["项目", "牵头单位", "责任领导", "本季度节点目标", "节点完成", "完成进度", "序时进度"],
              [[p.title, p.unit, p.leader or "—", p.quarter_goal or "—",
                p.quarter_state if p.quarter_goal else content.NONE, p.percent_text, p.label]
               for p in f.projects[:MOST_ROWS]], [32, 22, 17, 31, 18, 18, 18])
    _more(out, len(f.projects))


def _behind(out: Outline, f: content.QuarterFacts) -> None:
    out.heading(HEADINGS[2])
    behind = f.behind
    if not behind:
        out.body("本季度无欠进度项目。" if f.projects else "无。")
        return
    out.body(f"欠进度项目{len(behind)}个，列示如下（节点为截至数据截止日已完成/全年节点数）。")
    out.table(["项目", "牵头单位", "已完成节点", "应完成节点", "差额", "完成进度"],
              [[p.title, p.unit, p.met_text, str(p.due), f"{p.shortfall or 0}个节点", p.percent_text]
               for p in behind[:MOST_ROWS]], [40, 30, 22, 22, 20, 22])
    _more(out, len(behind))


def _ratings(out: Outline, f: content.QuarterFacts) -> None:
    out.heading(HEADINGS[3])
    out.body(RULE)
    if not f.projects:
        return
    out.table(["项目", "评价", "评价依据", "最新进展"],
              [[p.title, *p.rating, p.latest or "未报送"] for p in f.projects[:MOST_ROWS]], [40, 14, 44, 58])
    _more(out, len(f.projects))
