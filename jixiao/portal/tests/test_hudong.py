"""互动交流: a resident writes, the office routes or closes, a department replies, the office approves; the public
reads only approved, published replies; the form's defences; response times by hand-computed example."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import Event
from jixiao.portal import hudong, hudong_actions
from jixiao.portal.messages_models import MessageStatus, PublicMessage

NEW = reverse("portal:hudong_new")


def _token(client):
    html = client.get(NEW).content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def _fields(token, **extra):
    data = {"started": token, "kind": "suggestion", "addressee": "", "title": "公园路灯太暗",
            "text": "建议增加公园夜间照明。", "consent": "on"}
    data.update(extra)
    return data


def test_a_resident_writes_gets_a_code_shown_once_and_looks_the_message_up(cast, client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = _token(client)
        clock.shift(10)
        response = client.post(NEW, _fields(token, addressee=cast.fgw.code, phone="138 0013 8000"))
    assert response.status_code == 200
    code = re.search(r'data-testid="code">([A-Z0-9]+)<', response.content.decode()).group(1)
    message = PublicMessage.objects.get()
    assert message.addressee == cast.fgw and message.status == MessageStatus.NEW
    assert code not in message.code_hash and "13800138000" not in message.phone_key and len(message.phone_key) == 64
    assert Event.objects.filter(code="hudong.received").count() == 1
    page = client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    assert "公园路灯太暗" in page and "办理中" in page and cast.fgw.name in page
    assert client.get(reverse("portal:hudong_lookup", args=[code.lower()])).status_code == 200
    assert client.get(reverse("portal:hudong_lookup", args=["AAAAAAAAAAAA"])).status_code == 404
    assert client.get(reverse("portal:hudong"), {"code": code}).status_code == 302
    wrong = client.get(reverse("portal:hudong"), {"code": "NOPE"})
    assert wrong.status_code == 404 and "没有这个查询码的留言" in wrong.content.decode()


def test_the_form_refuses_bots_haste_bad_input_and_floods_in_chinese(cast, client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = _token(client)
        fast = client.post(NEW, _fields(token))
        assert fast.status_code == 422 and "提交过快" in fast.content.decode()
        clock.shift(10)
        honey = client.post(NEW, _fields(token, website="http://spam"))
        assert honey.status_code == 400 and "提交未成功" in honey.content.decode()
        forged = client.post(NEW, _fields("abc:def:ghi"))
        assert forged.status_code == 400 and "页面已过期" in forged.content.decode()
        bad = client.post(NEW, _fields(token, phone="12345", title="", consent="", addressee="NOPE"))
        text = bad.content.decode()
        assert bad.status_code == 422
        assert all(m in text for m in ("请填写标题", "11 位手机号码", "请阅读并同意", "请从列表中选择留言对象"))
        village = client.post(NEW, _fields(token, addressee=cast.village.code))
        assert village.status_code == 422
        assert PublicMessage.objects.count() == 0
        ok = [client.post(NEW, _fields(token, phone="13800138000")).status_code for _ in range(4)]
        assert ok == [200, 200, 200, 422]  # the fourth message giving the same phone within the hour
        busy = client.post(NEW, _fields(token))
        assert busy.status_code == 200  # the tenth post from this address within the hour
        busy = client.post(NEW, _fields(token))
        assert busy.status_code == 429 and "操作过于频繁" in busy.content.decode()
    assert PublicMessage.objects.count() == 4  # three with the phone, and the tenth


def _message(cast, **kw):
    message, code = hudong_actions.submit(kind="question", addressee=None, title="考核结果何时公布",
                                          text="请问年度结果何时公布？", **kw)
    return message, code


def test_a_reply_is_never_public_before_the_office_approves_it(cast, client):
    message, code = _message(cast)
    hudong_actions.route(message, cast.fgw, by=cast.office)
    hudong_actions.write_reply(message, "预计三月底公布。", by=cast.reporter)
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert "预计三月底公布" not in client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    assert "预计三月底公布" not in client.get(reverse("portal:hudong")).content.decode()
    hudong_actions.return_reply(message, "请写明具体日期", by=cast.office)
    message.refresh_from_db()
    assert message.status == MessageStatus.ROUTED and message.returned_reason == "请写明具体日期"
    assert "预计三月底公布" not in client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    hudong_actions.write_reply(message, "预计3月31日前公布。", by=cast.reporter)
    hudong_actions.approve_reply(message, publish=True, by=cast.office)
    assert "预计3月31日前公布" in client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    listing = client.get(reverse("portal:hudong")).content.decode()
    assert "预计3月31日前公布" in listing and "考核结果何时公布" in listing
    codes = list(Event.objects.filter(code__startswith="hudong.").order_by("id").values_list("code", flat=True))
    assert codes == ["hudong.received", "hudong.routed", "hudong.replied", "hudong.reply_returned",
                     "hudong.replied", "hudong.reply_approved"]


def test_an_approved_reply_the_office_keeps_unpublished_shows_only_at_the_code(cast, client):
    message, code = _message(cast)
    hudong_actions.write_reply(message, "办公室答复：已收到。", by=cast.office)
    hudong_actions.approve_reply(message, publish=False, by=cast.office)
    assert "办公室答复" in client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    assert "办公室答复" not in client.get(reverse("portal:hudong")).content.decode()


def test_closing_needs_a_reason_and_the_resident_reads_it(cast, client):
    message, code = _message(cast)
    with pytest.raises(ValidationError):
        hudong_actions.close(message, "", by=cast.office)
    with pytest.raises(ValidationError):
        hudong_actions.close(message, "other", "  ", by=cast.office)
    hudong_actions.close(message, "duplicate", by=cast.office)
    assert "重复留言" in client.get(reverse("portal:hudong_lookup", args=[code])).content.decode()
    with pytest.raises(ValidationError):
        hudong_actions.write_reply(message, "迟到的答复", by=cast.office)
    with pytest.raises(ValidationError):
        hudong_actions.approve_reply(message, publish=True, by=cast.office)


class _M:
    def __init__(self, unit, days):
        self.unit, self.days_to_answer = unit, days


def test_response_times_by_unit_by_hand(cast):
    rows = hudong.response_times([_M(cast.fgw, 3), _M(cast.fgw, 20), _M(cast.fgw, 15), _M(None, 0),
                                  _M(cast.tjj, None)])
    assert [(r["unit"], r["count"], r["average"], r["on_time_percent"]) for r in rows] == [
        (None, 1, 0.0, 100), (cast.fgw, 3, 12.7, 67)]  # (3 + 20 + 15) / 3 = 12.67; 2 of 3 within 15 days


def test_days_to_answer_counts_calendar_days(cast):
    message, _ = _message(cast)
    message.received_at = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 0))
    message.answered_at = timezone.make_aware(datetime.datetime(2026, 3, 16, 8, 0))
    assert message.days_to_answer == 15


def test_the_office_routes_the_department_replies_and_the_office_approves_in_the_back_office(cast, client, login):
    message, code = _message(cast)
    login(cast.office)
    assert "考核结果何时公布" in client.get(reverse("portal_hudong:list")).content.decode()
    response = client.post(reverse("portal_hudong:route", args=[message.pk]), {"unit": cast.fgw.code})
    assert response.status_code == 302
    login(cast.reporter)
    assert "考核结果何时公布" in client.get(reverse("portal_hudong:list")).content.decode()
    client.post(reverse("portal_hudong:reply", args=[message.pk]), {"reply": "将于3月底前公布。"})
    login(cast.street_reporter)
    assert client.get(reverse("portal_hudong:detail", args=[message.pk])).status_code == 404
    assert "考核结果何时公布" not in client.get(reverse("portal_hudong:list"), {"show": "pending"}).content.decode()
    login(cast.office)
    page = client.get(reverse("portal_hudong:detail", args=[message.pk])).content.decode()
    assert "将于3月底前公布" in page and 'data-testid="approve-form"' in page
    client.post(reverse("portal_hudong:approve", args=[message.pk]), {"publish": "1"})
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.published and message.replied_by == cast.reporter
    assert "将于3月底前公布" in client.get(reverse("portal:hudong")).content.decode()


def test_a_refused_step_is_shown_in_chinese_and_audited(cast, client, login):
    message, _ = _message(cast)
    login(cast.office)
    response = client.post(reverse("portal_hudong:close", args=[message.pk]), {"reason": "other"}, follow=True)
    assert "请写明原因" in response.content.decode()
    assert Event.objects.filter(code="hudong.refused", outcome="failure").count() == 1
    response = client.post(reverse("portal_hudong:route", args=[message.pk]), {"unit": cast.village.code},
                           follow=True)
    assert "请选择承办单位" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.NEW
    login(cast.reporter)  # a new message is not yet the department's, even were it in reach
    assert client.get(reverse("portal_hudong:detail", args=[message.pk])).status_code == 404


def test_the_portal_menu_leads_to_hudong_and_marks_it_on_its_pages(db):
    from jixiao.portal import menu

    current = [e["label"] for e in menu.entries(reverse("portal:hudong_new")) if e["current"]]
    assert current == ["互动交流"]


def test_looking_codes_up_is_rate_limited_by_url_and_by_the_box(cast, client):
    _, code = _message(cast)
    for _ in range(hudong.LOOKUP_LIMIT // 2):
        assert client.get(reverse("portal:hudong_lookup", args=["AAAAAAAAAAAA"])).status_code == 404
        assert client.get(reverse("portal:hudong"), {"code": "AAAAAAAAAAAA"}).status_code == 404
    busy = client.get(reverse("portal:hudong_lookup", args=[code]))
    assert busy.status_code == 429 and "操作过于频繁" in busy.content.decode()
    busy = client.get(reverse("portal:hudong"), {"code": code})
    assert busy.status_code == 429 and "操作过于频繁" in busy.content.decode()
