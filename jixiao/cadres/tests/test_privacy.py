"""Cadre assessments are personal data (PIPL): never on the public portal, and nothing of a cadre reaches a unit.

The portal test walks every public page an anonymous visitor reaches, in both layouts, with cadres graded, a
talk and an accountability case recorded beside a published unit result, and looks for any of it in the text.
"""

import pathlib

import pytest
from django.urls import reverse

from jixiao.cadres.tests import use_world
from tests import crawl

# What a page would show of the cadre world: names, personal grades, scores, the talk and the accountability case.
SECRETS = ["张三", "李四", "王五", "基本称职", "不称职", "称职", str(use_world.ZHANG_SCORE_2025),
           str(use_world.LI_SCORE_2025), "单位绩效下滑", "重点项目推进不力", "诫勉谈话", "区委组织部部长", "实绩档案",
           "领导班子考核"]


@pytest.fixture
def world(cast):
    from jixiao.results.tests import builders

    found = use_world.build(cast)
    builders.scored(cast, publish=True)  # the portal has a published year of unit results to show
    return found


@pytest.mark.skipif(crawl.SKIP_CRAWLS, reason=crawl.SKIPPED_BECAUSE)
@pytest.mark.parametrize("elder", [False, True], ids=["ordinary", "elder"])
def test_no_cadre_name_or_grade_on_any_public_page(world, elder):
    pages = list(crawl.walk_public(crawl.public_client(elder)))
    texts = {page.url: page.text for page in pages if page.html}
    assert len(texts) > 5, f"the visitor reached only {sorted(texts)}"
    assert any("华明街道" in text for text in texts.values()), "the walk must read the published results"
    leaks = [f"{url}: {secret}" for url, text in texts.items() for secret in SECRETS if secret in text]
    assert leaks == []
    assert all(page.status < 500 for page in pages)


def test_no_portal_module_reads_the_cadres_app():
    """Decision 0014: the portal never imports `cadres`, so no public query can reach a cadre's grade."""
    portal = pathlib.Path(__file__).resolve().parents[2] / "portal"
    readers = [str(path.relative_to(portal)) for path in portal.rglob("*.py")
               if "jixiao.cadres" in path.read_text(encoding="utf-8") or "from jixiao import cadres" in
               path.read_text(encoding="utf-8")]
    assert readers == []


def test_an_anonymous_visitor_is_sent_to_the_login_page_from_every_cadre_url(world, client):
    for url in [reverse("cadres:file_list"), reverse("cadres:file_detail", args=[world.zhang.pk]),
                reverse("cadres:file_export", args=[world.zhang.pk]), reverse("cadres:lists"),
                reverse("cadres:lists_export"), reverse("cadres:accountability_list")]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("role", ["reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
                                  "sysadmin", "secadmin", "auditor", "outsider"])
def test_no_unit_user_reads_any_cadre_by_any_id(world, cast, login, role):
    client = login(getattr(cast, role))
    for cadre in (world.zhang, world.li_fgw, world.li_street, world.wang):
        for name in ("cadres:file_detail", "cadres:file_export", "cadres:accountability_create"):
            response = client.get(reverse(name, args=[cadre.pk]))
            assert response.status_code in (403, 404), (role, name, response.status_code)
            assert "张三" not in response.content.decode(errors="replace")


@pytest.mark.skipif(crawl.SKIP_CRAWLS, reason=crawl.SKIPPED_BECAUSE)
def test_the_demo_district_shows_its_cadre_results_to_the_org_dept_and_none_on_the_portal(db, settings, login):
    """The whole demo on its day: the 不称职 cadre's accountability case and lists for the 组织部, and the portal
    walked in full shows no personal grade and nothing of the case."""
    import time_machine

    from jixiao.accounts.models import User
    from jixiao.cadres import lists
    from jixiao.cadres.models import Accountability, CadreAssessment
    from jixiao.demo import accountability, build
    from jixiao.demo.accounts import account
    from tests.browser.conftest import DEMO_DAY

    settings.DEMO_MODE = True
    with time_machine.travel(DEMO_DAY, tick=False):
        build.load()
        case = Accountability.objects.select_related("cadre", "cycle").get()
        assert case.reason == accountability.REASON and case.cycle.year == 2025
        assert CadreAssessment.objects.get(cycle=case.cycle, cadre=case.cadre).grade == "incompetent"
        found = lists.for_cycle(case.cycle)
        for kind in (lists.TALK, lists.ADJUST):
            assert case.cadre in [e.cadre for e in found[kind]], kind
        reader = login(User.objects.get(username=account("orgdept").username))
        page = reader.get(reverse("cadres:file_detail", args=[case.cadre.pk]))
        assert page.status_code == 200 and accountability.DECISION in page.content.decode()
        texts = [p.text for p in crawl.walk_public(crawl.public_client()) if p.html]
    assert len(texts) > 20
    leaks = sorted({secret for text in texts for secret in ("基本称职", "不称职", accountability.REASON,
                                                            accountability.DECISION, "实绩档案") if secret in text})
    assert leaks == []
