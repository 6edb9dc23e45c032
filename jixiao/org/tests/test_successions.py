"""机构调整: recording which unit carries on which, and the refusals (itself, a loop, dates outside validity)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.org import succession_actions as actions
from jixiao.org.models import Succession, Unit

D = datetime.date
START = D(2020, 1, 1)


def _unit(cast, code, name, valid_from=START, valid_to=None):
    return Unit.objects.create(code=code, name=name, kind="department", parent=cast.district,
                               valid_from=valid_from, valid_to=valid_to)


@pytest.fixture
def tourism(cast):
    old = _unit(cast, "M58", "区旅游局", valid_to=D(2023, 3, 31))
    new = _unit(cast, "M31", "区文化和旅游局", valid_from=D(2023, 4, 1))
    return old, new


def test_would_loop_follows_the_chain():
    pairs = [(1, 2), (2, 3)]
    assert actions.would_loop(3, 1, pairs)  # 3 → 1 closes 1 → 2 → 3 → 1
    assert not actions.would_loop(4, 1, pairs)
    assert not actions.would_loop(1, 3, pairs)  # a second route, not a loop


def test_record_a_merger_is_audited(cast, tourism):
    old, new = tourism
    made = actions.record_succession(predecessor=old, successor=new, on=D(2023, 4, 1), kind="merge",
                                     note="职责并入", by=cast.office)
    assert made.get_kind_display() == "合并"
    event = Event.objects.get(code="unit.succession_recorded")
    assert event.object_id == str(new.pk) and event.after["predecessor"] == old.pk


@pytest.mark.parametrize("case, on, message", [
    ("itself", D(2023, 4, 1), "不能是同一个单位"),
    ("early", D(2020, 1, 1), "须晚于原单位“区旅游局”的启用日期"),
    ("late", D(2023, 6, 1), "最晚为其撤销次日 2023-04-01"),
    ("before_successor", D(2023, 3, 1), "不能早于承继单位“区文化和旅游局”的启用日期"),
])
def test_refusals(cast, tourism, case, on, message):
    old, new = tourism
    predecessor = new if case == "itself" else old
    with pytest.raises(ValidationError) as caught:
        actions.record_succession(predecessor=predecessor, successor=new, on=on, kind="merge", by=cast.office)
    assert any(message in text for text in caught.value.messages)
    assert not Succession.objects.exists()


def test_refuses_a_loop_and_a_repeat(cast):
    a, b = _unit(cast, "A1", "甲局"), _unit(cast, "B1", "乙局")
    actions.record_succession(predecessor=a, successor=b, on=D(2022, 1, 1), kind="rename", by=cast.office)
    with pytest.raises(ValidationError, match="形成循环"):
        actions.record_succession(predecessor=b, successor=a, on=D(2024, 1, 1), kind="rename", by=cast.office)
    with pytest.raises(ValidationError, match="已记录过"):
        actions.record_succession(predecessor=a, successor=b, on=D(2023, 1, 1), kind="merge", by=cast.office)
    assert Succession.objects.count() == 1


def test_page_records_and_refuses_with_an_audit_event(cast, login, tourism):
    old, new = tourism
    client = login(cast.office)
    url = reverse("org:succession_list")
    refused = client.post(url, {"predecessor": old.pk, "successor": old.pk, "on": "2023-04-01", "kind": "merge"})
    assert refused.status_code == 422 and "原单位与承继单位不能是同一个单位" in refused.content.decode()
    assert Event.objects.filter(code="unit.succession_refused").count() == 1
    bad = client.post(url, {"predecessor": old.pk, "successor": new.pk, "on": "2023-13-01", "kind": "x"})
    assert bad.status_code == 422 and "调整日期格式不对" in bad.content.decode()
    done = client.post(url, {"predecessor": old.pk, "successor": new.pk, "on": "2023-04-01", "kind": "merge",
                             "note": "2023年机构改革"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "区旅游局" in page and "合并" in page and "2023年机构改革" in page
    succession = Succession.objects.get()
    assert client.post(reverse("org:succession_remove", args=[succession.pk])).status_code == 302
    assert not Succession.objects.exists()
    assert Event.objects.filter(code="unit.succession_removed").exists()


def test_leader_reads_without_the_form(cast, login):
    page = login(cast.leader).get(reverse("org:succession_list")).content.decode()
    assert "尚未记录机构调整" in page and "记录一次机构调整" not in page


def test_both_units_pages_name_the_step(cast, login, tourism):
    old, new = tourism
    actions.record_succession(predecessor=old, successor=new, on=D(2023, 4, 1), kind="merge", by=cast.office)
    client = login(cast.leader)
    for unit in (old, new):
        page = client.get(reverse("org:unit_detail", args=[unit.pk])).content.decode()
        assert "2023-04-01" in page and "区旅游局</a> 合并 →" in page
    assert "机构调整</dt>" not in client.get(reverse("org:unit_detail", args=[cast.fgw.pk])).content.decode()
