import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators import actions
from jixiao.indicators.models import (
    Indicator,
    Scheme,
    SchemeBlock,
    SchemeItem,
    SchemeStatus,
    Target,
    TargetAdjustment,
)
from jixiao.indicators.tests import builders
from jixiao.indicators.tests.access_cases import world
from jixiao.org.models import Group, Unit, UnitKind


def test_office_creates_an_indicator_with_its_first_definition(cast, login):
    client = login(cast.office)
    response = client.post(reverse("indicators:indicator_create"), {
        "code": "EC01", "name": "一般公共预算收入", "category": "economic_core", "direction": "higher_better",
        "measure_unit": "万元", "frequency": "quarter", "aggregation": "sum", "active": "on", "sort_order": "1",
        "def-valid_from_year": "2026", "def-definition": "按财政局决算口径", "def-data_source": "区财政局",
        "def-default_assessor": str(cast.tjj.pk), "def-measure_unit": "万元",
    })
    indicator = Indicator.objects.get(code="EC01")
    assert response.status_code == 302
    assert indicator.version_for(2026).default_assessor == cast.tjj
    assert Event.objects.filter(code="indicator.created").exists()
    page = client.get(reverse("indicators:indicator_list"), {"category": "economic_core", "assessor": cast.tjj.pk})
    assert "一般公共预算收入" in page.content.decode()
    assert "一般公共预算收入" not in client.get(reverse("indicators:indicator_list"),
                                           {"category": "city_key"}).content.decode()


def test_duplicate_indicator_code_is_a_chinese_form_error(cast, login):
    builders.indicator("EC01")
    client = login(cast.office)
    response = client.post(reverse("indicators:indicator_create"), {
        "code": "EC01", "name": "x", "category": "economic_core", "direction": "higher_better",
        "frequency": "quarter", "aggregation": "sum", "sort_order": "0",
        "def-valid_from_year": "2026", "def-definition": "x",
    })
    assert response.status_code == 422
    assert "指标编码" in response.content.decode()


def test_scheme_page_shows_problems_and_publish_refuses(cast, login):
    w = world(cast)
    scheme = w["scheme"]
    SchemeBlock.objects.filter(scheme=scheme, code="E").update(weight=10)
    client = login(cast.office)
    response = client.post(reverse("indicators:scheme_publish", args=[scheme.pk]), follow=True)
    body = response.content.decode()
    assert "不能发布" in body and "各板块分值合计 90，应等于方案总分 100" in body
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.DRAFT


