"""Properties that must hold for any data (hypothesis): bounded scores, no crash, ranks and grades follow totals."""

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.indicators.rule_specs import clean_params
from jixiao.scoring import rules
from jixiao.scoring.engine import quota_allowed, score_scheme
from jixiao.scoring.rules import Peer, RuleInput
from jixiao.scoring.tests.builders import GRADES, totals_inputs
from jixiao.scoring.types import GRADE_ORDER, MISSING, NOT_APPLICABLE, SCORED

numbers = st.none() | st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
counts = st.none() | st.integers(min_value=-2, max_value=20)
points = st.decimals(min_value=0, max_value=50, places=2)

# Params under which a rule can never give more than the line's points (cap 1, floors within points).
BOUNDED = {
    "completion_ratio": {},
    "reverse_control": {},
    "all_or_nothing": {"partial_fraction": "0.3"},
    "rank_based": {"step_pct": "10", "floor_pct": "20"},
    "relative_to_best": {"difficulty": {"U1": "1.2", "U2": "0.8"}},
    "efficacy_coefficient": {"x_good": "100", "x_bad": "20"},
    "step_deduction": {"k": "1.5", "d": "5", "floor": "1"},
    "per_event_deduction": {"points_per_event": "2", "floor": "1"},
    "growth_vs_baseline": {"target_growth_pct": "8"},
    "milestone_prorate": {},
    "qualitative_grade": {"grades": {"好": "1", "一般": "0.6"}},
    "manual": {"min_justification_chars": 2},
}


@st.composite
def rule_inputs(draw):
    peer_values = draw(st.lists(st.decimals(min_value=-100, max_value=1000, places=1), max_size=5))
    return RuleInput(
        points=draw(points), params={}, unit_code=draw(st.sampled_from(["U1", "U2", "U3"])),
        direction=draw(st.sampled_from(["higher_better", "lower_better", "interval"])),
        actual=draw(numbers), target=draw(numbers), baseline=draw(numbers), upper=draw(numbers),
        text=draw(st.sampled_from(["", "好", "一般", "差"])), events=draw(counts), milestones_due=draw(counts),
        milestones_on_time=draw(counts), milestones_late=draw(counts), manual_score=draw(numbers),
        justification=draw(st.sampled_from(["", "理由充分"])),
        peers=tuple(Peer(f"U{i}", v) for i, v in enumerate(peer_values, start=1)),
    )


@settings(max_examples=300, deadline=None, database=None)
@given(rule=st.sampled_from(sorted(BOUNDED)), data=rule_inputs())
def test_bounded_rules_stay_within_zero_and_points(rule, data):
    ri = replace(data, params=clean_params(rule, BOUNDED[rule]))
    if ri.peers and ri.actual is not None:
        ri = replace(ri, peers=(*ri.peers, Peer(ri.unit_code, ri.actual)))
    outcome = rules.RULE_FUNCTIONS[rule](ri)
    assert outcome.status in (SCORED, MISSING, NOT_APPLICABLE)
    assert outcome.explanation
    if outcome.status == SCORED:
        assert D(0) <= outcome.points <= ri.points
    else:
        assert outcome.points == 0


totals = st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=15)


@settings(max_examples=150, deadline=None, database=None)
@given(values=totals)
def test_ranks_and_grades_follow_totals(values):
    result = score_scheme(totals_inputs(values))
    units = result.units
    for a in units:
        for b in units:
            if a.total > b.total:
                assert a.rank < b.rank
                assert GRADE_ORDER.index(a.grade) <= GRADE_ORDER.index(b.grade)
            elif a.total == b.total:
                assert (a.rank, a.grade) == (b.rank, b.grade)
    for rule in GRADES:
        if rule.quota_percent is not None:
            assert sum(u.grade == rule.grade for u in units) <= quota_allowed(len(units), rule.quota_percent)


@settings(max_examples=50, deadline=None, database=None)
@given(values=totals, data=st.data())
def test_order_of_inputs_never_matters(values, data):
    inputs = totals_inputs(values)
    order = data.draw(st.permutations(range(len(values))))
    shuffled = replace(inputs, units=tuple(inputs.units[i] for i in order),
                       block_scores=tuple(inputs.block_scores[i] for i in order))
    assert score_scheme(shuffled) == score_scheme(inputs)


@settings(max_examples=200, deadline=None, database=None)
@given(data=rule_inputs())
def test_whole_steps_only_never_deduct_more_and_differ_by_at_most_one_step(data):
    """Counting only whole steps deducts at most as much as counting a partial step as whole, and at most one
    step (k = 1.5) less; both stay within the floor and the line's points."""
    partial = rules.step_deduction(replace(data, params=clean_params("step_deduction", BOUNDED["step_deduction"])))
    whole = rules.step_deduction(replace(data, params=clean_params(
        "step_deduction", {**BOUNDED["step_deduction"], "partial_step": False})))
    assert whole.status == partial.status
    if whole.status == SCORED:
        assert partial.points <= whole.points <= min(partial.points + D("1.5"), data.points)
