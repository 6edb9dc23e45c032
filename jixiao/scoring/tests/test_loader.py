import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.indicators.models import SchemeItem, Target, TargetMilestone
from jixiao.org.models import Unit, UnitKind
from jixiao.scoring import engine, loader
from jixiao.scoring.tests.world import scheme_world


def _count(scheme, **load):
    with CaptureQueriesContext(connection) as ctx:
        inputs = loader.load(scheme, **load)
    return len(ctx.captured_queries), inputs


def test_loader_builds_inputs_from_the_database(cast):
    scheme = scheme_world(cast)
    inputs = loader.load(scheme)
    assert {u.code for u in inputs.units} == {"S01", "S02", "B01", "B02"}
    assert {b.code: b.kind for b in inputs.scheme.blocks} == {"A": "items", "E": "evaluation"}
    assert len(inputs.scheme.items) == 4 and len(inputs.values) == 8
    street_values = [v for v in inputs.values if v.unit == cast.street.pk]
    assert {v.actual for v in street_values} == {Decimal(110)}
    assert all(v.target == Decimal(100) and "年末核定" in v.note for v in street_values)
    assert not engine.validate_inputs(inputs)


def test_query_count_does_not_grow_with_units_or_items(cast):
    scheme = scheme_world(cast, n_indicators=2)
    small, inputs = _count(scheme, year_end=True)
    assert len(inputs.values) == 2 * 4
    assert small == EXPECTED_QUERIES
    # during the year: + the targets' milestones, the periods and the deadline extensions (尚未到报送期)
    assert _count(scheme, as_of=datetime.date(2026, 11, 25))[0] == EXPECTED_QUERIES + 3


def test_query_count_is_the_same_for_a_bigger_scheme(cast):
    extra = [Unit.objects.create(code=f"S9{i}", name=f"街道{i}", kind=UnitKind.STREET, parent=cast.district)
             for i in range(8)]
    scheme = scheme_world(cast, n_indicators=6, extra_units=extra)
    big, inputs = _count(scheme, year_end=True)
    assert len(inputs.values) == 6 * 12
    # 3 × the units and items: still the same fixed number of queries as the small scheme above.
    assert big == EXPECTED_QUERIES
    assert _count(scheme, as_of=datetime.date(2026, 11, 25))[0] == EXPECTED_QUERIES + 3


EXPECTED_QUERIES = 16  # at year end; + the campaign scope (evaluation blocks) + the target pairs (who is due)


def test_scheme_options_reach_the_engine_and_change_the_digest(cast):
    scheme = scheme_world(cast)
    before = loader.load(scheme)
    assert (before.scheme.missing_data, before.scheme.tie_rule) == ("zero", "shared")
    scheme.missing_data, scheme.tie_rule = "not_applicable", "blocks"
    scheme.save(update_fields=["missing_data", "tie_rule"])
    after = loader.load(scheme)
    assert (after.scheme.missing_data, after.scheme.tie_rule) == ("not_applicable", "blocks")
    assert engine.inputs_digest(after) != engine.inputs_digest(before)


def _campaign(cast, scheme, units):
    from django.utils import timezone

    from jixiao.evaluation.models import Campaign

    now = timezone.now()
    campaign = Campaign.objects.create(cycle=scheme.cycle, assessing_unit=scheme.assessing_unit, name="综合评议",
                                       opens_at=now, closes_at=now + datetime.timedelta(days=1))
    campaign.units.set(units)


def _evaluation_blocks(inputs):
    return {(s.unit, s.block): s for s in inputs.block_scores}


def test_units_the_campaign_does_not_evaluate_are_outside_the_evaluation_block(cast):
    scheme = scheme_world(cast)
    _campaign(cast, scheme, [cast.fgw, cast.tjj])  # the bureaus only, as in the seed
    inputs = loader.load(scheme)
    blocks = _evaluation_blocks(inputs)
    street = blocks[(cast.street.pk, "E")]
    assert not street.applicable and "不在2026年度综合评议的被评议单位之列" in street.note
    assert (cast.fgw.pk, "E") not in blocks  # evaluated but without answers yet: missing, not exempt
    result = engine.score_scheme(inputs)
    assert not result.for_unit(cast.street.pk).blocks[-1].applicable
    assert "按缺报计 0 分" in result.for_unit(cast.fgw.pk).blocks[-1].explanation


