"""Anonymous portal pages from the cache (portal/cache.py): a repeat visit reads one row, and anything published —
an article, a scheduled time reached, a run, a profile, a disclosed rectification, an approved reply — shows at
once; the 长辈版 cookie, the language and each visitor's CSRF token are never shared between visitors."""

import contextlib
import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.portal import cache, profile_actions
from jixiao.portal.models import Revision
from jixiao.portal.tests.publishing_builders import checker, published
from jixiao.results import actions as results_actions
from jixiao.results.tests import builders


@pytest.fixture(autouse=True)
def cached(settings):
    settings.PORTAL_CACHE_SECONDS = 60
    caches[cache.ALIAS].clear()
    yield
    caches[cache.ALIAS].clear()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Commit what came before (the test's set-up) and then the change itself, running their after-commit
    callbacks (the generation's raise) as real commits would; the test's own transaction never commits."""

    @contextlib.contextmanager
    def commit():
        for callback in pending():
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return commit


def pending() -> list:
    return [entry[1] for entry in connection.run_on_commit if isinstance(entry[1], cache._Raise) and entry[1].pending]


@pytest.fixture
def office2(cast):
    return checker(cast)


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        _get(client, url, **extra)
    return len(queries)


def test_a_repeat_visit_reads_only_the_generation(cast, client):
    first = _queries(client, reverse("portal:index"))
    assert first > 5
    assert _queries(client, reverse("portal:index")) == 1
    assert _queries(client, reverse("portal:units")) > 1  # another page is its own entry


def test_a_notice_approved_shows_at_once_and_only_because_the_generation_rose(cast, office2, clock, client, commits):
    notices = reverse("portal:notices")
    with commits():
        published(cast, office2, title="关于第一批公开事项的通知")
    assert "关于第一批公开事项的通知" in _get(client, notices)
    # A change that bypasses the signals (a bare update) is not seen: the page really comes from the cache...
    Revision.objects.filter(title="关于第一批公开事项的通知").update(title="悄悄改过的标题")
    assert "悄悄改过的标题" not in _get(client, notices)
    # ...and an approval, through the actions, shows the new item at once.
    with commits():
        published(cast, office2, title="关于第二批公开事项的通知")
    page = _get(client, notices)
    assert "关于第二批公开事项的通知" in page and "悄悄改过的标题" in page


def test_a_withdrawn_notice_leaves_the_cached_list_and_its_page_at_once(cast, office2, clock, client, commits):
    from jixiao.portal import publishing_actions

    with commits():
        article = published(cast, office2, title="将要撤回的通知")
    detail = reverse("portal:article", args=[article.pk])
    assert "将要撤回的通知" in _get(client, reverse("portal:notices")) and _get(client, detail)
    with commits():
        publishing_actions.withdraw(article, by=cast.office, reason="内容有误")
    assert "将要撤回的通知" not in _get(client, reverse("portal:notices"))
    assert client.get(detail).status_code == 404


def test_a_scheduled_notice_appears_when_its_time_comes_though_no_event_fires(cast, office2, clock, client,
                                                                              commits):
    at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10, seconds=30)
    with commits():
        published(cast, office2, title="定时发布的通知", publish_at=at)
    notices = reverse("portal:notices")
    assert "定时发布的通知" not in _get(client, notices)
    assert 0 < cache.seconds_to_keep(datetime.datetime.now(datetime.UTC)) <= 60
    clock.shift(datetime.timedelta(minutes=10, seconds=31))
    assert "定时发布的通知" in _get(client, notices)


def test_the_cache_never_outlives_the_next_scheduled_time(cast, office2, clock, commits):
    now = datetime.datetime.now(datetime.UTC)
    with commits():
        published(cast, office2, title="二十秒后发布", publish_at=now + datetime.timedelta(seconds=20))
    assert cache.seconds_to_keep(now) == 20


def test_a_published_run_reaches_the_results_page_and_the_home_at_once(cast, client, commits):
    assert "考核结果尚未公开发布" in _get(client, reverse("portal:index"))
    results = _get(client, reverse("portal:results"))
    with commits():
        builders.scored(cast, publish=True)
    assert "考核结果尚未公开发布" not in _get(client, reverse("portal:index"))
    assert _get(client, reverse("portal:results")) != results


def test_an_edited_profile_shows_at_once(cast, client, commits):
    builders.scored(cast, publish=True)
    url = reverse("portal:unit_detail", args=[cast.street.code])
    assert "部门职责暂未公开" in _get(client, url)
    with commits():
        profile_actions.set_duties(cast.street, "负责辖区经济社会发展。", by=cast.office)
    page = _get(client, url)
    assert "负责辖区经济社会发展。" in page and "部门职责暂未公开" not in page


def test_a_disclosed_rectification_shows_at_once(cast, client, commits):
    item = builders.rectification(cast, problem="窗口排队时间过长")
    url = reverse("portal:rectification")
    assert "窗口排队时间过长" not in _get(client, url)
    with commits():
        results_actions.set_disclosure(item, disclose=True, by=cast.office)
    assert "窗口排队时间过长" in _get(client, url)


def test_the_elder_layout_and_the_plain_one_are_kept_apart(db, client):
    home = reverse("portal:index")
    assert 'class="portal-elder"' not in _get(client, home)
    elder = Client()
    elder.cookies["portal_elder"] = "1"
    assert 'class="portal-elder"' in _get(elder, home)
    assert 'class="portal-elder"' not in _get(client, home)


def test_unknown_parameters_and_signed_in_people_skip_the_cache(cast, client, login):
    home = reverse("portal:index")
    _get(client, home)
    assert _queries(client, home + "?x=1") > 1
    assert _queries(client, home + "?x=2") > 1  # nothing was stored for ?x=1 either
    login(cast.office)
    assert _queries(client, home) > 1


def test_each_visitor_gets_a_token_of_their_own_and_the_code_box_still_checks_csrf(cast, campaign):
    home = reverse("portal:index")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    _get(first, home)  # renders and stores the page
    html = _get(second, home)  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "@@portal-csrf@@" not in html and "csrftoken" in second.cookies
    response = second.post(reverse("portal:evaluate"), {"code": "WRONG-CODE", "csrfmiddlewaretoken": token})
    assert response.status_code == 422 and "邀请码" in response.content.decode()  # the view ran: token accepted
    assert second.post(reverse("portal:evaluate"), {"code": "WRONG-CODE"}).status_code == 403


def test_a_page_that_failed_is_not_kept(db, client):
    assert client.get(reverse("portal:unit_detail", args=["NOPE"])).status_code == 404
    assert not caches[cache.ALIAS]._cache  # nothing stored for a 404


def test_one_raise_per_transaction_however_many_rows(cast, office2, clock):
    published(cast, office2, title="一")
    published(cast, office2, title="二")
    waiting = pending()
    assert len(waiting) == 1  # the cast, two drafts, two approvals: one raise at commit
    before = cache.generation()
    waiting[0]()
    assert cache.generation() == before + 1 and not pending()
    published(cast, office2, title="三")
    assert len(pending()) == 1  # after a commit, the next change raises again
