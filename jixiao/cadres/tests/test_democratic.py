"""The online democratic evaluation: campaigns by purpose, the answer path's refusals, the tally (worked by hand)
and the action that writes DemocraticResult rows."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from jixiao.audit.models import Event
from jixiao.cadres.democratic import record_online_results, tally
from jixiao.cadres.models import DemocraticResult, DemocraticSource
from jixiao.cadres.tests.democratic_world import (
    NOW,
    SERVICE,
    STAFF,
    SUPERIOR,
    answer,
    cadres,
    campaign,
    codes,
)
from jixiao.evaluation import actions, democratic
from jixiao.evaluation.campaign_results import block_scores
from jixiao.evaluation.models import Answer, InvitationCode, Purpose, RaterKind, Rating, Scale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(cast):
    return cadres(cast)


# --- Campaigns by purpose ------------------------------------------------------------------------------------

def test_a_cadre_campaign_asks_de_neng_qin_ji_lian_from_groups_around_the_unit(cast):
    made = campaign(cast, Purpose.CADRE, open_it=False)
    assert [d.name for d in made.dimensions.all()] == ["德", "能", "勤", "绩", "廉"]
    assert {(g.kind, g.weight) for g in made.groups.all()} == {
        (RaterKind.SUPERIOR, 30), (RaterKind.STAFF, 50), (RaterKind.SERVICE, 20)}
    assert all(g.per_unit for g in made.groups.all())


def test_a_team_campaign_asks_the_four_aspects_and_sits_beside_the_satisfaction_campaign(cast):
    satisfaction = campaign(cast, Purpose.SATISFACTION, open_it=False)
    team = campaign(cast, Purpose.TEAM, open_it=False)
    assert [d.name for d in team.dimensions.all()] == ["政治思想建设", "领导能力", "工作实绩", "党风廉政建设"]
    assert satisfaction.purpose == Purpose.SATISFACTION and team.is_democratic
    with pytest.raises(actions.EvaluationError, match="2026年度已有班子民主测评活动"):
        campaign(cast, Purpose.TEAM, open_it=False)


def test_a_democratic_code_must_name_a_unit(cast):
    team = campaign(cast, Purpose.TEAM)
    with pytest.raises(actions.EvaluationError, match="本单位干部职工的邀请码须指定本次被评议的一个单位"):
        codes(cast, team, STAFF, None)


# --- Who sees what --------------------------------------------------------------------------------------------

def test_a_code_of_a_unit_shows_its_cadres_in_office_main_leader_first(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    scope, found = democratic.resolve(codes(cast, cadre, STAFF, cast.fgw)[0])
    assert scope.code.unit == cast.fgw
    assert [(s.id, s.name, s.title) for s in found] == [
        (people["director"].pk, "王建国", "党组书记、主任"), (people["deputy"].pk, "李晓梅", "副主任")]


def test_a_team_code_shows_the_units_team_only(cast):
    team = campaign(cast, Purpose.TEAM)
    _, found = democratic.resolve(codes(cast, team, SUPERIOR, cast.tjj)[0])
    assert [(s.id, s.name) for s in found] == [(cast.tjj.pk, "区统计局领导班子")]


def test_codes_work_only_on_the_page_of_their_purpose(cast):
    satisfaction = campaign(cast, Purpose.SATISFACTION)
    team = campaign(cast, Purpose.TEAM)
    public_code = codes(cast, satisfaction, RaterKind.PUBLIC, None)[0]
    team_code = codes(cast, team, STAFF, cast.fgw)[0]
    with pytest.raises(actions.EvaluationError, match="该邀请码用于满意度评议"):
        democratic.resolve(public_code)
    with pytest.raises(actions.EvaluationError, match="该邀请码用于民主测评"):
        actions.resolve_code(None, team_code)


def test_a_unit_without_cadres_in_office_has_nothing_to_rate(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    with pytest.raises(actions.EvaluationError, match="区绩效考核办公室目前没有在任的领导干部"):
        democratic.resolve(codes(cast, cadre, STAFF, cast.office_unit)[0])


# --- The answer's refusals ---------------------------------------------------------------------------------

def _refused(campaign_, code, by_subject) -> list[str]:
    with pytest.raises(actions.EvaluationError) as caught:
        answer(campaign_, code, by_subject)
    return caught.value.errors


def test_a_cadre_of_another_unit_or_no_longer_in_office_is_refused(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    ok = {people["director"].pk: [80] * 5, people["deputy"].pk: [80] * 5}
    for stray in ("other", "former"):
        errors = _refused(cadre, code, {**ok, people[stray].pk: [100] * 5})
        assert errors == ["所评干部不是本单位的在任领导干部，请刷新页面后重新填写。"]
    assert not Rating.objects.exists()
    assert InvitationCode.objects.get(campaign=cadre).used_on is None  # a refused answer does not use the code


def test_a_score_off_the_scale_and_a_missing_cadre_are_refused(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    errors = _refused(cadre, code, {people["director"].pk: [80, 80, 70, 80, 80]})
    assert errors == ["“王建国”的评分超出允许范围。", "尚未评价“李晓梅”。"]
    team = campaign(cast, Purpose.TEAM, Scale.POINTS)
    team_code = codes(cast, team, STAFF, cast.fgw)[0]
    assert _refused(team, team_code, {cast.fgw.pk: [101, 90, 90, 90]}) == ["“区发展和改革委员会领导班子”的评分超出允许范围。"]
    assert _refused(team, team_code, {cast.tjj.pk: [90] * 4}) == [
        "所评对象不是本单位领导班子，请刷新页面后重新填写。"]


def test_an_answer_is_stored_anonymously_once_and_a_second_submit_is_refused(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    by_subject = {people["director"].pk: [100, 80, 80, 80, 60], people["deputy"].pk: [60] * 5}
    answer(cadre, code, by_subject)
    stored = sorted(Rating.objects.filter(campaign=cadre).values_list("unit_id", "cadre_id", "value"))
    assert len(stored) == 10 and {u for u, _, _ in stored} == {cast.fgw.pk}
    assert sorted(v for _, c, v in stored if c == people["director"].pk) == [60, 80, 80, 80, 100]
    assert Answer.objects.get(campaign=cadre).submitted_on == datetime.date(2026, 12, 10)
    assert not hasattr(Answer, "code") and "user" not in {f.name for f in Answer._meta.fields}
    assert _refused(cadre, code, by_subject) == ["该邀请码已经使用过，每个邀请码只能提交一次。"]
    assert Answer.objects.filter(campaign=cadre).count() == 1


# --- The tally, by hand ------------------------------------------------------------------------------------------

def _team_answers(cast, team):
    """发改委: 5 staff (3 × 90/80/70/60, 2 × 80 each), 5 superiors (100/90/80/70) and one excluded superior
    answer of zeros, 2 service answers of zeros (too few: not counted). 统计局: 3 staff answers only."""
    staff = codes(cast, team, STAFF, cast.fgw, 5)
    for i, code in enumerate(staff):
        answer(team, code, {cast.fgw.pk: [90, 80, 70, 60] if i < 3 else [80, 80, 80, 80]})
    superiors = codes(cast, team, SUPERIOR, cast.fgw, 6)
    for code in superiors[:5]:
        answer(team, code, {cast.fgw.pk: [100, 90, 80, 70]})
    excluded = answer(team, superiors[5], {cast.fgw.pk: [0, 0, 0, 0]})
    Answer.objects.filter(pk=excluded.pk).update(excluded=True)
    for code in codes(cast, team, SERVICE, cast.fgw, 2):
        answer(team, code, {cast.fgw.pk: [0, 0, 0, 0]})
    for code in codes(cast, team, STAFF, cast.tjj, 3):
        answer(team, code, {cast.tjj.pk: [100, 100, 100, 100]})


def test_the_team_tally_weights_the_counted_groups(cast):
    team = campaign(cast, Purpose.TEAM, Scale.POINTS)
    _team_answers(cast, team)
    fgw, tjj = tally(team)
    # Staff: dimensions 86, 80, 74, 68 → 77; superiors: 100, 90, 80, 70 → 85; service (2 answers) not counted,
    # so the weights are 50 and 30: (50 × 77 + 30 × 85) / 80 = 80.00; 政治思想建设 (50 × 86 + 30 × 100) / 80 = 91.25.
    assert (fgw.unit, fgw.cadre, fgw.score, fgw.raters) == (cast.fgw, None, Decimal("80.00"), 12)
    assert fgw.dimensions == {"political": Decimal("91.25"), "leadership": Decimal("83.75"),
                              "performance": Decimal("76.25"), "integrity": Decimal("68.75")}
    assert "服务对象2份" in fgw.explanation
    assert (tjj.unit, tjj.score, tjj.raters) == (cast.tjj, None, 3)  # too few raters: no score


def test_the_cadre_tally_scores_each_cadre_on_the_five_level_scale(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    director, deputy = people["director"].pk, people["deputy"].pk
    for code in codes(cast, cadre, STAFF, cast.fgw, 5):
        answer(cadre, code, {director: [80] * 5, deputy: [60] * 5})
    for code in codes(cast, cadre, SUPERIOR, cast.fgw, 5):
        answer(cadre, code, {director: [100] * 5, deputy: [40] * 5})
    rows = tally(cadre)
    # 王建国: (50 × 80 + 30 × 100) / 80 = 87.50; 李晓梅: (50 × 60 + 30 × 40) / 80 = 52.50.
    assert [(t.unit, t.cadre, t.score, t.raters) for t in rows] == [
        (cast.fgw, people["director"], Decimal("87.50"), 10), (cast.fgw, people["deputy"], Decimal("52.50"), 10)]
    assert rows[0].dimensions == dict.fromkeys(["morality", "ability", "diligence", "achievement", "integrity"],
                                               Decimal("87.50"))


def test_a_democratic_campaign_never_counts_as_satisfaction(cast):
    team = campaign(cast, Purpose.TEAM, Scale.POINTS)
    _team_answers(cast, team)
    assert block_scores(cast.cycle) == {}


# --- Writing the results -------------------------------------------------------------------------------------

def test_results_are_written_once_the_campaign_closed_replacing_the_subjects_rows(cast, people):
    team = campaign(cast, Purpose.TEAM, Scale.POINTS)
    _team_answers(cast, team)
    with pytest.raises(actions.EvaluationError, match="测评结束后才能写入民主测评结果"):
        record_online_results(team, cast.office)
    paper = DemocraticResult.objects.create(cycle=cast.cycle, unit=cast.fgw, score=60, dimensions={}, raters=30,
                                            source=DemocraticSource.IMPORT, recorded_at=NOW)
    cadre_row = DemocraticResult.objects.create(cycle=cast.cycle, unit=cast.fgw, cadre=people["director"], score=70,
                                                dimensions={}, raters=30, source=DemocraticSource.IMPORT,
                                                recorded_at=NOW)
    actions.close_campaign(team, by=cast.office)
    written = record_online_results(team, cast.office)
    assert len(written) == 1
    row = DemocraticResult.objects.get(cycle=cast.cycle, unit=cast.fgw, cadre=None)
    assert row.pk != paper.pk
    assert (row.score, row.raters, row.source, row.campaign, row.recorded_by) == (
        Decimal("80.00"), 12, DemocraticSource.ONLINE, team, cast.office)
    assert row.dimensions == {"政治思想建设": "91.25", "领导能力": "83.75", "工作实绩": "76.25", "党风廉政建设": "68.75"}
    assert DemocraticResult.objects.filter(pk=cadre_row.pk).exists()  # a cadre's row is not the team's
    assert not DemocraticResult.objects.filter(unit=cast.tjj).exists()  # too few raters: nothing written
    event = Event.objects.filter(code="cadres.democratic_recorded").get()
    assert (event.before, event.after) == ({"rows": 1}, {"purpose": "team", "rows": 1, "too_few_raters": 1})
    record_online_results(team, cast.office)  # again: replaced, not doubled
    assert DemocraticResult.objects.filter(cycle=cast.cycle, cadre=None).count() == 1


def test_cadre_results_replace_that_cadres_row_only(cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    for code in codes(cast, cadre, STAFF, cast.fgw, 5):
        answer(cadre, code, {people["director"].pk: [80] * 5, people["deputy"].pk: [60] * 5})
    team_row = DemocraticResult.objects.create(cycle=cast.cycle, unit=cast.fgw, score=60, dimensions={}, raters=30,
                                               source=DemocraticSource.IMPORT, recorded_at=NOW)
    actions.close_campaign(cadre, by=cast.office)
    record_online_results(cadre, cast.office)
    rows = {r.cadre_id: r for r in DemocraticResult.objects.filter(cadre__isnull=False)}
    assert {k: (v.score, v.raters) for k, v in rows.items()} == {
        people["director"].pk: (Decimal("80.00"), 5), people["deputy"].pk: (Decimal("60.00"), 5)}
    assert rows[people["deputy"].pk].dimensions == dict.fromkeys(["德", "能", "勤", "绩", "廉"], "60.00")
    assert DemocraticResult.objects.filter(pk=team_row.pk).exists()


def test_a_satisfaction_campaign_has_no_democratic_results(cast):
    satisfaction = campaign(cast, Purpose.SATISFACTION)
    actions.close_campaign(satisfaction, by=cast.office)
    with pytest.raises(actions.EvaluationError, match="只有班子民主测评或干部民主测评可以写入"):
        record_online_results(satisfaction, cast.office)
    team = campaign(cast, Purpose.TEAM)
    actions.close_campaign(team, by=cast.office)
    with pytest.raises(actions.EvaluationError, match="没有达到最低有效票数"):
        record_online_results(team, cast.office)
    assert not DemocraticResult.objects.exists()
