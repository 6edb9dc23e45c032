import pytest

from jixiao.audit import log


@pytest.mark.parametrize(
    "who, expected",
    [
        ("office", "在册单位"),
        ("leader", "在册单位"),
        ("reporter", "本单位平台人员"),
        ("reviewer", "本单位平台人员"),
        ("assessor", "本单位平台人员"),
        ("street_reporter", "下辖村/社区"),
        ("supervisor", "本单位平台人员"),
        ("rater", "本单位平台人员"),
        ("sysadmin", "系统管理工作台"),
        ("secadmin", "安全管理工作台"),
        ("auditor", "审计工作台"),
    ],
)
def test_each_role_has_its_home_page(cast, login, who, expected):
    response = login(getattr(cast, who)).get("/")
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_office_home_counts_units_by_kind(cast, login):
    body = login(cast.office).get("/").content.decode()
    # cast: 1 district, 1 department, 2 bureaus, 2 streets, 1 village = 7 units
    assert 'data-testid="unit-total">7<' in body
    assert "委办局" in body and "街道" in body


def test_office_home_lists_business_events_not_logins(cast, login):
    log.record("unit.updated", cast.fgw, user=cast.office)
    log.record("auth.login", cast.office, user=cast.office, object_repr="登录记录不应出现")
    body = login(cast.office).get("/").content.decode()
    assert "修改单位" in body
    assert "登录记录不应出现" not in body


def test_unit_home_shows_people_and_cadres_of_own_unit_only(cast, login):
    from jixiao.org.models import Cadre

    Cadre.objects.create(unit=cast.fgw, name="张建国", post="main", title="主任", tenure_from="2021-03-01")
    Cadre.objects.create(unit=cast.tjj, name="李卫东", post="main", title="局长", tenure_from="2021-03-01")
    body = login(cast.reporter).get("/").content.decode()
    assert "张建国" in body
    assert "李卫东" not in body
    assert "rater" in body  # the rater also holds a role in 发改委


def test_user_without_membership_is_told_to_ask_for_access(cast, login):
    body = login(cast.outsider).get("/").content.decode()
    assert "尚未被授予任何单位角色" in body


def test_home_query_count_is_bounded(cast, login, django_assert_max_num_queries):
    client = login(cast.office)
    # With the overview (jixiao/analysis/tests/test_overview.py checks it on filled years); here an empty year.
    with django_assert_max_num_queries(30):
        client.get("/")


def test_the_unit_donut_names_whole_kinds_in_its_legend():
    """The slices once carried "区直部门 72" and ECharts cut it to "区直部…"; the kinds now sit whole in a wrapping
    legend and the slices carry only their counts."""
    from jixiao.ui.home import kind_chart

    option = kind_chart([{"label": "区直部门", "count": 72}, {"label": "村/社区", "count": 61}])
    assert option["legend"]["bottom"] == 0 and "type" not in option["legend"]  # a plain legend wraps, never scrolls
    [series] = option["series"]
    assert series["label"]["formatter"] == "{c}"
    assert [d["name"] for d in series["data"]] == ["区直部门", "村/社区"]
