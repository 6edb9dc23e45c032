"""The result bulletin (通报), its Excel table, the feedback letter (反馈函) and the cadre archive workbook."""

import io

from django.conf import settings
from django.utils import timezone

from jixiao.lib import documents as d
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.results import queries
from jixiao.scoring.export import ADJUSTMENT_COLUMNS, warnings_sheet
from jixiao.scoring.types import NOT_DUE

SIGNER = "绩效考核办公室"


def _agency() -> str:
    return f"{settings.DISTRICT_NAME}绩效考核办公室"


def bulletin(cycle, runs, sequence: int = 1) -> bytes:
    """通报 of a cycle's results, one table per group: rank, unit, score, grade."""
    doc = d.new_document()
    d.add_letterhead(doc, f"{_agency()}文件", d.doc_number(f"{settings.DISTRICT_NAME}绩效办", cycle.year, sequence))
    d.add_title(doc, f"关于{cycle.year}年度绩效考核结果的通报")
    d.add_recipients(doc, "各街道、园区，区直各部门")
    d.add_body(doc, f"根据{cycle.year}年度绩效考核方案，经数据核定、反馈申诉和审定，现将考核结果通报如下。")
    groups = queries.by_group(queries.results_of(runs))
    for n, group in enumerate(groups, start=1):
        d.add_heading(doc, f"{_chinese(n)}、{group['name']}")
        d.add_table(doc, ["名次", "单位", "得分", "等次"],
                    [[r.rank, r.unit.name, r.total, r.get_grade_display()] for r in group["rows"]],
                    widths_mm=[20, 76, 30, 30])
    d.add_body(doc, "希望受到表彰的单位再接再厉；考核等次为一般及以下的单位要认真查找差距，限期整改。")
    d.add_signature(doc, SIGNER, timezone.localdate())
    return d.to_bytes(doc)


def _chinese(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def results_workbook(runs) -> bytes:
    """The publication table: per unit its score, the adjustments in it and those listed apart (单列), rank and
    grade; and the runs' warnings, so the table says everything the runs decided (as `export_results` does)."""
    rows = [[r.group.name, r.rank, r.unit.code, r.unit.name, r.total, r.adjustment_total, r.outside_total,
             r.get_grade_display(), "是" if r.award_eligible else "否"] for r in queries.results_of(runs)]
    buffer = io.BytesIO()
    write_workbook(buffer, [
        Sheet("考核结果", ["考核组别", "名次", "单位编码", "单位名称", "得分", *ADJUSTMENT_COLUMNS, "等次", "评先评优资格"],
              rows),
        warnings_sheet(runs),
    ])
    return buffer.getvalue()


def feedback_letter(result, sequence: int = 1) -> bytes:
    """反馈函: the unit's score, rank and grade, every lost point with its reason, and the gap to its group's best."""
    cycle = result.run.cycle
    doc = d.new_document()
    d.add_letterhead(doc, f"{_agency()}文件", d.doc_number(f"{settings.DISTRICT_NAME}绩效函", cycle.year, sequence))
    d.add_title(doc, f"关于反馈{cycle.year}年度绩效考核结果的函")
    d.add_recipients(doc, result.unit.name)
    d.add_body(doc, f"你单位{cycle.year}年度绩效考核得分{result.total}分，在{result.group.name}"
                    f"{result.group_size}个单位中排名第{result.rank}位，考核等次为“{result.get_grade_display()}”。"
                    "现将失分情况和与本组最优单位的差距反馈如下，请认真研究，制定整改措施。")
    if result.adjustments:  # the ledger decided something: say what, the 单列 part apart from the total
        d.add_body(doc, f"上述得分含加减分{result.adjustment_total}分；另有单列加减分{result.outside_total}分，"
                        "不计入总分，也不影响排名和等次。")
    d.add_heading(doc, "一、失分情况")
    lost = queries.lost_lines(result)
    if lost:
        d.add_table(doc, ["指标", "满分", "得分", "失分", "原因"],
                    [[line.name, _n(line.max_points), line.points, _n(line.lost), line.explanation] for line in lost],
                    widths_mm=[34, 16, 16, 16, 74])
    else:
        d.add_body(doc, "各项指标均未失分。")
    lines = list(result.lines.order_by("block", "indicator", "id"))
    not_due = [line.name for line in lines if line.status == NOT_DUE]
    if not_due:  # a run during the year: these were not due yet, so they neither lost points nor compare
        d.add_body(doc, f"以下{len(not_due)}项指标截至本次计算尚未到报送期，本次不计分、权重按比例分配："
                        f"{'、'.join(not_due)}。")
    d.add_heading(doc, "二、与本组最优单位的差距")
    stats = queries.group_stats(result.run, result.group_id)
    rows = []
    for line in lines:
        s = stats.get(line.indicator)
        if s is not None and line.status != NOT_DUE:
            rows.append([line.name, line.points, _n(s["average"]), s["best"], _n(s["best"] - line.points)])
    d.add_table(doc, ["指标", "本单位", "组平均", "组最优", "差距"], rows, widths_mm=[56, 25, 25, 25, 25])
    d.add_signature(doc, SIGNER, timezone.localdate())
    return d.to_bytes(doc)


def _n(value) -> str:
    return f"{value:.2f}"


def cadre_workbook(cadre, records) -> bytes:
    rows = [[r.cycle.year, r.unit.name, r.title, r.group_name, r.total, r.rank, r.group_size, r.grade_label,
             r.talk.held_on if hasattr(r, "talk") else None, r.notes] for r in records]
    buffer = io.BytesIO()
    write_workbook(buffer, [Sheet(cadre.name[:31], ["年度", "单位", "职务", "考核组别", "单位得分", "组内名次", "组内单位数",
                                                    "单位等次", "组织谈话日期", "备注"], rows)])
    return buffer.getvalue()