def test_without_any_campaign_the_evaluation_block_is_missing_for_everyone(cast):
    scheme = scheme_world(cast)
    inputs = loader.load(scheme)
    assert _evaluation_blocks(inputs) == {}
    assert "按缺报计 0 分" in engine.score_scheme(inputs).for_unit(cast.street.pk).blocks[-1].explanation


# --- During the year: milestones as targets; verified values only ----------------------------------------

NOVEMBER = datetime.date(2026, 11, 25)


def _reported(cast, unit, code, numbers, *, status="verified", verified=True):
    """A submission of `unit` for period `code` of 2026 with one value per indicator (in code order)."""
    from django.utils import timezone

    from jixiao.reporting.actions import default_dates
    from jixiao.reporting.models import Period, Submission, Value

    period = Period.objects.filter(cycle=cast.cycle, code=code).first() or Period.objects.create(
        cycle=cast.cycle, code=code, kind={"Q": "quarter", "H": "half", "M": "month"}[code[0]],
        **default_dates(2026, code))
    sub = Submission.objects.create(unit=unit, period=period, cycle=cast.cycle, status=status)
    indicators = sorted({i.indicator for i in SchemeItem.objects.filter(scheme__cycle=cast.cycle)},
                        key=lambda i: i.code)
    return [Value.objects.create(submission=sub, cycle=cast.cycle, unit=unit, indicator=ind, number=Decimal(n),
                                 verified_at=timezone.now() if verified else None)
            for ind, n in zip(indicators, numbers, strict=False)]


def _milestone(cast, unit, n, period, value):
    target = Target.objects.get(cycle=cast.cycle, unit=unit, indicator__code=f"E2026{n:02d}")
    return TargetMilestone.objects.create(target=target, period=period, value=Decimal(value))


def _street_lines(scheme, **load):
    """华明街道's lines, in item order."""
    result = engine.score_scheme(loader.load(scheme, **load))
    return next(unit for unit in result.units if unit.code == "S01").lines


def test_during_the_year_a_line_is_compared_with_the_milestone_of_its_latest_period(cast):
    """Targets 100 (40 points each, completion ratio, cap 1.2). 华明街道 reported 63 and 63 by Q3.
    Indicator 0 has a Q3 milestone of 70: 63 ÷ 70 = 90 % → 40 × 0.9 = 36.00.
    Indicator 1 has none: the annual target, 63 ÷ 100 → 40 × 0.63 = 25.20.
    At year end (the final stage) both use the annual target: 25.20 and 25.20."""
    scheme = scheme_world(cast)
    _reported(cast, cast.street, "Q3", [63, 63])
    _milestone(cast, cast.street, 0, "Q3", 70)
    _milestone(cast, cast.street, 0, "Q4", 100)
    during = _street_lines(scheme, as_of=NOVEMBER)
    assert [line.points for line in during] == [Decimal("36.00"), Decimal("25.20")]
    assert during[0].explanation.startswith("取第三季度已核定报送值，按第三季度节点目标 70 计：实际值 63，目标值 70")
    assert during[1].explanation.startswith("取第三季度已核定报送值，第三季度无节点目标，按年度目标计：实际值 63，目标值 100")
    year_end = _street_lines(scheme, as_of=NOVEMBER, year_end=True)
    assert [line.points for line in year_end] == [Decimal("25.20"), Decimal("25.20")]
    assert all("目标计" not in line.explanation and "节点目标" not in line.explanation for line in year_end)


def test_the_target_used_is_part_of_the_digest(cast):
    scheme = scheme_world(cast)
    _reported(cast, cast.street, "Q3", [63, 63])
    milestone = _milestone(cast, cast.street, 0, "Q3", 70)
    before = engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER))
    assert engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER)) == before
    milestone.value = Decimal(72)
    milestone.save(update_fields=["value"])
    assert engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER)) != before
    assert (engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER, year_end=True))
            != engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER)))


