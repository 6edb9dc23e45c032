"""The scheme's scoring options (计分选项): missing data and the tie rule, set on their page and audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import Event
from jixiao.indicators import actions
from jixiao.indicators.models import MissingData, Scheme, TieRule
from jixiao.indicators.tests import builders
from jixiao.scoring.models import ScoreRun


@pytest.fixture
def planning(cast):
    return builders.cycle(2027)


def test_defaults_are_todays_behaviour(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    assert (scheme.missing_data, scheme.tie_rule) == (MissingData.ZERO, TieRule.SHARED)


def test_office_sets_the_options_of_a_draft_and_the_page_shows_them(cast, planning, login):
    scheme = builders.valid_scheme(cast, planning)
    client = login(cast.office)
    url = reverse("indicators:scheme_options", args=[scheme.pk])
    assert "同分排名规则" in client.get(url).content.decode()
    response = client.post(url, {"missing_data": "not_applicable", "tie_rule": "blocks"})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.missing_data, scheme.tie_rule) == ("not_applicable", "blocks")
    event = Event.objects.get(code="scheme.options_changed")
    assert event.before == {"missing_data": "zero", "tie_rule": "shared"}
    assert event.after == {"missing_data": "not_applicable", "tie_rule": "blocks"}
    body = client.get(reverse("indicators:scheme_detail", args=[scheme.pk])).content.decode()
    assert "按不适用处理" in body and "同分依次比较各板块得分" in body


def test_an_unknown_choice_is_refused_and_nothing_changes(cast, planning, login):
    scheme = builders.valid_scheme(cast, planning)
    client = login(cast.office)
    response = client.post(reverse("indicators:scheme_options", args=[scheme.pk]),
                           {"missing_data": "guess", "tie_rule": "coin"})
    assert response.status_code == 422
    assert "选择一个有效的选项" in response.content.decode()
    scheme.refresh_from_db()
    assert (scheme.missing_data, scheme.tie_rule) == ("zero", "shared")
    assert not Event.objects.filter(code="scheme.options_changed").exists()


def test_a_locked_scheme_needs_a_reason_and_is_audited_as_a_change_after_lock(cast, login):
    scheme = builders.valid_scheme(cast)  # the cast's cycle runs: locked
    client = login(cast.office)
    url = reverse("indicators:scheme_options", args=[scheme.pk])
    response = client.post(url, {"missing_data": "zero", "tie_rule": "blocks"})
    assert response.status_code == 422 and "修改理由" in response.content.decode()
    assert Scheme.objects.get(pk=scheme.pk).tie_rule == "shared"
    assert client.post(url, {"missing_data": "zero", "tie_rule": "blocks", "reason": "考核委员会决定"}).status_code == 302
    event = Event.objects.get(code="scheme.changed_after_lock")
    assert event.after == {"part": "options", "values": {"missing_data": "zero", "tie_rule": "blocks"},
                           "reason": "考核委员会决定"}


def test_refused_once_results_are_published(cast, planning):
    scheme = builders.valid_scheme(cast, planning)
    now = timezone.now()
    ScoreRun.objects.create(scheme=scheme, cycle=planning, stage="final", digest="0" * 64, engine_version="1",
                            created_at=now, status="published", published=True, published_at=now)
    with pytest.raises(ValidationError, match="已发布，不能再修改计分选项"):
        actions.set_scheme_options(scheme, by=cast.office, tie_rule="blocks")
    assert Scheme.objects.get(pk=scheme.pk).tie_rule == "shared"


def test_copy_to_next_year_keeps_the_options(cast, planning):
    scheme = builders.valid_scheme(cast)
    actions.set_scheme_options(scheme, by=cast.office, reason="试行", missing_data="not_applicable",
                               tie_rule="blocks")
    copy = actions.copy_to_next_year(scheme, by=cast.office)
    assert (copy.missing_data, copy.tie_rule) == ("not_applicable", "blocks")
