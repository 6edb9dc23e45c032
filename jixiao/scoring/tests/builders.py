"""Small builders for engine inputs, so each test states only what it is about."""

from decimal import Decimal as D

from jixiao.scoring.types import (
    EVALUATION,
    ITEMS,
    KEY_WORK,
    Block,
    BlockScore,
    GradeRule,
    Group,
    Item,
    ItemValue,
    Scheme,
    ScoringInputs,
    Unit,
)

GRADES = (
    GradeRule("excellent", D(90), D(20)),
    GradeRule("good", D(80)),
    GradeRule("average", D(60)),
    GradeRule("poor", D(0)),
)


def units(n: int) -> tuple[Unit, ...]:
    return tuple(Unit(i, f"U{i:02d}", f"单位{i}") for i in range(1, n + 1))


def three_block_scheme(**changes) -> Scheme:
    """指标 60 (completion 30 + all-or-nothing 20 + per-event 10), 重点工作 20, 综合评议 20; one group U01–U03."""
    items = (
        Item(1, "A", "G1", "E01", "财政收入", D(30), "completion_ratio", {}),
        Item(2, "A", "G1", "E02", "项目开工", D(20), "all_or_nothing", {}),
        Item(3, "A", "G1", "H01", "安全事故", D(10), "per_event_deduction", {"points_per_event": "2"}),
    )
    fields = {
        "code": "S2026", "name": "2026 年度方案",
        "blocks": (Block("A", "指标考核", D(60), ITEMS, 1), Block("K", "重点工作", D(20), KEY_WORK, 2),
                   Block("E", "综合评议", D(20), EVALUATION, 3)),
        "groups": (Group("G1", "经济组", (1, 2, 3)),),
        "items": items,
        "grade_rules": GRADES,
    }
    fields.update(changes)
    return Scheme(**fields)


def full_values(unit: int) -> tuple[ItemValue, ...]:
    """Actual 90 of 100, target 100 reached, 1 event: 27 + 20 + 8 = 55."""
    return (
        ItemValue(unit, 1, actual=D(90), target=D(100)),
        ItemValue(unit, 2, actual=D(100), target=D(100)),
        ItemValue(unit, 3, events=1),
    )


def full_block_scores(unit: int) -> tuple[BlockScore, ...]:
    """Key work 80 % → 16; evaluation 90 → 18."""
    return (BlockScore(unit, "K", D(80)), BlockScore(unit, "E", D(90)))


def three_block_inputs(**changes) -> ScoringInputs:
    fields = {
        "scheme": three_block_scheme(),
        "units": units(3),
        "values": tuple(v for u in (1, 2, 3) for v in full_values(u)),
        "block_scores": tuple(s for u in (1, 2, 3) for s in full_block_scores(u)),
    }
    fields.update(changes)
    return ScoringInputs(**fields)


def totals_inputs(totals: list, grade_rules=GRADES, **changes) -> ScoringInputs:
    """One evaluation block of 100 points whose score is the unit's total; one group of all units."""
    members = units(len(totals))
    scheme = Scheme(
        "S", "方案", (Block("E", "综合评议", D(100), EVALUATION),), (Group("G1", "一组", tuple(u.id for u in members)),),
        (), grade_rules=grade_rules, **changes.pop("scheme_changes", {}),
    )
    scores = tuple(BlockScore(u.id, "E", D(str(t))) for u, t in zip(members, totals, strict=True))
    return ScoringInputs(scheme, members, block_scores=scores, **changes)
