"""The portal's pure figures, checked against hand-computed examples."""

import datetime
from decimal import Decimal

from jixiao.portal import glance

D = Decimal


def test_grade_summary_counts_grades_and_finds_the_average_and_the_best():
    groups = [{"name": "区直部门", "rows": [
        {"unit": "甲", "total": D("91.20"), "grade": "excellent"},
        {"unit": "乙", "total": D("85.00"), "grade": "good"},
        {"unit": "丙", "total": D("79.31"), "grade": "good"},
        {"unit": "丁", "total": D("60.00"), "grade": "poor"},
    ]}, {"name": "空组", "rows": []}]
    [summary] = glance.grade_summary(groups)
    assert summary["units"] == 4
    assert summary["grades"] == [1, 2, 0, 1]
    assert summary["grade_cells"] == [("优秀", 1), ("良好", 2), ("一般", 0), ("较差", 1)]
    assert summary["average"] == D("78.88")  # 315.51 / 4 = 78.8775, half up
    assert (summary["best"], summary["best_unit"]) == (D("91.20"), "甲")


def test_grade_option_stacks_one_series_per_grade():
    option = glance.grade_option([{"name": "委办局", "units": 3, "grades": [1, 1, 1, 0]}])
    assert option["yAxis"]["data"] == ["委办局"]
    assert [s["name"] for s in option["series"]] == ["优秀", "良好", "一般", "较差"]
    assert [s["data"] for s in option["series"]] == [[1], [1], [1], [0]]


def test_rectification_counts_split_closed_under_way_and_overdue():
    day = datetime.date(2026, 11, 25)
    items = [glance.RectificationFact(True, datetime.date(2026, 6, 30)),    # closed, even though past its date
             glance.RectificationFact(False, datetime.date(2026, 11, 24)),  # overdue
             glance.RectificationFact(False, datetime.date(2026, 11, 25)),  # due today: not yet overdue
             glance.RectificationFact(False, datetime.date(2027, 3, 31))]
    assert glance.rectification_counts(items, day) == {"total": 4, "closed": 1, "open": 2, "overdue": 1}
    assert glance.rectification_counts([], day) == {"total": 0, "closed": 0, "open": 0, "overdue": 0}


def test_satisfaction_is_the_raw_score_of_the_evaluation_block():
    blocks = [{"kind": "items", "raw": "53.84"}, {"kind": "evaluation", "raw": "82.78", "applicable": True}]
    assert glance.satisfaction(blocks) == D("82.78")
    assert glance.satisfaction([{"kind": "items", "raw": "95.34"}]) is None
    assert glance.satisfaction([{"kind": "evaluation", "raw": "0", "applicable": False}]) is None
    assert glance.satisfaction([]) is None


def test_trend_option_leaves_a_gap_for_a_year_without_a_figure():
    option = glance.trend_option([2024, 2025, 2026], [("总分", [D("80.5"), None, D("90")]),
                                                        ("满意度", [D("82.78"), D("85"), None])])
    assert option["xAxis"]["data"] == ["2024", "2025", "2026"]
    assert [(s["name"], s["data"]) for s in option["series"]] == [("总分", [80.5, None, 90.0]),
                                                                   ("满意度", [82.78, 85.0, None])]
