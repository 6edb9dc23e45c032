from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from jixiao.audit.models import Event
from jixiao.indicators import actions
from jixiao.indicators.models import (
    GradeRule,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    SchemeStatus,
    VetoCondition,
)
from jixiao.indicators.tests import builders
from jixiao.indicators.validation import validate_scheme
from jixiao.org.models import CycleStatus, Group


@pytest.fixture
def planning(cast):
    return builders.cycle(2027)


def test_valid_scheme_has_no_problems(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    assert validate_scheme(scheme) == []


def test_points_not_adding_up_are_reported_with_group_block_sum_and_expected(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    item = scheme.items.first()
    item.points = Decimal("30")
    item.save()
    assert "组别「涉农街道」在板块「指标考核」的指标分值合计 70，应为 80" in validate_scheme(scheme)


def test_blocks_must_add_up_to_the_total(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    SchemeBlock.objects.filter(scheme=scheme, code="E").update(weight=15)
    assert "各板块分值合计 95，应等于方案总分 100" in validate_scheme(scheme)


def test_missing_params_and_assessor_are_reported_per_item(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    item = scheme.items.first()
    item.rule = "efficacy_coefficient"
    item.params = {"x_good": "10"}
    item.assessor = None
    item.save()
    problems = validate_scheme(scheme)
    where = f"组别「涉农街道」指标「{item.indicator.code} {item.indicator.name}」"
    assert f"{where}：缺少参数「不允许值」(x_bad)" in problems
    assert f"{where}：未设置考核责任单位" in problems


def test_grade_thresholds_must_descend(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    GradeRule.objects.filter(scheme=scheme, grade="good").update(min_score=95)
    assert "等次最低分须逐级递减：优秀 90 不高于 良好 95" in validate_scheme(scheme)


def test_quota_outside_0_100_is_refused_by_the_database(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    with pytest.raises(IntegrityError):
        GradeRule.objects.filter(scheme=scheme, grade="excellent").update(quota_percent=120)


def test_group_without_items_in_a_block_is_reported(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    lonely = builders.group(planning, "G2", [cast.fgw], "委办局")
    SchemeGroup.objects.create(scheme=scheme, group=lonely)
    assert "组别「委办局」在板块「指标考核」的指标分值合计 0，应为 80" in validate_scheme(scheme)


def test_publish_refuses_with_the_list_and_then_locks(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    SchemeBlock.objects.filter(scheme=scheme, code="E").update(weight=10)
    with pytest.raises(actions.SchemeInvalid) as refused:
        actions.publish_scheme(scheme, by=cast.office)
    assert refused.value.problems == ["各板块分值合计 90，应等于方案总分 100"]
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.DRAFT
    SchemeBlock.objects.filter(scheme=scheme, code="E").update(weight=20)
    actions.publish_scheme(scheme, by=cast.office)
    scheme.refresh_from_db()
    assert scheme.status == SchemeStatus.PUBLISHED and scheme.is_locked
    assert Event.objects.filter(code="scheme.published", object_id=str(scheme.pk)).count() == 1


def test_draft_changes_are_audited_as_item_events(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    item = scheme.items.first()
    item.points = Decimal("50")
    actions.save_part(item, by=cast.office)
    event = Event.objects.get(code="item.updated")
    assert event.before["points"] == "40.00" and event.after["points"] == "50"


def test_running_cycle_locks_the_scheme_and_changes_need_office_and_reason(cast):
    scheme = builders.valid_scheme(cast)  # cast.cycle is running
    assert scheme.status == SchemeStatus.DRAFT and scheme.is_locked
    item = scheme.items.first()
    item.points = Decimal("45")
    with pytest.raises(ValidationError, match="修改理由"):
        actions.save_part(item, by=cast.office)
    with pytest.raises(PermissionDenied):
        actions.save_part(item, by=cast.reporter, reason="想改")
    actions.save_part(item, by=cast.office, reason="市里调整了财政收入的考核权重")
    event = Event.objects.get(code="scheme.changed_after_lock")
    assert event.object_id == str(scheme.pk)
    assert event.before["values"]["points"] == "40.00"
    assert event.after["values"]["points"] == "45"
    assert event.after["reason"] == "市里调整了财政收入的考核权重"
    assert not Event.objects.filter(code="item.updated").exists()


def test_deleting_from_a_locked_scheme_is_audited(cast):
    scheme = builders.valid_scheme(cast)
    veto = VetoCondition.objects.create(scheme=scheme, code="V1", name="重大安全事故", effect="cap_grade",
                                        cap_grade="average")
    actions.delete_part(veto, by=cast.office, reason="并入共性指标")
    event = Event.objects.get(code="scheme.changed_after_lock")
    assert event.before["values"]["name"] == "重大安全事故" and event.after["values"] is None


def test_veto_capping_the_grade_must_name_the_grade(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    with pytest.raises(IntegrityError):
        VetoCondition.objects.create(scheme=scheme, code="V1", name="x", effect="cap_grade", cap_grade="")


def test_copy_to_next_year_makes_a_draft_with_everything(cast, planning):
    scheme = builders.valid_scheme(cast)  # 2026
    VetoCondition.objects.create(scheme=scheme, code="V1", name="重大安全事故", effect="no_award")
    ind = scheme.items.first().indicator
    newer = IndicatorVersion.objects.create(indicator=ind, valid_from_year=2027, definition="2027 新口径")
    actions.publish_scheme(scheme, by=cast.office)

    copy = actions.copy_to_next_year(scheme, by=cast.office)

    assert (copy.cycle, copy.status, copy.code, copy.copied_from) == (planning, SchemeStatus.DRAFT, "D01-2027", scheme)
    assert copy.name == "2027年度区级绩效考核方案"
    assert list(copy.blocks.values_list("code", "weight")) == list(scheme.blocks.values_list("code", "weight"))
    new_group = Group.objects.get(cycle=planning, code="G1")
    assert set(new_group.units.all()) == {cast.street, cast.other_street}
    assert copy.items.count() == scheme.items.count() == 2
    assert all(item.group == new_group and item.block.scheme == copy for item in copy.items.all())
    assert copy.items.get(indicator=ind).version == newer
    assert scheme.items.get(indicator=ind).version != newer  # the earlier cycle keeps its definition
    assert copy.grade_rules.count() == 4 and copy.vetoes.count() == 1
    assert validate_scheme(copy) == []
    assert Event.objects.filter(code="scheme.copied", object_id=str(copy.pk)).exists()
    with pytest.raises(ValidationError, match="已有该考核主体的方案"):
        actions.copy_to_next_year(scheme, by=cast.office)


def test_copy_reuses_an_existing_group_of_the_next_cycle(cast, planning):
    scheme = builders.valid_scheme(cast)
    existing = builders.group(planning, "G1", [cast.street], "涉农街道（调整后）")
    copy = actions.copy_to_next_year(scheme, by=cast.office)
    assert set(copy.scheme_groups.values_list("group", flat=True)) == {existing.pk}


def test_copy_needs_the_next_cycle(cast):
    scheme = builders.valid_scheme(cast)
    with pytest.raises(ValidationError, match="2027年度尚未建立"):
        actions.copy_to_next_year(scheme, by=cast.office)


def test_revising_a_definition_never_rewrites_a_locked_cycle(cast, planning):
    scheme = builders.valid_scheme(cast)
    item = scheme.items.first()
    ind = item.indicator
    with pytest.raises(ValidationError, match="请从下一年度起新建口径"):
        actions.revise_definition(ind, 2020, by=cast.office, definition="改写历史")
    version = actions.revise_definition(ind, 2027, by=cast.office, definition="2027 起按新统计制度")
    item.refresh_from_db()
    assert item.version.definition == f"{ind.code} 口径"
    assert ind.version_for(2026) == item.version and ind.version_for(2027) == version
    assert Event.objects.filter(code="indicator.definition_revised").count() == 1


def test_item_saved_through_the_action_gets_the_version_and_default_assessor(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    ind = builders.indicator("N1", assessor=cast.fgw)
    item = SchemeItem(scheme=scheme, block=scheme.blocks.get(code="A"), group=Group.objects.get(code="G1"),
                      indicator=ind, points=Decimal(0), rule="rank_based", params={})
    actions.save_part(item, by=cast.office)
    item.refresh_from_db()
    assert item.version == ind.versions.get()
    assert item.assessor == cast.fgw
    assert item.params == {"first_pct": "100", "step_pct": "5", "floor_pct": "0"}
    assert Event.objects.filter(code="item.created").count() == 1


def test_scheme_is_locked_when_its_cycle_runs(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    assert not scheme.is_locked
    planning.status = CycleStatus.RUNNING
    planning.save()
    scheme.refresh_from_db()
    assert scheme.is_locked
