"""Nearest neighbours (analysis/neighbours.py) on examples worked out by hand in each test's comment."""

import math
import random
from decimal import Decimal

import pytest

from jixiao.analysis.neighbours import Attribute, Neighbour, UnitValues, closeness, nearest


def _units(table: dict[str, dict]) -> list[UnitValues]:
    return [UnitValues(code, f"单位{code}", values) for code, values in table.items()]


def _row(proposal, code):
    return [(n.code, round(n.distance, 5)) for n in proposal.of(code).neighbours]


def test_weighted_distance_and_the_attributes_that_make_two_units_alike():
    # a and b both: mean 1, sd 1, so z = x − 1. With w_a = 1, w_b = 3: d² = (Δa² + 3·Δb²) ÷ 4.
    # A–B: Δa = 2 → 4 ÷ 4 = 1 → d = 1.   A–C: Δb = 2 → 12 ÷ 4 = 3 → d = √3.   A–D: (4 + 12) ÷ 4 → d = 2.
    attributes = [Attribute("a", "人口", 1), Attribute("b", "面积", 3)]
    units = _units({"A": {"a": 0, "b": 0}, "B": {"a": 2, "b": 0}, "C": {"a": 0, "b": 2}, "D": {"a": 2, "b": 2}})
    proposal = nearest(attributes, units, k=3)
    assert _row(proposal, "A") == [("B", 1.0), ("C", round(math.sqrt(3), 5)), ("D", 2.0)]
    b, c, d = proposal.of("A").neighbours
    assert b.closest == ("面积",) and c.closest == ("人口",) and d.closest == ()  # equal b; equal a; nothing within ½ sd
    assert proposal.used == ("人口", "面积") and proposal.notes == () and proposal.excluded == ()


def test_k_limits_the_list_and_a_small_group_gives_what_it_has():
    attributes = [Attribute("a", "人口", 1), Attribute("b", "面积", 3)]
    units = _units({"A": {"a": 0, "b": 0}, "B": {"a": 2, "b": 0}, "C": {"a": 0, "b": 2}})
    assert [n.code for n in nearest(attributes, units, k=1).of("A").neighbours] == ["B"]
    assert [n.code for n in nearest(attributes, units, k=5).of("A").neighbours] == ["B", "C"]


def test_the_log_makes_ratios_equal_and_ties_go_to_the_unit_code():
    # ln 10, ln 100, ln 1000 = ln10 × (1, 2, 3): mean 2·ln10, sd ln10·√(2/3); z = −√1.5, 0, √1.5.
    # B (100) is √1.5 = 1.22474 from both A (1000) and C (10): a tie, so A comes first by its code.
    units = _units({"A": {"p": 1000}, "B": {"p": 100}, "C": {"p": 10}})
    logged = nearest([Attribute("p", "常住人口", 1, log_scale=True)], units, k=2)
    assert _row(logged, "B") == [("A", 1.22474), ("C", 1.22474)]
    assert _row(logged, "C") == [("B", 1.22474), ("A", 2.44949)]
    # Without the log: mean 370, sd = √((630² + 270² + 360²) ÷ 3) = √199800 = 446.98993; B–C = 90 ÷ sd = 0.20135,
    # B–A = 900 ÷ sd = 2.01347.
    plain = nearest([Attribute("p", "常住人口", 1)], units, k=2)
    assert _row(plain, "B") == [("C", 0.20135), ("A", 2.01347)]


