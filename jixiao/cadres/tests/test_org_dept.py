"""The organisation department (组织部) reads cadres — files, lists, accountability — and nothing else.

The access matrix's cast has no 组织部 user, so this module walks the matrix itself for one: every URL of every
other app answers it as it answers a user with no role at all (the cast's outsider), except pages open to
anyone logged in; the cadre pages answer it like a leader where they read and 403 where they change.
"""

import pytest
from django.urls import reverse

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.cadres import access as cadre_access
from jixiao.cadres.tests import access_use, use_world

READS = {"cadres:file_list", "cadres:file_detail", "cadres:file_export", "cadres:lists", "cadres:lists_export",
         "cadres:accountability_list"}
CHANGES = set(access_use.CASES) - READS


@pytest.fixture
def world(cast):
    return use_world.build(cast)


def test_the_role_allows_reading_cadres_and_no_other_action(world):
    user = world.orgdept
    allowed = sorted(action for action in access.ACTIONS if access.can(user, action))
    assert allowed == ["cadres.view"]
    assert cadre_access.can_read(user) and not cadre_access.can_manage(user)
    assert Role.ORG_DEPT.label == "组织部"
    assert not access.visible_units(user).exclude(pk=user.memberships.get().unit_id).exists()


def test_it_reads_the_files_lists_and_accountability_and_changes_nothing(world, cast, login):
    client = login(world.orgdept)
    for name in sorted(READS):
        case = access_use.CASES[name]
        url = reverse(name, kwargs=case["kwargs"](cast) if case.get("kwargs") else None)
        assert client.get(url).status_code == 200, name
    for name in sorted(CHANGES):
        case = access_use.CASES[name]
        url = reverse(name, kwargs=case["kwargs"](cast))
        assert getattr(client, case.get("method", "get"))(url).status_code == 403, name


def test_its_sidebar_holds_the_cadre_pages_only(world, login):
    from jixiao.ui import nav

    client = login(world.orgdept)
    home = client.get(reverse("ui:home"))
    assert home.status_code == 200
    sections = {section["title"]: [item["label"] for item in section["items"]]
                for section in nav.items_for(world.orgdept)}
    assert set(sections) == {"概览", "干部考核"} and sections["概览"] == ["工作台"]
    assert {"干部考核档案", "结果运用名单", "问责记录"} <= set(sections["干部考核"])


def _groups() -> dict[str, list[str]]:
    """The matrix's URL names by the world they build: each app's own cases together, the rest one by one."""
    from tests.test_access_matrix import CASE_SOURCES

    groups = {source: sorted(names) for source, names in CASE_SOURCES.items() if source != "core"}
    groups.update({name: [name] for name in CASE_SOURCES["core"] if not name.startswith("cadres:")})
    return groups


GROUPS = _groups()


@pytest.fixture
def orgdept(cast):
    from tests.cast import grant, make_user

    user = make_user("orgdept", "组织部干部科")
    grant(user, cast.district, Role.ORG_DEPT)
    return user


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_other_url_of_the_matrix_is_refused_to_it(group, orgdept, cast, login):
    """Walk the whole access matrix, one app's world at a time (worlds of different apps may not share one
    database): outside the cadre pages the 组织部 gets what a user without a role gets."""
    from tests.test_access_matrix import MATRIX, _data, _url

    client = login(orgdept)
    wrong = []
    for name in GROUPS[group]:
        case = MATRIX[name]
        if name.startswith("cadres:") or name == "accounts:logout":
            continue
        response = getattr(client, case.method)(_url(cast, name, case), _data(cast, case))
        if "outsider" in case.allowed or case.public:
            expected = case.ok + ((302,) if case.public else ())
        else:
            expected = (403, 404)
        if response.status_code not in expected:
            wrong.append(f"{name}: {response.status_code} (expected {expected})")
    assert wrong == []
