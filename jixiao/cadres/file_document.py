"""The cadre's performance file as a .docx 干部实绩材料, for a promotion review (干部选拔任用), in the GB/T 9704
layout of `lib/documents.py`."""

from django.conf import settings
from django.utils import timezone

from jixiao.cadres.file import PerformanceFile
from jixiao.lib import documents as d

PRIVACY_NOTE = "本材料含个人信息，仅供干部选拔任用工作使用，不得公开或转作他用。"
NONE = "—"


def _tenure(post) -> str:
    end = f"{post.tenure_to:%Y-%m-%d}" if post.tenure_to else "今"
    return f"{post.tenure_from:%Y-%m-%d} 至 {end}"


def _unit_result(row) -> str:
    record = row.record
    if record is None:
        return NONE
    rank = f"，第{record.rank}/{record.group_size}名" if record.rank else ""
    return f"{record.total if record.total is not None else NONE}分{rank}，{record.grade_label or NONE}"


def _cadre_grade(row) -> str:
    a = row.assessment
    if a is None or not a.grade:
        return NONE
    return f"{a.score}分，{a.get_grade_display()}" if a.score is not None else a.get_grade_display()


def _years(file: PerformanceFile) -> list[list]:
    return [[row.cycle.year, row.unit.name, row.post.title, _unit_result(row),
             row.team.get_grade_display() if row.team and row.team.grade else NONE, _cadre_grade(row)]
            for row in file.rows]


def performance_material(file: PerformanceFile) -> bytes:
    """干部实绩材料: the posts, each year's results and grades, key tasks, talks and accountability."""
    doc = d.new_document()
    d.add_title(doc, f"{file.name}同志实绩材料")
    d.add_body(doc, PRIVACY_NOTE)
    d.add_heading(doc, "一、任职情况")
    d.add_table(doc, ["单位", "职务", "岗位类别", "任职时间"],
                [[p.unit.name, p.title, p.get_post_display(), _tenure(p)] for p in file.posts],
                widths_mm=[50, 40, 22, 44])
    d.add_heading(doc, "二、历年考核情况")
    if file.rows:
        d.add_table(doc, ["年度", "单位", "职务", "单位绩效（得分、名次、等次）", "班子等次", "个人等次"],
                    _years(file), widths_mm=[14, 36, 26, 40, 16, 24])
        for row in file.rows:
            if row.grade_reasons:
                d.add_body(doc, f"{row.cycle.year}年度（{row.unit.name}）定等理由：{'；'.join(row.grade_reasons)}")
    else:
        d.add_body(doc, "尚无考核记录。")
    d.add_heading(doc, "三、分管重点工作")
    if file.key_tasks:
        d.add_table(doc, ["年度", "编号", "工作名称", "牵头单位"],
                    [[t.cycle.year, t.code, t.name, t.lead_unit.name] for t in file.key_tasks],
                    widths_mm=[16, 22, 78, 40])
    else:
        d.add_body(doc, "无。")
    d.add_heading(doc, "四、组织谈话")
    if file.talks:
        d.add_table(doc, ["年度", "谈话日期", "谈话人", "谈话要点"],
                    [[row.cycle.year, f"{talk.held_on:%Y-%m-%d}", talk.held_by, talk.summary]
                     for row, talk in file.talks], widths_mm=[16, 26, 30, 84])
    else:
        d.add_body(doc, "无。")
    d.add_heading(doc, "五、问责情况")
    if file.accountabilities:
        d.add_table(doc, ["决定日期", "类型", "问责事由", "处理决定"],
                    [[f"{a.decided_on:%Y-%m-%d}", a.get_kind_display(), a.reason, a.decision]
                     for a in file.accountabilities], widths_mm=[26, 22, 60, 48])
    else:
        d.add_body(doc, "无。")
    d.add_signature(doc, f"{settings.DISTRICT_NAME}绩效考核办公室", timezone.localdate())
    return d.to_bytes(doc)
