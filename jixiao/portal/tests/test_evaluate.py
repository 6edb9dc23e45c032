"""The public questionnaire over HTTP: code check, consent, honeypot, dwell time, rate limits, messages."""

import datetime

from django.urls import reverse

from jixiao.evaluation import guards
from jixiao.evaluation.models import Answer, Contact, InvitationCode, RaterKind

START, SUBMIT = reverse("portal:evaluate"), reverse("portal:evaluate_submit")


def start(client, code):
    response = client.post(START, {"code": code})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["form"].initial["started"]


def post(client, campaign, code, started, **extra):
    data = {"code": code, "started": started, "consent": "on"}
    unit = campaign.units.order_by("code").first()
    for d in campaign.dimensions.all():
        data[f"r-{unit.pk}-{d.pk}"] = "80"
    data.update(extra)
    return client.post(SUBMIT, data)


def test_code_page_is_public_and_labelled(client, db):
    page = client.get(START).content.decode()
    assert '<label class="form-label" for="code">邀请码</label>' in page


def test_full_journey(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code.lower())
    clock.shift(datetime.timedelta(seconds=90))
    response = post(client, campaign, code, started, phone="138 1234 1234", follow_up="on")
    assert response.status_code == 302 and response["Location"] == reverse("portal:done")
    assert Answer.objects.get().seconds == 90
    assert Contact.objects.get().phone_masked == "138****1234"
    again = client.post(START, {"code": code})
    assert "已经使用过" in again.content.decode()


def test_forged_code_gets_a_clear_message(client, campaign):
    response = client.post(START, {"code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"})
    assert response.status_code == 422
    assert "邀请码无效" in response.content.decode()


def test_missing_consent(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code)
    clock.shift(datetime.timedelta(seconds=60))
    response = post(client, campaign, code, started, consent="")
    assert response.status_code == 422
    assert "请先阅读并勾选同意" in response.content.decode()
    assert not Answer.objects.exists() and InvitationCode.objects.get().used_on is None


def test_one_second_bot_is_refused(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code)
    clock.shift(datetime.timedelta(seconds=1))
    response = post(client, campaign, code, started)
    assert response.status_code == 422 and "提交过快" in response.content.decode()
    assert not Answer.objects.exists()


def test_honeypot_is_refused(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code)
    clock.shift(datetime.timedelta(seconds=60))
    response = post(client, campaign, code, started, website="http://spam.example")
    assert response.status_code == 400 and "提交未成功" in response.content.decode()
    assert not Answer.objects.exists()


def test_forged_or_foreign_start_token_is_refused(client, campaign, issue, clock):
    one, two = issue(campaign, RaterKind.PUBLIC, 2)
    started = start(client, one)
    clock.shift(datetime.timedelta(seconds=60))
    assert post(client, campaign, two, started).status_code == 400  # token minted for another code
    assert post(client, campaign, one, started[:-2] + "xx").status_code == 400
    assert not Answer.objects.exists()


def test_bad_phone_and_oversized_comment(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code)
    clock.shift(datetime.timedelta(seconds=60))
    unit = campaign.units.order_by("code").first()
    response = post(client, campaign, code, started, phone="12345", **{f"c-{unit.pk}": "长" * 501})
    page = response.content.decode()
    assert response.status_code == 422
    assert "手机号码格式不正确" in page and "不能超过500字" in page


def test_non_numeric_rating(client, campaign, issue, clock):
    code = issue(campaign, RaterKind.PUBLIC)[0]
    started = start(client, code)
    clock.shift(datetime.timedelta(seconds=60))
    unit = campaign.units.order_by("code").first()
    dim = campaign.dimensions.first()
    response = post(client, campaign, code, started, **{f"r-{unit.pk}-{dim.pk}": "1e9"})
    assert response.status_code == 422 and "整数" in response.content.decode()


def test_rate_limit_per_address(client, campaign, clock):
    for _ in range(guards.ADDRESS_LIMIT):
        client.post(START, {"code": "nothing"}, REMOTE_ADDR="10.0.0.7")
    response = client.post(START, {"code": "nothing"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert client.post(START, {"code": "nothing"}, REMOTE_ADDR="10.0.0.8").status_code == 422


def test_rate_limit_per_phone(client, campaign, issue, clock):
    plain = issue(campaign, RaterKind.PUBLIC, guards.PHONE_LIMIT + 1)
    for code in plain:
        started = start(client, code)
        clock.shift(datetime.timedelta(seconds=30))
        response = post(client, campaign, code, started, phone="13900001111")
    assert response.status_code == 422 and "操作过于频繁" in response.content.decode()
    assert Answer.objects.count() == 1  # the first; the others were the same person
