"""The 民主测评 pages: the code holder's rating page with its guards, and the office's create and record steps."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from jixiao.cadres.models import DemocraticResult
from jixiao.cadres.tests.democratic_world import NOW, STAFF, answer, cadres, campaign, codes
from jixiao.evaluation import actions
from jixiao.evaluation.models import Answer, Campaign, Purpose, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(cast):
    return cadres(cast)


def _open(client, code):
    response = client.post(reverse("evaluation:democratic_code"), {"code": code})
    started = re.search(r'name="started" value="([^"]+)"', response.content.decode())
    return response, started[1] if started else ""


def _post(client, code, started, values, **extra):
    data = {"code": code, "started": started, **{f"r-{s}-{d}": v for (s, d), v in values.items()}, **extra}
    return client.post(reverse("evaluation:democratic_submit"), data)


def _values(campaign_, subjects, value=80):
    return {(s, d.pk): value for s in subjects for d in campaign_.dimensions.all()}


def test_a_code_shows_its_units_cadres_with_their_posts_and_nobody_else(client, cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    response, started = _open(client, codes(cast, cadre, STAFF, cast.fgw)[0])
    page = response.content.decode()
    assert response.status_code == 200 and started
    assert "王建国" in page and "党组书记、主任" in page and "李晓梅" in page and "副主任" in page
    assert "陈立新" not in page and "赵志强" not in page  # another unit's cadre, a cadre who left
    assert "优秀" in page and "较差" in page and "德" in page and "廉" in page
    assert page.index("王建国") < page.index("李晓梅")


def test_the_rating_page_submits_once_after_the_minimum_dwell(client, cast, people, clock):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    _, started = _open(client, code)
    values = _values(cadre, [people["director"].pk, people["deputy"].pk])
    too_fast = _post(client, code, started, values)
    assert too_fast.status_code == 422 and "提交过快，请认真阅读题目后再提交。" in too_fast.content.decode()
    assert not Answer.objects.exists()
    clock.shift(datetime.timedelta(seconds=90))
    done = _post(client, code, started, values)
    assert done.status_code == 302 and done["Location"] == reverse("evaluation:democratic_done")
    assert Rating.objects.filter(campaign=cadre, cadre=people["director"]).count() == 5
    again = _post(client, code, started, values)  # the same page sent twice
    assert again.status_code == 422 and "该邀请码已经使用过" in again.content.decode()
    assert Answer.objects.count() == 1


def test_a_posted_cadre_of_another_unit_and_a_score_off_the_scale_are_refused(client, cast, people, clock):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    _, started = _open(client, code)
    clock.shift(datetime.timedelta(seconds=90))
    values = _values(cadre, [people["director"].pk, people["deputy"].pk, people["other"].pk])
    stray = _post(client, code, started, values)
    assert stray.status_code == 422
    assert "所评干部不是本单位的在任领导干部" in stray.content.decode()
    off_scale = _post(client, code, started, {**_values(cadre, [people["director"].pk, people["deputy"].pk]),
                                              (people["director"].pk, cadre.dimensions.first().pk): 70})
    assert off_scale.status_code == 422 and "“王建国”的评分超出允许范围。" in off_scale.content.decode()
    assert not Answer.objects.exists()


def test_the_honeypot_a_forged_start_and_a_satisfaction_code_are_refused(client, cast, people, clock):
    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    _, started = _open(client, code)
    clock.shift(datetime.timedelta(seconds=90))
    values = _values(cadre, [people["director"].pk, people["deputy"].pk])
    assert _post(client, code, started, values, website="http://spam").status_code == 400
    forged = _post(client, code, started + "x", values)
    assert forged.status_code == 400 and "页面已过期" in forged.content.decode()
    satisfaction = campaign(cast, Purpose.SATISFACTION)
    public_code = actions.issue_codes(satisfaction, satisfaction.groups.get(kind="public"), size=1, unit=None,
                                      by=cast.office)[1][0]
    wrong, _ = _open(client, public_code)
    assert wrong.status_code == 422 and "该邀请码用于满意度评议" in wrong.content.decode()
    assert not Answer.objects.exists()


def test_the_office_creates_a_cadre_campaign_and_writes_its_results(client, login, cast, people):
    office = login(cast.office)
    response = office.post(reverse("evaluation:campaign_create"), {
        "cycle": cast.cycle.pk, "purpose": Purpose.CADRE, "name": "2026年度领导干部民主测评", "scale": "five",
        "opens_at": "2026-12-01T09:00", "closes_at": "2026-12-20T18:00"})
    made = Campaign.objects.get(purpose=Purpose.CADRE)
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:campaign_detail", args=[made.pk])
    assert [d.name for d in made.dimensions.all()] == ["德", "能", "勤", "绩", "廉"]
    actions.open_campaign(made, by=cast.office)
    for code in codes(cast, made, STAFF, cast.fgw, 5):
        answer(made, code, {people["director"].pk: [100] * 5, people["deputy"].pk: [80] * 5})
    actions.close_campaign(made, by=cast.office)
    page = office.get(reverse("evaluation:campaign_detail", args=[made.pk])).content.decode()
    assert "写入民主测评结果" in page and "干部民主测评" in page and "100.00" in page
    done = office.post(reverse("evaluation:democratic_record", args=[made.pk]), follow=True)
    assert "已写入2条民主测评结果。" in done.content.decode()
    assert dict(DemocraticResult.objects.values_list("cadre__name", "score")) == {
        "王建国": Decimal("100.00"), "李晓梅": Decimal("80.00")}


def test_recording_a_satisfaction_campaign_is_refused_on_the_page(client, login, cast):
    satisfaction = campaign(cast, Purpose.SATISFACTION)
    response = login(cast.office).post(reverse("evaluation:democratic_record", args=[satisfaction.pk]), follow=True)
    assert "只有班子民主测评或干部民主测评可以写入民主测评结果。" in response.content.decode()
    assert not DemocraticResult.objects.exists()


def test_a_democratic_campaign_has_no_satisfaction_results_pages(client, login, cast):
    team = campaign(cast, Purpose.TEAM)
    office = login(cast.office)
    for name in ("evaluation:results", "evaluation:results_export", "evaluation:follow_ups"):
        assert office.get(reverse(name, args=[team.pk])).status_code == 404
    page = office.get(reverse("evaluation:campaign_detail", args=[team.pk])).content.decode()
    assert "民主测评统计" in page and reverse("evaluation:results", args=[team.pk]) not in page


def test_the_address_limit_of_the_public_channel_holds_here_too(client, cast, people, monkeypatch):
    from jixiao.evaluation import guards

    cadre = campaign(cast, Purpose.CADRE)
    code = codes(cast, cadre, STAFF, cast.fgw)[0]
    monkeypatch.setattr(guards, "ADDRESS_LIMIT", 2)
    assert [_open(client, code)[0].status_code for _ in range(3)] == [200, 200, 429]
    assert "操作过于频繁，请稍后再试。" in _open(client, code)[0].content.decode()
    assert _post(client, code, "", {}).status_code == 429


def test_the_code_sheet_sends_raters_to_the_democratic_page(login, cast, people):
    import io
    import zipfile

    cadre = campaign(cast, Purpose.CADRE)
    response = login(cast.office).post(reverse("evaluation:codes_issue", args=[cadre.pk]), {
        "group": cadre.groups.get(kind=STAFF).pk, "unit": cast.fgw.pk, "size": 2})
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sms = archive.read("邀请码短信.csv").decode("utf-8-sig")
    assert reverse("evaluation:democratic_code") + "#" in sms and "满意度" not in sms


def test_the_progress_and_review_pages_work_for_a_democratic_campaign(login, cast, people):
    cadre = campaign(cast, Purpose.CADRE)
    for code in codes(cast, cadre, STAFF, cast.fgw, 2):
        answer(cadre, code, {people["director"].pk: [80] * 5, people["deputy"].pk: [60] * 5})
    office = login(cast.office)
    for name in ("evaluation:monitor", "evaluation:review"):
        response = office.get(reverse(name, args=[cadre.pk]))
        assert response.status_code == 200, name
        assert "本单位干部职工" in response.content.decode()


def test_the_campaign_list_names_each_campaigns_purpose(login, cast):
    campaign(cast, Purpose.SATISFACTION, open_it=False)
    campaign(cast, Purpose.TEAM, open_it=False)
    page = login(cast.office).get(reverse("evaluation:campaign_list")).content.decode()
    assert "<td class=\"small\">满意度测评</td>" in page and "<td class=\"small\">班子民主测评</td>" in page