def test_a_run_reads_only_periods_ended_by_its_day_and_matches_milestones_ending_the_same_day(cast):
    """On 15 September Q3 is not over: the Q2 value 36 counts, compared with the H1 milestone 45 (Q2 and H1 both
    end on 30 June): 36 ÷ 45 = 80 % → 40 × 0.8 = 32.00. A monthly value of M06 would match it the same way."""
    scheme = scheme_world(cast)
    _reported(cast, cast.street, "Q2", [36, 36], status="locked")
    _reported(cast, cast.street, "Q3", [63, 63])
    _milestone(cast, cast.street, 0, "H1", 45)
    lines = _street_lines(scheme, as_of=datetime.date(2026, 9, 15))
    assert lines[0].points == Decimal("32.00")
    assert lines[0].explanation.startswith("取第二季度已核定报送值，按上半年节点目标 45 计：实际值 36")


def test_a_value_changed_after_unlocking_is_missing_until_verified_again(cast):
    """华明街道's Q3 submission is locked, but its indicator-0 value was unlocked and changed (verified_at
    cleared): the line scores 0 as 数值待核定 — neither the new figure nor an older period or the year-end actual.
    The other indicator still counts (Q3, 63 of 100 → 25.20)."""
    scheme = scheme_world(cast)
    _reported(cast, cast.street, "Q2", [36, 36], status="locked")
    changed, _other = _reported(cast, cast.street, "Q3", [63, 63], status="locked")
    changed.verified_at, changed.unlocked, changed.number = None, True, Decimal(66)
    changed.save(update_fields=["verified_at", "unlocked", "number"])
    inputs = loader.load(scheme, as_of=NOVEMBER)
    value = next(v for v in inputs.values if v.unit == cast.street.pk and v.actual is None)
    assert value.pending and value.note == "第三季度报送值修改后尚未重新核定"
    lines = _street_lines(scheme, as_of=NOVEMBER)
    assert [line.points for line in lines] == [Decimal(0), Decimal("25.20")]
    assert lines[0].explanation == "数值待核定（第三季度报送值修改后尚未重新核定），按缺报计 0 分（满分 40.00）"
    changed.verified_at = changed.updated_at = datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC)
    changed.save(update_fields=["verified_at", "updated_at"])
    assert _street_lines(scheme, as_of=NOVEMBER)[0].points == Decimal("26.40")  # 40 × 66 ÷ 100, verified again


def test_a_submission_not_yet_verified_as_a_whole_does_not_count(cast):
    """Q3 is approved but 区统计局 returned one value alone (and verified the other): the period is not verified
    as a whole, so the line reads the Q2 figure (36 of 100 → 14.40), as before the Q3 report."""
    scheme = scheme_world(cast)
    _reported(cast, cast.street, "Q2", [36, 36], status="locked")
    returned, _verified = _reported(cast, cast.street, "Q3", [63, 63], status="approved")
    returned.verified_at, returned.returned_at, returned.number = None, returned.verified_at, Decimal(60)
    returned.save(update_fields=["verified_at", "returned_at", "number"])
    lines = _street_lines(scheme, as_of=NOVEMBER)
    assert [line.points for line in lines] == [Decimal("14.40"), Decimal("14.40")]
    assert all(line.explanation.startswith("取第二季度已核定报送值") for line in lines)


def test_a_line_compared_with_a_milestone_checks_negative_growth_against_the_same_period_last_year(cast):
    """Annual base (2025 actual) 90 > the Q3 figure 63: against it every Q3 figure would be 负增长 and score 0.
    With the Q3 milestone 70 the base is the verified Q3 figure of 2025, 60: 63 ≥ 60, so 40 × 63 ÷ 70 = 36.00.
    Without a verified 2025 Q3 figure (金桥街道) there is no comparison: 36.00 too."""
    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle).update(baseline=Decimal(90))
    for unit in (cast.street, cast.other_street):
        _reported(cast, unit, "Q3", [63, 63])
        _milestone(cast, unit, 0, "Q3", 70)
    _last_year(cast, cast.street, "Q3", {0: 60})
    result = engine.score_scheme(loader.load(scheme, as_of=NOVEMBER))
    street, other = (next(u for u in result.units if u.code == code).lines[0] for code in ("S01", "S02"))
    assert (street.points, other.points) == (Decimal("36.00"), Decimal("36.00"))
    assert "按第三季度节点目标 70 计，基数取上年同期已核定值 60：" in street.explanation
    assert "上年同期无已核定值，不作负增长比较：" in other.explanation


