"""The cycle's result-use lists: 组织谈话, 拟表彰, 拟调整, each entry with its reasons; the page and the audited export."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jixiao.audit.models import Event
from jixiao.cadres import lists
from jixiao.cadres.models import CadreAssessment
from jixiao.cadres.tests import use_world


@pytest.fixture
def world(cast):
    return use_world.build(cast)


def _by_name(entries):
    return {e.name: e.reasons for e in entries}


def test_2025_lists_with_their_reasons(world):
    found = lists.for_cycle(world.c2025)
    assert _by_name(found[lists.TALK]) == {
        "张三": ["主要领导，单位绩效考核等次为“一般”", "个人考核等次为“基本称职”"],
        "王五": ["个人考核等次为“不称职”"],
    }
    assert _by_name(found[lists.COMMEND]) == {"金桥街道领导班子": ["领导班子考核等次为“好”"],
                                             "李四": ["个人考核等次为“优秀”"]}
    assert _by_name(found[lists.ADJUST]) == {"王五": ["个人考核等次为“不称职”"],
                                            "张三": ["连续两年考核为“基本称职”（2024、2025年度）"]}
    talk = next(e for e in found[lists.TALK] if e.name == "张三")
    assert talk.talk.held_by == "区委组织部部长" and talk.unit_grade == "一般" and talk.team_grade == "一般"


def test_2024_lists_a_poor_team_for_adjustment_and_one_year_of_basic_is_not_repeated(world):
    found = lists.for_cycle(world.c2024)
    assert _by_name(found[lists.ADJUST]) == {"区发展和改革委员会领导班子": ["领导班子考核等次为“较差”"]}
    assert _by_name(found[lists.TALK]) == {"张三": ["个人考核等次为“基本称职”"]}  # unit 良好: no unit reason


def test_repeated_basic_follows_the_person_across_posts(world):
    CadreAssessment.objects.filter(cadre__in=[world.li_fgw, world.li_street]).update(grade="basic")
    adjust = _by_name(lists.for_cycle(world.c2025)[lists.ADJUST])
    assert adjust["李四"] == ["连续两年考核为“基本称职”（2024、2025年度）"]
    world.lisi.cadre_posts.remove(world.li_fgw)  # not known to be one person: one year each, no repetition
    assert "李四" not in _by_name(lists.for_cycle(world.c2025)[lists.ADJUST])


def test_an_undetermined_grade_puts_no_one_on_a_list(world):
    CadreAssessment.objects.filter(cycle=world.c2025).update(grade="")
    found = lists.for_cycle(world.c2025)
    assert _by_name(found[lists.TALK]) == {"张三": ["主要领导，单位绩效考核等次为“一般”"]}
    assert [e.name for e in found[lists.COMMEND]] == ["金桥街道领导班子"]
    assert found[lists.ADJUST] == []


def test_the_page_for_the_org_dept(world, login):
    page = login(world.orgdept).get(reverse("cadres:lists"), {"cycle": 2025})
    assert page.status_code == 200
    text = page.content.decode()
    for shown in ["组织谈话名单（2）", "拟表彰名单（2）", "拟调整名单（2）", "连续两年考核为“基本称职”", "2026-03-02 区委组织部部长",
                  "尚未谈话"]:
        assert shown in text, shown


def test_the_export_is_a_workbook_and_is_audited(world, login):
    response = login(world.orgdept).get(reverse("cadres:lists_export"), {"cycle": 2025})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["组织谈话名单", "拟表彰名单", "拟调整名单"]
    adjust = book.get_sheet_by_name("拟调整名单").to_python()
    assert adjust[0][:2] == ["单位", "对象"]
    assert {row[1]: row[7] for row in adjust[1:]} == {"王五": "个人考核等次为“不称职”",
                                                     "张三": "连续两年考核为“基本称职”（2024、2025年度）"}
    event = Event.objects.get(code="cadre.lists_exported")
    assert event.user_id == world.orgdept.pk and event.after == {"cycle": 2025, "talk": 2, "commend": 2, "adjust": 2}


def test_an_export_of_a_cycle_that_does_not_exist_is_a_404_and_not_audited(world, login):
    assert login(world.orgdept).get(reverse("cadres:lists_export"), {"cycle": "abc"}).status_code == 404
    assert not Event.objects.filter(code="cadre.lists_exported").exists()


def test_the_page_reads_in_a_fixed_number_of_queries(world, cast, login, django_assert_max_num_queries):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from jixiao.org.models import Cadre

    client = login(world.orgdept)
    client.get(reverse("cadres:lists"), {"cycle": 2025})
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("cadres:lists"), {"cycle": 2025})
    for n in range(12):  # twelve more cadres on the lists, each graded 不称职
        cadre = Cadre.objects.create(unit=cast.village, name=f"干部{n}", post="member", title="委员",
                                     tenure_from=datetime.date(2020, 1, 1))
        CadreAssessment.objects.create(cycle=world.c2025, cadre=cadre, unit=cast.village, post="member", title="委员",
                                       score=Decimal("50"), grade="incompetent", computed_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cadres:lists"), {"cycle": 2025})
    assert "拟调整名单（14）" in page.content.decode()
