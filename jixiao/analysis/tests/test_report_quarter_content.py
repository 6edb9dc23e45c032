"""The quarterly key-project report's rating rule and sentences from small hand-made lines."""

import datetime

from jixiao.analysis import pace
from jixiao.analysis import report_quarter_content as q

SEP_30 = datetime.date(2026, 9, 30)


def line(status, *, quarter_state=q.MET, shortfall=None, percent=50, milestones=4, note="", name="老旧小区改造"):
    return q.ProjectLine("ZD01", name, "华明街道", "张三", milestones=milestones, met=2, due=3,
                         quarter_goal="完成三季度节点" if quarter_state != q.NONE else "", quarter_state=quarter_state,
                         percent=percent, status=status, shortfall=shortfall, note=note)


def test_the_rating_follows_the_documented_rule_case_by_case():
    assert q.rate(line(pace.DONE)) == ("好", "已完成全部节点目标")
    assert q.rate(line(pace.AHEAD)) == ("好", "超序时进度，本季度节点按期完成")
    assert q.rate(line(pace.AHEAD, quarter_state=q.NOT_DUE))[0] == "较好"
    assert q.rate(line(pace.ON_PACE, quarter_state=q.NONE)) == ("较好", "达序时进度，本季度节点按期完成")
    assert q.rate(line(pace.ON_PACE, quarter_state=q.MISSED)) == ("一般", "达序时进度，本季度节点未完成")
    assert q.rate(line(pace.BEHIND, quarter_state=q.MISSED, shortfall=1)) == ("一般", "欠序时进度1个节点")
    assert q.rate(line(pace.BEHIND, quarter_state=q.MISSED, shortfall=2)) == ("差", "欠序时进度2个节点")
    assert q.rate(line(pace.BEHIND, shortfall=1, percent=None)) == ("差", "欠进度且未报送任何进展")
    assert q.rate(line(pace.UNKNOWN, milestones=0)) == ("未评价", "未设节点目标，无法评价")
    assert q.rate(line(pace.UNKNOWN, note="首个节点目标尚未到期。")) == ("未评价", "首个节点目标尚未到期")


def test_the_overview_counts_pace_the_quarters_milestones_and_ratings():
    f = q.QuarterFacts("全区", True, 2026, 3, SEP_30, projects=[
        line(pace.BEHIND, quarter_state=q.MISSED, shortfall=2, name="甲"),
        line(pace.ON_PACE, name="乙"), line(pace.ON_PACE, quarter_state=q.NONE, name="丙")])
    assert q.overview(f) == [
        "截至2026年9月30日，全区纳入季度评价的重点工作和重大项目共3项，按序时进度欠进度1项，达进度2项。",
        "本季度应完成节点目标2个，已完成1个，未完成1个。",
        "季度评价：较好2项，差1项。"]
    assert q.problems(f) == ["“甲”（华明街道）欠序时进度2个节点。", "本季度节点目标未按期完成的有“甲”。"]
    assert q.suggestions(f)[:2] == ["对欠进度的1个项目逐项明确追赶措施、责任人和完成时限，下季度按月调度。",
                                    "对评价为“差”的项目开展专项督查，必要时下发督办单，并约谈牵头单位负责人。"]
    f.projects.append(line(pace.BEHIND, quarter_state=q.MISSED, shortfall=1, name="丁"))
    assert q.problems(f)[0] == "“甲”、“丁”欠序时进度，其中“甲”（华明街道）差2个节点。"


def test_nothing_to_evaluate_and_nothing_wrong_are_said_not_left_empty():
    empty = q.QuarterFacts("华明街道", False, 2026, 1, datetime.date(2026, 3, 31))
    assert q.overview(empty) == ["截至2026年3月31日，2026年度华明街道牵头的重点工作和重大项目尚未设立，本季度无可评价的项目。"]
    assert q.problems(empty) == ["本季度无可评价的项目。"]
    fine = q.QuarterFacts("全区", True, 2026, 3, SEP_30, projects=[line(pace.DONE)])
    assert q.problems(fine) == ["截至9月30日，未发现欠进度、节点逾期或未报送进展的项目。"]
    assert q.suggestions(fine) == ["保持现有推进节奏，按节点目标做好下季度各项工作。"]


def test_a_task_without_milestones_and_one_never_reported_are_named():
    f = q.QuarterFacts("全区", True, 2026, 3, SEP_30, projects=[
        line(pace.UNKNOWN, milestones=0, quarter_state=q.NONE, percent=None, name="无节点"),
        line(pace.BEHIND, quarter_state=q.MISSED, shortfall=1, percent=None, name="未报送")])
    found = q.problems(f)
    assert "“未报送”截至9月30日未报送进展情况。" in found and "“无节点”未设节点目标，无法按序时进度评价。" in found
    assert "为未设节点目标的项目补充分季度节点目标。" in q.suggestions(f)