def _last_year(cast, unit, code, numbers, *, status="locked", verified=True):
    """Verified 2025 figures of `unit` for period `code`: {indicator number: figure} (indicators E20260n)."""
    from django.utils import timezone

    from jixiao.indicators.models import Indicator
    from jixiao.org.models import Cycle
    from jixiao.reporting.actions import default_dates
    from jixiao.reporting.models import Period, Submission, Value

    last, _ = Cycle.objects.get_or_create(year=2025, defaults={
        "name": "2025年度", "starts_on": datetime.date(2025, 1, 1), "ends_on": datetime.date(2025, 12, 31)})
    period = Period.objects.filter(cycle=last, code=code).first() or Period.objects.create(
        cycle=last, code=code, kind={"Q": "quarter", "H": "half", "M": "month"}[code[0]], **default_dates(2025, code))
    sub = Submission.objects.create(unit=unit, period=period, cycle=last, status=status)
    return [Value.objects.create(submission=sub, cycle=last, unit=unit, number=Decimal(figure),
                                 indicator=Indicator.objects.get(code=f"E2026{n:02d}"),
                                 verified_at=timezone.now() if verified else None)
            for n, figure in numbers.items()]


def test_a_line_without_milestone_checks_negative_growth_against_the_same_period_last_year(cast):
    """No milestones; targets 100, annual base (2025 actual) 90; 40 points each, completion ratio, cap 1.2.
    Both streets reported 63 and 63 by Q3. Against the annual base every Q3 figure would be 负增长 (63 < 90).
    华明街道's verified 2025 Q3 figures: 60 for indicator 0, 70 for indicator 1.
      indicator 0: 63 ≥ 60, no negative growth → 40 × 63 ÷ 100 = 25.20;
      indicator 1: 63 < 70, negative growth against the same period → 0.
    金桥街道 has no 2025 Q3 figure: no comparison, 25.20 and 25.20.
    At year end the annual base holds again: 63 < 90 → 0 for all four lines."""
    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle).update(baseline=Decimal(90))
    for unit in (cast.street, cast.other_street):
        _reported(cast, unit, "Q3", [63, 63])
    _last_year(cast, cast.street, "Q3", {0: 60, 1: 70})
    _last_year(cast, cast.other_street, "Q2", {0: 80, 1: 80})  # another period: no match for a Q3 figure
    result = engine.score_scheme(loader.load(scheme, as_of=NOVEMBER))
    street, other = (result.for_unit(u.pk).lines for u in (cast.street, cast.other_street))
    assert [line.points for line in street] == [Decimal("25.20"), Decimal(0)]
    assert street[0].explanation.startswith(
        "取第三季度已核定报送值，第三季度无节点目标，按年度目标计，基数取上年同期已核定值 60：实际值 63，目标值 100")
    assert street[1].explanation.startswith(
        "取第三季度已核定报送值，第三季度无节点目标，按年度目标计，基数取上年同期已核定值 70：实际值 63，目标值 100，"
        "低于上年基数 70（负增长）")
    assert [line.points for line in other] == [Decimal("25.20"), Decimal("25.20")]
    assert all("，上年同期无已核定值，不作负增长比较：" in line.explanation for line in other)
    year_end = engine.score_scheme(loader.load(scheme, as_of=NOVEMBER, year_end=True))
    for unit in (cast.street, cast.other_street):
        lines = year_end.for_unit(unit.pk).lines
        assert [line.points for line in lines] == [0, 0]
        assert all("低于上年基数 90（负增长）" in line.explanation and "同期" not in line.explanation for line in lines)


