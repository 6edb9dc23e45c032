import datetime

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import Event
from jixiao.org import actions
from jixiao.org.models import Unit, UnitKind

D = datetime.date


def events(code):
    return list(Event.objects.filter(code=code).order_by("id"))


def test_create_unit_is_audited(cast):
    unit = actions.create_unit(by=cast.office, code="B03", name="区教育局", kind=UnitKind.BUREAU,
                               parent=cast.district, valid_from=D(2024, 1, 1))
    event = events("unit.created")[-1]
    assert event.object_id == str(unit.pk) and event.username == "office"
    assert event.after["name"] == "区教育局" and event.after["parent"] == cast.district.pk


@pytest.mark.parametrize("kind, parent_attr, message", [
    (UnitKind.VILLAGE, "district", "村/社区"),
    (UnitKind.BUREAU, "street", "委办局"),
    (UnitKind.STREET, None, "必须有上级"),
])
def test_create_unit_follows_kind_rules(cast, kind, parent_attr, message):
    parent = getattr(cast, parent_attr) if parent_attr else None
    with pytest.raises(ValidationError, match=message):
        actions.create_unit(by=cast.office, code="X1", name="新单位", kind=kind, parent=parent)
    assert not Unit.objects.filter(code="X1").exists()
    assert events("unit.created") == []


def test_create_unit_refuses_duplicate_code(cast):
    with pytest.raises(ValidationError, match="已存在"):
        actions.create_unit(by=cast.office, code="B01", name="重复", kind=UnitKind.BUREAU, parent=cast.district)


def test_update_unit_records_before_and_after(cast):
    actions.update_unit(cast.tjj, by=cast.office, name="区统计局（新）", is_assessor=False)
    cast.tjj.refresh_from_db()
    assert cast.tjj.name == "区统计局（新）"
    event = events("unit.updated")[-1]
    assert event.before["name"] == "区统计局" and event.after["name"] == "区统计局（新）"
    assert event.before["is_assessor"] is True and event.after["is_assessor"] is False


def test_update_kind_must_fit_parent_and_children(cast):
    with pytest.raises(ValidationError, match="下级单位"):
        actions.update_unit(cast.street, by=cast.office, kind=UnitKind.PARK)  # its village needs a street
    with pytest.raises(ValidationError):
        actions.update_unit(cast.fgw, by=cast.office, kind=UnitKind.VILLAGE)
    cast.street.refresh_from_db()
    assert cast.street.kind == UnitKind.STREET


def test_move_village_to_another_street(cast):
    actions.move_unit(cast.village, cast.other_street, by=cast.office)
    cast.village.refresh_from_db()
    assert cast.village.parent == cast.other_street
    event = events("unit.moved")[-1]
    assert event.before == {"parent": cast.street.pk} and event.after == {"parent": cast.other_street.pk}


def test_move_refuses_a_loop(cast):
    for target in (cast.village, cast.street):
        with pytest.raises(ValidationError, match="循环"):
            actions.move_unit(cast.street, target, by=cast.office)
    assert Unit.objects.get(pk=cast.street.pk).parent_id == cast.district.pk
    assert events("unit.moved") == []


def test_move_refuses_a_loop_through_a_city(cast):
    city = Unit.objects.create(code="C01", name="示范市", kind=UnitKind.CITY)
    actions.move_unit(cast.district, city, by=cast.office)
    with pytest.raises(ValidationError, match="循环"):
        actions.move_unit(city, cast.district, by=cast.office)
    assert Unit.objects.get(pk=city.pk).parent_id is None


def test_move_refuses_wrong_kind_and_retired_parent(cast):
    with pytest.raises(ValidationError, match="街道"):
        actions.move_unit(cast.village, cast.fgw, by=cast.office)
    actions.retire_unit(cast.other_street, D(2025, 12, 31), by=cast.office)
    with pytest.raises(ValidationError, match="已撤销"):
        actions.move_unit(cast.village, cast.other_street, by=cast.office)


def test_retire_sets_valid_to_and_keeps_the_row(cast):
    actions.retire_unit(cast.village, D(2025, 6, 30), by=cast.office)
    unit = Unit.objects.get(pk=cast.village.pk)
    assert unit.valid_to == D(2025, 6, 30)
    assert events("unit.retired")[-1].after == {"valid_to": "2025-06-30"}


def test_retire_refuses_unit_with_current_children(cast):
    with pytest.raises(ValidationError, match="下级单位"):
        actions.retire_unit(cast.street, D(2025, 6, 30), by=cast.office)
    actions.retire_unit(cast.village, D(2025, 6, 30), by=cast.office)
    actions.retire_unit(cast.street, D(2025, 6, 30), by=cast.office)
    assert Unit.objects.get(pk=cast.street.pk).is_retired


def test_retire_twice_or_before_start_is_refused(cast):
    with pytest.raises(ValidationError, match="早于"):
        actions.retire_unit(cast.village, D(2019, 1, 1), by=cast.office)
    actions.retire_unit(cast.village, D(2025, 1, 1), by=cast.office)
    with pytest.raises(ValidationError, match="已于"):
        actions.retire_unit(cast.village, D(2025, 2, 1), by=cast.office)
