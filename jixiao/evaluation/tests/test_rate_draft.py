"""The rater's matrix as a draft kept on the server while it is filled: saved, resumed, refused with a reason."""

import datetime
import json

from django.urls import reverse

from jixiao.evaluation.models import Answer, Ballot, BallotStatus
from jixiao.evaluation.tests.conftest import CLOSES
from jixiao.evaluation.tests.test_rate import matrix


def urls(campaign):
    return reverse("evaluation:rate", args=[campaign.pk]), reverse("evaluation:rate_draft", args=[campaign.pk])


def others(campaign, cast):
    return list(campaign.units.exclude(pk=cast.fgw.pk))  # the rater belongs to 区发改委


def test_a_draft_is_saved_as_it_goes_and_resumed_on_reload(campaign, cast, login):
    client = login(cast.rater)
    page_url, draft_url = urls(campaign)
    cells = matrix(campaign, others(campaign, cast))
    response = client.post(draft_url, {**cells, f"c-{cast.tjj.pk}": "数据发布及时"})
    assert response.status_code == 200 and json.loads(response.content) == {"saved": True, "at": "10:00:00"}
    assert len(Ballot.objects.get(user=cast.rater).data["v"]) == len(cells)
    page = client.get(page_url).content.decode()  # another device or a reload: the same draft
    assert page.count('<option value="80" selected>满意</option>') == len(cells) and "数据发布及时" in page
    assert f'已完成 <span data-progress-done>{len(others(campaign, cast))}</span>' in page
    assert not Answer.objects.exists()


def test_forged_cells_are_refused_and_nothing_is_kept(campaign, cast, login):
    client = login(cast.rater)
    _, draft_url = urls(campaign)
    dimension = campaign.dimensions.first()
    client.post(draft_url, {f"r-{cast.tjj.pk}-{dimension.pk}": "80"})
    cases = [
        ({f"r-{cast.street.pk}-{dimension.pk}": "80"}, "所评单位不在本次评议范围内。"),  # not an evaluated unit
        ({f"r-{cast.tjj.pk}-999999": "80"}, "评议维度不在本问卷中。"),
        ({f"r-{cast.tjj.pk}-{dimension.pk}": "75"}, "超出允许范围"),  # not a level of the five-level scale
        ({f"r-{cast.tjj.pk}-{dimension.pk}": "满意"}, "评分须为0到100之间的整数。"),
        ({f"r-{cast.fgw.pk}-{dimension.pk}": "80"}, "不能评价本单位。"),
    ]
    for data, message in cases:
        response = client.post(draft_url, data)
        assert response.status_code == 422, data
        assert message in json.loads(response.content)["errors"][0]
    assert Ballot.objects.get(user=cast.rater).data["v"] == {f"{cast.tjj.pk}-{dimension.pk}": 80}


def test_a_stale_draft_after_close_is_refused_with_the_date_and_still_shown(campaign, cast, login, clock):
    client = login(cast.rater)
    page_url, draft_url = urls(campaign)
    cells = matrix(campaign, others(campaign, cast)[:2])
    client.post(draft_url, cells)
    clock.move_to(CLOSES + datetime.timedelta(minutes=5))
    client = login(cast.rater)  # the session of 20 days ago has expired
    response = client.post(draft_url, cells)
    assert response.status_code == 422
    assert json.loads(response.content)["errors"] == ["本次评议不在开放时间内（已于2026-11-30 18:00截止），草稿不能再保存，也不能提交。"]
    page = client.get(page_url).content.decode()
    assert 'data-testid="stale-draft"' in page and "没有提交，不计入评议结果" in page
    assert "已完成 2 个单位" in page and page.count('<option value="80" selected>满意</option>') == len(cells)
    assert "data-matrix" not in page  # no script posting drafts that can only be refused
    assert Ballot.objects.get(user=cast.rater).status == BallotStatus.DRAFT and not Answer.objects.exists()


def test_a_second_submit_makes_no_second_answer_and_a_late_draft_changes_nothing(campaign, cast, login):
    client = login(cast.rater)
    page_url, draft_url = urls(campaign)
    full = matrix(campaign, others(campaign, cast))
    assert client.post(page_url, {**full, "submit": "1"}).status_code == 302
    again = client.post(page_url, {**full, "submit": "1"})
    assert again.status_code == 422 and "您已提交本次评议" in again.content.decode()
    late = client.post(draft_url, full)  # a draft save that was still on its way
    assert late.status_code == 422 and json.loads(late.content)["errors"] == ["您已提交本次评议，不能再修改。"]
    assert Answer.objects.count() == 1 and Ballot.objects.get(user=cast.rater).data == {}


def test_the_page_works_without_script_and_offers_the_keyboard_tools_with_it(campaign, cast, login):
    page = login(cast.rater).get(urls(campaign)[0]).content.decode()
    assert 'data-matrix-tools hidden' in page  # shown by the script only; the plain form needs none of it
    assert '<button class="btn btn-gov" type="submit" name="submit" value="1">' in page
    assert "1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意" in page
    assert 'id="matrix-levels" type="application/json">[[100, ' in page
