"""Review decisions, results over the campaign, the command and the downloads."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.evaluation import actions, campaign_results
from jixiao.evaluation.actions import CodeAnswer, EvaluationError
from jixiao.evaluation.models import Answer, Flag, FlagStatus, FollowUp, RaterKind
from jixiao.evaluation.tests.conftest import values_for


def fill(campaign, issue, kind, n, value, unit=None, seconds=300):
    units = [unit] if unit else list(campaign.units.order_by("code"))[:1]
    for code in issue(campaign, kind, n, unit=unit):
        actions.submit_with_code(campaign, CodeAnswer(code=code, values=values_for(campaign, units, value),
                                                      seconds=seconds))


def test_exclusion_is_recorded_audited_and_changes_results(campaign, issue, cast):
    fill(campaign, issue, RaterKind.PUBLIC, 5, 80)
    unit = campaign.units.order_by("code").first()
    before = campaign_results.unit_scores(campaign)[unit.pk].score
    fill(campaign, issue, RaterKind.PUBLIC, 1, 20, seconds=6)  # a speeder giving 非常不满意
    flagged = Answer.objects.get(flags__isnull=False)
    assert campaign_results.unit_scores(campaign)[unit.pk].score < before  # pending answers count until decided
    with pytest.raises(EvaluationError, match="审核理由"):
        actions.decide_answer(flagged, exclude=True, reason="", by=cast.office)
    actions.decide_answer(flagged, exclude=True, reason="6秒完成4题，判定为无效", by=cast.office)
    assert campaign_results.unit_scores(campaign)[unit.pk].score == before
    assert Answer.objects.filter(pk=flagged.pk, excluded=True).exists()  # kept, never deleted
    assert Flag.objects.get().status == FlagStatus.EXCLUDED and Flag.objects.get().decided_by == cast.office
    event = Event.objects.get(code="evaluation.answer_excluded")
    assert event.after["reason"] == "6秒完成4题，判定为无效"
    actions.decide_answer(flagged, exclude=False, reason="复核后认定为真实意见", by=cast.office)
    assert Event.objects.filter(code__startswith="evaluation.answer_").count() == 2


def test_decision_through_the_page(campaign, issue, cast, login):
    fill(campaign, issue, RaterKind.PUBLIC, 1, 20, seconds=6)
    answer = Answer.objects.get()
    client = login(cast.office)
    page = client.get(reverse("evaluation:review", args=[campaign.pk])).content.decode()
    assert "答题过快" in page
    client.post(reverse("evaluation:review_decide", args=[answer.pk]), {"decision": "exclude", "reason": "无效"})
    answer.refresh_from_db()
    assert answer.excluded


def test_small_groups_are_hidden_and_the_command_prints_json(campaign, issue, capsys):
    fill(campaign, issue, RaterKind.PUBLIC, 5, 80)
    fill(campaign, issue, RaterKind.MEDIA, 2, 20)
    call_command("evaluation_results", "--cycle", "2026", "--json")
    data = json.loads(capsys.readouterr().out)
    top = data["departments"][0]
    assert top["score"] == 80.0 and top["rank"] == 1
    assert top["groups"]["群众代表"] == {"raters": 5, "score": 80.0}
    assert top["groups"]["新闻媒体"]["score"] is None and top["groups"]["新闻媒体"]["raters"] == 2


def test_command_fails_for_a_year_without_campaign(db):
    with pytest.raises(CommandError, match="没有评议活动"):
        call_command("evaluation_results", "--cycle", "1999", "--json")


def test_follow_ups_are_created_and_routed(campaign, issue, cast, login):
    code = issue(campaign, RaterKind.SERVICE, 1, unit=cast.tjj)[0]
    actions.submit_with_code(campaign, CodeAnswer(
        code=code, values=values_for(campaign, [cast.tjj], 40), seconds=200, comments={cast.tjj.pk: "窗口态度差"}))
    assert FollowUp.objects.filter(unit=cast.tjj).count() == 4
    assert set(FollowUp.objects.values_list("comment", flat=True)) == {"窗口态度差"}
    client = login(cast.reviewer)  # 区统计局
    assert "窗口态度差" not in client.get(reverse("evaluation:feedback")).content.decode()  # not before close
    actions.close_campaign(campaign, by=cast.office)
    page = client.get(reverse("evaluation:feedback")).content.decode()
    assert "窗口态度差" in page and "不满意" in page
    assert "窗口态度差" not in login(cast.reporter).get(reverse("evaluation:feedback")).content.decode()


def test_results_page_and_workbook(campaign, issue, cast, login):
    fill(campaign, issue, RaterKind.PUBLIC, 5, 80)
    client = login(cast.leader)
    page = client.get(reverse("evaluation:results", args=[campaign.pk])).content.decode()
    assert 'data-testid="results-table"' in page and "80.00" in page
    response = client.get(reverse("evaluation:results_export", args=[campaign.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_code_download_holds_docx_and_csv(campaign, cast, login):
    client = login(cast.office)
    group = campaign.groups.get(kind=RaterKind.SERVICE)
    response = client.post(reverse("evaluation:codes_issue", args=[campaign.pk]),
                           {"group": group.pk, "unit": cast.tjj.pk, "size": 3, "note": "=cmd"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["邀请码打印.docx", "邀请码短信.csv"]
    lines = archive.read("邀请码短信.csv").decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and "区统计局" in lines[1] and "/p/pingyi/#" in lines[1]
    code = lines[1].split(",")[4]
    assert actions.resolve_code(campaign, code).units == [cast.tjj]
    docx = zipfile.ZipFile(io.BytesIO(archive.read("邀请码打印.docx")))
    assert len([n for n in docx.namelist() if n.startswith("word/media/")]) == 3


def test_follow_ups_page_costs_the_same_queries_for_one_answer_and_for_five(campaign, issue, cast, login):
    """Each follow-up names its level through the campaign's scale: the page must not fetch the campaign per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def answer(n):
        for code in issue(campaign, RaterKind.SERVICE, n, unit=cast.tjj):
            actions.submit_with_code(campaign, CodeAnswer(code=code, values=values_for(campaign, [cast.tjj], 40),
                                                          seconds=200, comments={cast.tjj.pk: "窗口态度差"}))

    client = login(cast.office)
    url = reverse("evaluation:follow_ups", args=[campaign.pk])
    answer(1)
    with CaptureQueriesContext(connection) as one:
        assert "窗口态度差" in client.get(url).content.decode()
    answer(4)
    assert FollowUp.objects.count() == 20
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
