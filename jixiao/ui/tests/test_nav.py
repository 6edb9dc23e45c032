"""The sidebar (ui/nav.py): each page highlights exactly the one entry it belongs to."""

import pytest

from jixiao.ui import nav


def _active(sections) -> list[str]:
    return [item["label"] for section in sections for item in section["items"] if item["active"]]


@pytest.mark.parametrize("path, expected", [
    ("/", ["工作台"]),
    ("/reporting/", ["网上报件"]),
    ("/reporting/board/", ["报送情况"]),
    ("/reporting/periods/3/edit/", ["报送期"]),
    ("/reporting/submissions/5/", ["网上报件"]),
    ("/keywork/supervisions/", ["督查记录"]),
    ("/security/", []),
])
def test_office_admin_sees_one_active_entry(cast, path, expected):
    assert _active(nav.items_for(cast.office, path)) == expected


def test_reporter_under_own_targets_highlights_only_that_entry(cast):
    assert _active(nav.items_for(cast.reporter, "/indicators/targets/mine/")) == ["本单位指标与目标"]


def test_every_page_of_every_entry_highlights_at_most_one(cast):
    for user in (cast.office, cast.reporter, cast.assessor, cast.leader, cast.supervisor):
        sections = nav.items_for(user)
        for item in [i for s in sections for i in s["items"]]:
            assert _active(nav.items_for(user, item["url"])) == [item["label"]], (user.username, item["url"])


def test_the_page_renders_one_active_link(cast, login):
    body = login(cast.office).get("/reporting/board/").content.decode()
    assert body.count('aria-current="page"><i class="bi') == 1