def test_a_missing_attribute_is_skipped_for_the_pair_and_named():
    # z: A (−1, −1, −1), B (1, 1, 1), C (−1, 1, –), D (1, −1, –); every weight 1.
    # A–C on a, b: Δ = (0, 2) → 4 ÷ 2 → √2; A–D likewise √2 (a tie: C before D); A–B on all three: 12 ÷ 3 → 2.
    attributes = [Attribute("a", "人口", 1), Attribute("b", "面积", 1), Attribute("c", "地区生产总值", 1)]
    units = _units({"A": {"a": 0, "b": 0, "c": 0}, "B": {"a": 2, "b": 2, "c": 2}, "C": {"a": 0, "b": 2},
                    "D": {"a": 2, "b": 0, "c": None}})
    proposal = nearest(attributes, units, k=3)
    root2 = round(math.sqrt(2), 5)
    assert _row(proposal, "A") == [("C", root2), ("D", root2), ("B", 2.0)]
    c, d, b = proposal.of("A").neighbours
    assert c.skipped == ("地区生产总值",) and c.closest == ("人口",)
    assert d.skipped == ("地区生产总值",) and d.closest == ("面积",)
    assert b.skipped == () and b.closest == ()
    assert proposal.of("C").missing == ("地区生产总值",) and proposal.of("A").missing == ()
    assert _row(proposal, "C") == [("A", root2), ("B", root2), ("D", 2.0)]


def test_a_unit_with_too_little_is_left_out_with_the_reason_and_pairs_with_too_little_in_common_are_not_compared():
    # Weights 1, 1, 2 (total 4). E has only a (1 of 4): left out. F has a and b (2 of 4, half): kept.
    # G has only c (2 of 4): kept, but shares nothing with F, so neither is the other's neighbour.
    attributes = [Attribute("a", "人口", 1), Attribute("b", "面积", 1), Attribute("c", "地区生产总值", 2)]
    units = _units({"A": {"a": 0, "b": 0, "c": 0}, "B": {"a": 2, "b": 2, "c": 2}, "E": {"a": 1},
                    "F": {"a": 1, "b": 1}, "G": {"c": 1}, "H": {}})
    proposal = nearest(attributes, units, k=5)
    assert [(e.code, e.reason) for e in proposal.excluded] == [
        ("E", "缺少面积、地区生产总值，已有属性的权重不足总权重的一半"), ("H", "没有可参与计算的属性值")]
    assert [n.code for n in proposal.of("F").neighbours] == ["A", "B"]
    assert [n.code for n in proposal.of("G").neighbours] == ["A", "B"]
    assert [u.code for u in proposal.units] == ["A", "B", "F", "G"]


def test_all_units_identical_gives_an_explanation_not_a_crash():
    units = _units({"A": {"a": 5, "b": 1}, "B": {"a": 5, "b": 1}, "C": {"a": 5, "b": 1}})
    proposal = nearest([Attribute("a", "人口", 1), Attribute("b", "面积", 1)], units)
    assert proposal.units == () and proposal.used == ()
    assert proposal.notes == ("“人口”未参与计算：各单位取值相同，无法区分单位。",
                              "“面积”未参与计算：各单位取值相同，无法区分单位。",
                              "没有可参与计算的属性，无法提出近邻单位。")


def test_two_identical_units_are_at_distance_zero():
    units = _units({"A": {"a": 1}, "B": {"a": 1}, "C": {"a": 4}})
    proposal = nearest([Attribute("a", "人口", 1)], units, k=1)
    neighbour = proposal.of("A").neighbours[0]
    assert (neighbour.code, neighbour.distance, neighbour.closeness, neighbour.closest) == ("B", 0.0, "极为相近", ("人口",))


def test_a_group_of_one_says_so():
    proposal = nearest([Attribute("a", "人口", 1)], _units({"A": {"a": 1}}))
    assert proposal.units == () and proposal.notes == ("“人口”未参与计算：录入该属性的单位不足两个。",
                                                       "没有可参与计算的属性，无法提出近邻单位。")
    # One unit kept, though the attribute has two values (the other unit lacks the weightier one).
    attributes = [Attribute("a", "人口", 1), Attribute("b", "面积", 3)]
    proposal = nearest(attributes, _units({"A": {"a": 1, "b": 1}, "B": {"a": 2, "b": 2}, "C": {"a": 3}}))
    assert [u.code for u in proposal.units] == ["A", "B"]
    alone = nearest(attributes, _units({"A": {"a": 1, "b": 1}, "C": {"a": 3, "b": 1}, "D": {"a": 2}}))
    assert "“面积”未参与计算：各单位取值相同，无法区分单位。" in alone.notes


