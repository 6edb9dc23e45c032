"""The demo district has the shape DEMO.md promises."""

import datetime
from collections import Counter

import pytest

from jixiao.demo import org
from jixiao.org.models import Cadre, CadrePost, Cycle, CycleStatus, Group, GroupPurpose, Unit, UnitKind

pytestmark = pytest.mark.usefixtures("demo")
DIRECT_KINDS = (UnitKind.DEPARTMENT, UnitKind.BUREAU, UnitKind.STREET, UnitKind.PARK)


def test_district_has_72_departments_of_which_15_bureaus():
    current = Unit.objects.current()
    kinds = Counter(current.values_list("kind", flat=True))
    assert kinds[UnitKind.BUREAU] == 15
    assert kinds[UnitKind.DEPARTMENT] + kinds[UnitKind.BUREAU] == 72
    assert kinds[UnitKind.DISTRICT] == 1
    departments = current.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.BUREAU])
    assert set(departments.values_list("parent__code", flat=True)) == {"D01"}
    assert Unit.objects.get(code=org.OFFICE_CODE).name == "区绩效考核办公室"
    assert Unit.objects.get(code="D01").parent is None


def test_department_names_and_codes_are_unique():
    names = list(Unit.objects.exclude(kind=UnitKind.VILLAGE).values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert len(set(Unit.objects.values_list("name", flat=True))) == Unit.objects.count()


def test_31_assessor_units_among_the_departments():
    assessors = Unit.objects.current().filter(is_assessor=True)
    assert assessors.count() == 31
    assert set(assessors.values_list("kind", flat=True)) <= {UnitKind.DEPARTMENT, UnitKind.BUREAU}
    names = set(assessors.values_list("name", flat=True))
    assert {"区发展和改革委员会", "区统计局", "区人力资源和社会保障局", "区财政局", "区应急管理局"} <= names


def test_seven_streets_three_parks_and_5_to_10_villages_each():
    streets = Unit.objects.filter(kind=UnitKind.STREET)
    assert streets.count() == 7
    assert Unit.objects.filter(kind=UnitKind.PARK).count() == 3
    for street in streets:
        villages = Unit.objects.current().filter(parent=street, kind=UnitKind.VILLAGE)
        assert 5 <= villages.count() <= 10, street.name


def test_organisational_changes_are_recorded_not_deleted():
    retired = Unit.objects.get(code="M58")
    successor = Unit.objects.get(code="M31")
    assert retired.valid_to == datetime.date(2023, 3, 31)
    assert successor.valid_from == datetime.date(2023, 4, 1)
    assert "M31" in retired.note
    merged = Unit.objects.filter(kind=UnitKind.VILLAGE, valid_to__isnull=False)
    assert merged.count() == 1
    assert merged.get().parent.code == "S03"


def test_cycles_2020_to_2026_six_published_one_running():
    cycles = {c.year: c for c in Cycle.objects.all()}
    assert sorted(cycles) == list(range(2020, 2027))
    assert {y for y, c in cycles.items() if c.status == CycleStatus.PUBLISHED} == set(range(2020, 2026))
    assert cycles[2026].status == CycleStatus.RUNNING
    assert cycles[2026].starts_on == datetime.date(2026, 1, 1)
    assert cycles[2026].ends_on == datetime.date(2026, 12, 31)


def test_fronts_cover_every_assessed_unit_exactly_once():
    for cycle in Cycle.objects.all():
        assert_fronts_cover(cycle)


def assert_fronts_cover(cycle):
    fronts = Group.objects.filter(cycle=cycle, purpose=GroupPurpose.FRONT).prefetch_related("units")
    assert [g.name for g in fronts] == [name for _, name in org.FRONTS]
    members = [u.code for g in fronts for u in g.units.all()]
    assessed = Unit.objects.valid_on(cycle.ends_on).filter(kind__in=DIRECT_KINDS)
    assert len(members) == len(set(members)) == 82
    assert set(members) == set(assessed.values_list("code", flat=True))


def test_fronts_follow_the_merger():
    def front_codes(year):
        group = Group.objects.get(cycle__year=year, code="F2")
        return set(group.units.values_list("code", flat=True))

    assert "M58" in front_codes(2022) and "M31" not in front_codes(2022)
    assert "M31" in front_codes(2023) and "M58" not in front_codes(2023)


def test_peer_groups_per_cycle():
    for cycle in Cycle.objects.all():
        peers = {g.code: g for g in Group.objects.filter(cycle=cycle, purpose=GroupPurpose.PEER)}
        assert set(peers) == {"G01", "G02", "S01G01"}
        econ = Counter(peers["G01"].units.values_list("kind", flat=True))
        assert econ == {UnitKind.STREET: 7, UnitKind.PARK: 3}
        assert set(peers["G02"].units.values_list("kind", flat=True)) == {UnitKind.BUREAU}
        assert peers["G02"].units.count() == 15
        villages = Unit.objects.valid_on(cycle.ends_on).filter(parent__code="S01")
        assert set(peers["S01G01"].units.all()) == set(villages)


def test_every_unit_has_one_main_leader_and_a_team_in_office():
    for unit in Unit.objects.current().filter(kind__in=DIRECT_KINDS):
        in_office = Counter(Cadre.objects.filter(unit=unit, tenure_to__isnull=True).values_list("post", flat=True))
        assert in_office[CadrePost.MAIN_LEADER] == 1, unit.name
        assert 2 <= in_office[CadrePost.TEAM_MEMBER] <= 4, unit.name


def test_thirty_district_leaders_in_office():
    leaders = Cadre.objects.filter(unit__code="D01", tenure_to__isnull=True)
    assert leaders.count() == 30
    assert leaders.filter(post=CadrePost.MAIN_LEADER).get().title == "区委书记"
    assert leaders.filter(title=org.MAYOR_TITLE).count() == 1


def test_cadre_history_has_successions():
    ended = Cadre.objects.filter(tenure_to__isnull=False, unit__valid_to__isnull=True)
    assert ended.count() >= 10
    for cadre in ended.filter(post=CadrePost.MAIN_LEADER):
        successor = Cadre.objects.get(unit=cadre.unit, post=CadrePost.MAIN_LEADER,
                                      tenure_from=cadre.tenure_to + datetime.timedelta(days=1))
        assert successor.name != cadre.name
    retired = Unit.objects.get(code="M58")
    assert set(retired.cadres.values_list("tenure_to", flat=True)) == {retired.valid_to}


def test_cadre_names_are_unique():
    names = list(Cadre.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_the_2023_reform_is_recorded_as_a_succession():
    from jixiao.org.models import Succession

    step = Succession.objects.get()
    assert (step.predecessor.code, step.successor.code, step.kind) == ("M58", "M31", "merge")
    assert step.on == step.predecessor.valid_to + datetime.timedelta(days=1) == step.successor.valid_from
