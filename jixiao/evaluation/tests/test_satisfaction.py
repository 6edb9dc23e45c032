"""The results math on a small example computed by hand."""

from decimal import Decimal

from jixiao.evaluation.satisfaction import Cell, GroupSpec, compute

LEADERS, PUBLIC, MEDIA = GroupSpec(1, "区级领导", Decimal(50)), GroupSpec(2, "群众代表", Decimal(30)), GroupSpec(3, "新闻媒体", Decimal(20))
CAP, SERVICE = 10, 20  # dimension ids


def test_weighted_score_by_hand():
    # Unit 7: leaders (5 answers) — capability 5×80=400 → 80, service 5×90=450 → 90 → group 85.
    #         public (6 answers)  — capability 6×60=360 → 60, service 6×70=420 → 70 → group 65.
    #         media  (2 answers)  — under 5: neither shown nor counted; its 20 % goes to the others.
    # total = (50×85 + 30×65) / 80 = (4250 + 1950) / 80 = 77.5
    # capability = (50×80 + 30×60)/80 = 72.5; service = (50×90 + 30×70)/80 = 82.5
    cells = [Cell(7, 1, CAP, 400, 5), Cell(7, 1, SERVICE, 450, 5), Cell(7, 2, CAP, 360, 6), Cell(7, 2, SERVICE, 420, 6),
             Cell(7, 3, CAP, 200, 2), Cell(7, 3, SERVICE, 200, 2)]
    result = compute(cells, [LEADERS, PUBLIC, MEDIA])[7]
    assert result.score == Decimal("77.50")
    assert result.dimensions == {CAP: Decimal("72.50"), SERVICE: Decimal("82.50")}
    assert result.groups[1].score == Decimal("85.00") and result.groups[1].counted
    assert result.groups[2].score == Decimal("65.00")
    assert result.groups[3].counted is False and result.groups[3].score is None and result.groups[3].raters == 2
    assert result.raters == 13
    assert "不足5份未计入：新闻媒体2份" in result.explanation


def test_rounding_happens_once_at_the_end():
    # leaders: 80, 80, 80, 80, 81 → 80.2 ; public 70×5 → 70 ; (50×80.2 + 30×70) / 80 = 76.375 → 76.38
    cells = [Cell(1, 1, CAP, 401, 5), Cell(1, 2, CAP, 350, 5)]
    assert compute(cells, [LEADERS, PUBLIC])[1].score == Decimal("76.38")


def test_unit_with_only_small_groups_has_no_score():
    result = compute([Cell(3, 1, CAP, 300, 4)], [LEADERS])[3]
    assert result.score is None and result.dimensions == {}