def test_only_a_verified_figure_of_last_year_is_a_base(cast):
    """华明街道's 2025 Q3 figure 70 was changed after unlocking and not verified again: it is no base, so the
    Q3 figure 63 is not compared (40 × 63 ÷ 100 = 25.20) — rather than 0 against an unverified 70."""
    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle).update(baseline=Decimal(90))
    _reported(cast, cast.street, "Q3", [63, 63])
    _last_year(cast, cast.street, "Q3", {0: 70}, verified=False)
    line = _street_lines(scheme, as_of=NOVEMBER)[0]
    assert line.points == Decimal("25.20") and "上年同期无已核定值，不作负增长比较" in line.explanation


def test_growth_is_measured_against_the_same_period_last_year(cast):
    """Both items are 自身增长计分 (target growth 10 %, cap 1), annual base 90, Q3 figures 63 and 63.
    华明街道's 2025 Q3 figures: 60 and 70.
      indicator 0: g = (63 − 60) ÷ 60 = 5 % → 40 × min(5 % ÷ 10 %, 1) = 20.00;
      indicator 1: g = (63 − 70) ÷ 70 = −10 % → 0.00.
    金桥街道 has no 2025 Q3 figure: growth cannot be measured, both lines are not applicable (the block does
    not apply: the unit's total is the evaluation block's, section 5).
    At year end the annual base: g = (63 − 90) ÷ 90 = −30 % → 0 for the four lines."""
    scheme = scheme_world(cast)
    SchemeItem.objects.filter(scheme=scheme).update(rule="growth_vs_baseline",
                                                    params={"target_growth_pct": "10", "cap": "1"})
    Target.objects.filter(cycle=cast.cycle).update(baseline=Decimal(90))
    for unit in (cast.street, cast.other_street):
        _reported(cast, unit, "Q3", [63, 63])
    _last_year(cast, cast.street, "Q3", {0: 60, 1: 70})
    result = engine.score_scheme(loader.load(scheme, as_of=NOVEMBER))
    street, other = (result.for_unit(u.pk).lines for u in (cast.street, cast.other_street))
    assert [(line.status, line.points) for line in street] == [("scored", Decimal("20.00")), ("scored", 0)]
    assert street[0].explanation.startswith("取第三季度已核定报送值，基数取上年同期已核定值 60：实际值 63，上年基数 60，"
                                            "增长 5.00%")
    assert [line.status for line in other] == ["not_applicable", "not_applicable"]
    assert all(line.explanation.startswith("取第三季度已核定报送值，上年同期无已核定值，无法计算同比增长：")
               for line in other)
    year_end = engine.score_scheme(loader.load(scheme, as_of=NOVEMBER, year_end=True))
    for unit in (cast.street, cast.other_street):
        lines = year_end.for_unit(unit.pk).lines
        assert [(line.status, line.points) for line in lines] == [("scored", 0), ("scored", 0)]
        assert all("上年基数 90，增长 -30.00%" in line.explanation for line in lines)


def test_the_base_of_the_same_period_is_part_of_the_digest(cast):
    scheme = scheme_world(cast)
    Target.objects.filter(cycle=cast.cycle).update(baseline=Decimal(90))
    _reported(cast, cast.street, "Q3", [63, 63])
    before = engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER))
    (figure,) = _last_year(cast, cast.street, "Q3", {0: 60})
    with_base = engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER))
    assert with_base != before
    figure.number = Decimal(61)
    figure.save(update_fields=["number"])
    assert engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER)) not in (before, with_base)
    # at year end last year's periods are not read: the digest does not move with them
    year_end = engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER, year_end=True))
    figure.number = Decimal(62)
    figure.save(update_fields=["number"])
    assert engine.inputs_digest(loader.load(scheme, as_of=NOVEMBER, year_end=True)) == year_end


def test_one_more_query_during_the_year_for_the_base_of_the_same_period(cast):
    scheme = scheme_world(cast, n_indicators=2)
    for unit in (cast.street, cast.other_street):
        _reported(cast, unit, "Q3", [63, 63])
    assert _count(scheme, year_end=True)[0] == EXPECTED_QUERIES
    # the milestones, last year's same period, the periods and the extensions
    assert _count(scheme, as_of=NOVEMBER)[0] == EXPECTED_QUERIES + 4


# --- During the year: indicators not yet due (尚未到报送期) -----------------------------------------------