def test_item_form_reports_bad_params_and_locked_scheme_needs_a_reason(cast, login):
    w = world(cast)
    scheme, item = w["scheme"], w["item"]
    client = login(cast.office)
    url = reverse("indicators:part_edit", args=[scheme.pk, "item", item.pk])
    data = {"block": item.block_id, "group": item.group_id, "indicator": item.indicator_id, "points": "40",
            "rule": "efficacy_coefficient", "p_x_good": "100", "p_x_bad": "100", "assessor": cast.tjj.pk,
            "not_applicable_policy": "redistribute", "sort_order": "0"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 422
    assert "满意值与不允许值不能相等" in body and "修改理由" in body
    data.update(p_x_good="120", p_x_bad="80", reason="市考口径变化")
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.rule == "efficacy_coefficient" and item.params["x_bad"] == "80"
    assert Event.objects.get(code="scheme.changed_after_lock").after["reason"] == "市考口径变化"


def test_copy_to_next_year_from_the_page(cast, login):
    w = world(cast)
    builders.cycle(2027)
    client = login(cast.office)
    response = client.post(reverse("indicators:scheme_copy", args=[w["scheme"].pk]))
    copy = Scheme.objects.get(cycle__year=2027)
    assert response["Location"] == reverse("indicators:scheme_detail", args=[copy.pk])
    assert copy.items.count() == w["scheme"].items.count()


def test_street_sees_its_indicators_and_targets_not_the_other_streets(cast, login):
    w = world(cast)
    client = login(cast.street_reporter)
    body = client.get(reverse("indicators:my_targets")).content.decode()
    assert w["item"].indicator.name in body and "调整待审批" in body
    assert reverse("indicators:target_detail", args=[w["target"].pk]) in body
    assert reverse("indicators:target_detail", args=[w["other_target"].pk]) not in body
    assert client.get(reverse("indicators:target_detail", args=[w["other_target"].pk])).status_code == 404
    assert client.get(reverse("indicators:adjustment_request", args=[w["other_target"].pk])).status_code == 404
    assert client.post(reverse("indicators:adjustment_request", args=[w["other_target"].pk]),
                       {"requested_value": "1", "reason": "x"}).status_code == 404
    assert not TargetAdjustment.objects.filter(target=w["other_target"]).exists()


def test_request_and_decide_through_the_pages(cast, login):
    w = world(cast)
    TargetAdjustment.objects.all().delete()
    client = login(cast.street_reporter)
    url = reverse("indicators:adjustment_request", args=[w["target"].pk])
    with time_machine.travel(datetime.datetime(2026, 9, 1, 2, 0, tzinfo=datetime.UTC), tick=False):
        assert client.post(url, {"requested_value": "950", "reason": "拆迁影响税源"}).status_code == 302
        actions.set_adjustment_deadline(cast.cycle, datetime.date(2026, 8, 31), by=cast.office)
        late = client.post(url, {"requested_value": "900", "reason": "再降"})
    assert late.status_code == 422 and "截止" in late.content.decode()
    adjustment = TargetAdjustment.objects.get()
    office = login(cast.office)
    assert "拆迁影响税源" in office.get(reverse("indicators:adjustment_queue")).content.decode()
    office.post(reverse("indicators:adjustment_decide", args=[adjustment.pk]), {"decision": "approve"})
    assert Target.objects.get(pk=w["target"].pk).target_value == Decimal("950")


def test_refusing_without_reason_is_refused(cast, login):
    w = world(cast)
    client = login(cast.office)
    client.post(reverse("indicators:adjustment_decide", args=[w["adjustment"].pk]), {"decision": "refuse"})
    assert TargetAdjustment.objects.get().status == "pending"


def test_assessor_sees_every_unit_of_the_indicators_it_owns(cast, login):
    world(cast)
    body = login(cast.assessor).get(reverse("indicators:assessed")).content.decode()
    assert "华明街道" in body and "金桥街道" in body


def test_office_edits_a_target_and_direction_rules_hold(cast, login):
    w = world(cast)
    client = login(cast.office)
    url = reverse("indicators:target_edit", args=[w["target"].pk])
    bad = client.post(url, {"target_value": "-3", "source": "district_set"})
    assert bad.status_code == 422 and "目标值须大于 0" in bad.content.decode()
    assert client.post(url, {"target_value": "1200", "source": "district_set"}).status_code == 302
    assert Target.objects.get(pk=w["target"].pk).target_value == Decimal("1200")


# --- Query counts: the big tables do not grow with their rows -----------------------------------------


def _grow(cast, n_units, n_indicators):
    """A scheme of n_indicators for a group of n_units streets, with every target."""
    cycle = cast.cycle
    units = [Unit.objects.create(code=f"X{n_units}-{i}", name=f"测试街道{i}", kind=UnitKind.STREET, parent=cast.district)
             for i in range(n_units)]
    group = Group.objects.create(cycle=cycle, code=f"GX{n_units}", name="测试组")
    group.units.set(units + [cast.street])
    scheme = world(cast)["scheme"]
    scheme.scheme_groups.create(group=group)
    block = scheme.blocks.get(code="A")
    for i in range(n_indicators):
        ind = builders.indicator(f"Q{n_units}-{i}", assessor=cast.tjj)
        SchemeItem.objects.create(scheme=scheme, block=block, group=group, indicator=ind, version=ind.versions.get(),
                                  points=Decimal(1), rule="rank_based", params={}, assessor=cast.tjj)
        Target.objects.bulk_create(Target(cycle=cycle, unit=u, indicator=ind, target_value=Decimal(10))
                                   for u in units + [cast.street])
    return scheme


PAGES = [
    ("office", "indicators:scheme_detail", True),
    ("office", "indicators:target_list", False),
    ("office", "indicators:indicator_list", False),
    ("street_reporter", "indicators:my_targets", False),
    ("assessor", "indicators:assessed", False),
]


@pytest.mark.parametrize(("role", "name", "takes_scheme"), PAGES)
def test_query_count_does_not_grow_with_rows(role, name, takes_scheme, cast, login,
                                             django_assert_max_num_queries):
    counts = []
    for n_units, n_indicators in ((3, 2), (30, 12)):
        scheme = _grow(cast, n_units, n_indicators)
        client = login(getattr(cast, role))
        url = reverse(name, args=[scheme.pk] if takes_scheme else None)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(30):
        client.get(url)


def test_a_refused_publish_is_audited_with_what_the_office_read(cast, login):
    w = world(cast)
    scheme = w["scheme"]
    SchemeBlock.objects.filter(scheme=scheme, code="E").update(weight=10)
    response = login(cast.office).post(reverse("indicators:scheme_publish", args=[scheme.pk]), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    event = Event.objects.get(code="scheme.publish_refused")
    assert event.outcome == "failure" and event.user_id == cast.office.pk and event.object_id == str(scheme.pk)
    assert shown == [event.after["message"]]
    assert f"（{event.after['problems']} 个问题" in shown[0] and event.after["problems"] >= 1
