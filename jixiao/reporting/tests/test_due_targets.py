"""Who is due a scheme item (reporting.due.is_due_from): the units with a target for its indicator in the cycle,
or every unit of its groups when the indicator has no target at all (qualitative work)."""

from jixiao.indicators.models import Target
from jixiao.reporting import due
from jixiao.reporting.tests.builders import world


def _due(period, unit) -> list[int]:
    return [item.pk for item in due.items_for_unit(period, unit)]


def test_an_indicator_with_targets_is_due_only_from_the_units_that_have_one(cast, django_assert_num_queries):
    w = world(cast)
    first, second = w["items"]
    Target.objects.filter(unit=cast.other_street, indicator=first.indicator).delete()
    with django_assert_num_queries(1):
        assert _due(w["q1"], cast.street) == [first.pk, second.pk]
    assert _due(w["q1"], cast.other_street) == [second.pk]
    with django_assert_num_queries(3):
        scope = due.scope_by_unit(w["q1"])
    assert {unit: list(items) for unit, items in scope.items()} == {
        cast.street.pk: [first.indicator_id, second.indicator_id], cast.other_street.pk: [second.indicator_id]}
    assert list(due.scope_by_unit(w["q1"], keep={first.indicator_id})[cast.other_street.pk]) == []


def test_an_indicator_without_any_target_is_due_from_every_unit_of_its_groups(cast):
    w = world(cast)
    first, second = w["items"]
    Target.objects.filter(indicator=first.indicator).delete()  # no target for anyone: due from both streets
    Target.objects.filter(unit=cast.other_street, indicator=second.indicator).delete()
    assert _due(w["q1"], cast.street) == [first.pk, second.pk]
    assert _due(w["q1"], cast.other_street) == [first.pk]
    assert list(due.scope_by_unit(w["q1"])[cast.other_street.pk]) == [first.indicator_id]


def test_a_unit_due_nothing_in_a_period_is_left_out_of_it(cast):
    w = world(cast)
    Target.objects.filter(unit=cast.other_street).delete()
    assert _due(w["q1"], cast.other_street) == []
    assert set(due.scope_by_unit(w["q1"])) == {cast.street.pk}