def _without_year_end_actuals(cast):
    Target.objects.filter(cycle=cast.cycle).update(actual=None)


def test_a_yearly_indicator_is_not_yet_due_during_the_year_and_its_points_go_to_the_others(cast):
    """Indicator 1 is reported once a year (no 2026 Y period set up: the default window, due 2027-01-10).
    华明街道 reported 63 for indicator 0 in Q3 (annual target 100, no milestone). On 2026-11-25 indicator 1 is
    not due: its 40 points go to indicator 0, maximum 80 → 80 × 63 ÷ 100 = 50.40.
    金桥街道 reported nothing: its quarterly line was due (Q3 closed 2026-10-13) and scores 0 (按缺报计 0 分).
    At year end (the final stage) everything is due: 华明街道 40 × 0.63 = 25.20 and 0 for indicator 1."""
    from jixiao.indicators.models import Indicator

    scheme = scheme_world(cast)
    _without_year_end_actuals(cast)
    Indicator.objects.filter(code="E202601").update(frequency="year")
    _reported(cast, cast.street, "Q3", [63])
    inputs = loader.load(scheme, as_of=NOVEMBER)
    value = next(v for v in inputs.values if v.unit == cast.street.pk and v.actual is None)
    assert value.not_due and value.note == "年度报送指标，截至 2026-11-25 尚未到报送期"
    result = engine.score_scheme(inputs)
    street, other = (result.for_unit(u.pk).lines for u in (cast.street, cast.other_street))
    assert [(line.status, line.points) for line in street] == [("scored", Decimal("50.40")), ("not_due", 0)]
    assert street[1].explanation == ("年度报送指标，截至 2026-11-25 尚未到报送期，本次不计分、权重按比例分配"
                                     "（分值 40.00 调入本板块其他指标）")
    assert street[0].explanation.startswith("含尚未到报送期指标调入分值，满分 40.00 → 80.00；取第三季度已核定报送值")
    assert [line.status for line in other] == ["missing", "not_due"]
    assert "按缺报计 0 分" in other[0].explanation
    year_end = _street_lines(scheme, as_of=NOVEMBER, year_end=True)
    assert [(line.status, line.points) for line in year_end] == [("scored", Decimal("25.20")), ("missing", 0)]


def test_an_indicator_is_due_once_a_period_is_late_for_the_unit(cast):
    """Q1 is due 2026-04-10 with 3 days' grace: on 04-13 nothing is late yet, on 04-14 it is. 华明街道 was
    granted until 04-20, so for it the line is due only after 04-23. A value already reported is scored
    whether due or not: 金桥街道 reported 30 and 30 by 04-13 (30 of 100 → 12.00 each)."""
    from django.utils import timezone

    from jixiao.reporting.actions import default_dates
    from jixiao.reporting.models import DeadlineException, Period

    scheme = scheme_world(cast)
    _without_year_end_actuals(cast)
    q1 = Period.objects.create(cycle=cast.cycle, code="Q1", kind="quarter", **default_dates(2026, "Q1"))
    assert (q1.deadline, q1.grace_days) == (datetime.date(2026, 4, 10), 3)
    _reported(cast, cast.other_street, "Q1", [30, 30])
    DeadlineException.objects.create(period=q1, unit=cast.street, deadline=datetime.date(2026, 4, 20), reason="系统故障",
                                     granted_by=cast.office, granted_at=timezone.now())

    def statuses(day):
        result = engine.score_scheme(loader.load(scheme, as_of=day))
        return {u.code: [(line.status, line.points) for line in u.lines] for u in result.units}

    april_13 = statuses(datetime.date(2026, 4, 13))
    assert april_13["S01"] == april_13["B01"] == [("not_due", 0), ("not_due", 0)]
    assert april_13["S02"] == [("scored", Decimal("12.00")), ("scored", Decimal("12.00"))]
    april_14 = statuses(datetime.date(2026, 4, 14))
    assert april_14["S01"] == [("not_due", 0), ("not_due", 0)]
    assert april_14["B01"] == [("missing", 0), ("missing", 0)]
    assert statuses(datetime.date(2026, 4, 24))["S01"] == [("missing", 0), ("missing", 0)]