def test_weight_zero_non_positive_logs_and_nan_are_dropped_with_notes():
    attributes = [Attribute("a", "人口", 0), Attribute("p", "常住人口", 1, log_scale=True), Attribute("g", "增速", 1)]
    units = _units({"A": {"a": 1, "p": 100, "g": 1}, "B": {"a": 2, "p": 0, "g": float("nan")},
                    "C": {"a": 3, "p": 1000, "g": 2}, "D": {"p": Decimal("10"), "g": Decimal("1.5")}})
    proposal = nearest(attributes, units)
    assert proposal.notes == ("“人口”未参与计算：权重为 0。", "“常住人口”取对数，须为正数：为 0 或负数的值按缺失处理。")
    assert proposal.used == ("常住人口", "增速")
    assert [e.code for e in proposal.excluded] == ["B"]
    for row in proposal.units:
        assert all(math.isfinite(n.distance) for n in row.neighbours)


def test_the_order_of_the_input_does_not_matter():
    rng = random.Random(7)
    attributes = [Attribute(c, c, rng.choice([1, 2])) for c in "abcd"]
    units = _units({f"U{i:02d}": {c: rng.choice([None, *range(1, 6)]) for c in "abcd"} for i in range(30)})
    shuffled = list(units)
    rng.shuffle(shuffled)
    assert nearest(attributes, units, k=4) == nearest(attributes, shuffled, k=4)


def _brute_force(attributes, units, k):
    """The formula of the module docstring, pair by pair, with no grouping or projection."""
    stats = {}
    for a in attributes:
        xs = [float(u.values[a.code]) for u in units if u.values.get(a.code) is not None]
        mean = sum(xs) / len(xs)
        stats[a.code] = (mean, math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs)))
    total = sum(a.weight for a in attributes)
    rows = {}
    for u in units:
        found = []
        for v in units:
            shared = [a for a in attributes if u.values.get(a.code) is not None and v.values.get(a.code) is not None]
            weight = sum(a.weight for a in shared)
            if v is u or weight < total / 2:
                continue
            gaps = sum(a.weight * ((float(u.values[a.code]) - float(v.values[a.code])) / stats[a.code][1]) ** 2
                       for a in shared)
            found.append((round(math.sqrt(gaps / weight), 9), v.code))
        rows[u.code] = [(code, d) for d, code in sorted(found)[:k]]
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_grouped_computation_agrees_with_the_formula_pair_by_pair(seed):
    rng = random.Random(seed)
    attributes = [Attribute(c, c, rng.choice([1, 2, 3])) for c in "abcdef"]
    units = _units({f"U{i:03d}": {c: (None if rng.random() < 0.15 else rng.randint(1, 9)) for c in "abcdef"}
                    for i in range(60)})
    units = [u for u in units if sum(a.weight for a in attributes if u.values[a.code] is not None) >= 6]
    proposal = nearest(attributes, units, k=5)
    expected = _brute_force(attributes, units, 5)
    got = {row.code: [(n.code, n.distance) for n in row.neighbours] for row in proposal.units}
    assert got == expected


@pytest.mark.parametrize(("distance", "words"), [(0.0, "极为相近"), (0.2499, "极为相近"), (0.25, "非常相近"),
                                                 (0.5, "较为相近"), (0.75, "一般"), (1.0, "差异较大"), (3, "差异较大")])
def test_closeness_in_plain_words(distance, words):
    assert closeness(distance) == words


def test_closeness_follows_the_distance_as_shown_to_two_places():
    assert Neighbour("A", "甲", 0.9996, ()).closeness == "差异较大"  # shown as 1.00
    assert Neighbour("A", "甲", 0.9949, ()).closeness == "一般"  # shown as 0.99
