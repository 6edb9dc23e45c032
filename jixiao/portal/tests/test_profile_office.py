"""The office writes a unit's duties for its public profile: saved and audited, refusals shown in Chinese and audited."""

import datetime

from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.portal import profile_actions
from jixiao.portal.models import DUTIES_MAX, UnitProfile

URL = "portal_profiles:edit"


def test_the_office_saves_the_duties_and_the_public_reads_them(cast, login, client):
    office = login(cast.office)
    response = office.post(reverse(URL, args=[cast.street.code]), {"duties": "负责辖区社会治理。\r\n\r\n负责社区服务。"})
    assert response.status_code == 302
    profile = UnitProfile.objects.get(unit=cast.street)
    assert profile.duties == "负责辖区社会治理。\n\n负责社区服务。" and profile.updated_by == cast.office
    event = Event.objects.get(code=profile_actions.UPDATED)
    assert event.before == {"unit": "S01", "duties": ""}
    assert event.after == {"unit": "S01", "duties": profile.duties}
    assert "已填写" in office.get(reverse("portal_profiles:list")).content.decode()
    client.logout()  # the same client: now an anonymous visitor
    public = client.get(reverse("portal:unit_detail", args=[cast.street.code])).content.decode()
    assert "负责辖区社会治理。" in public and "负责社区服务。" in public


def test_an_unchanged_text_writes_no_second_event(cast):
    profile_actions.set_duties(cast.street, "负责辖区社会治理。", by=cast.office)
    profile_actions.set_duties(cast.street, "负责辖区社会治理。\n", by=cast.office)
    assert Event.objects.filter(code=profile_actions.UPDATED).count() == 1


def test_a_text_too_long_is_refused_in_chinese_and_audited(cast, login):
    office = login(cast.office)
    response = office.post(reverse(URL, args=[cast.street.code]), {"duties": "职" * (DUTIES_MAX + 1)})
    assert response.status_code == 422
    assert f"部门职责不能超过{DUTIES_MAX}字" in response.content.decode()
    assert not UnitProfile.objects.exists()
    refused = Event.objects.get(code=profile_actions.REFUSED)
    assert refused.outcome == "failure" and "不能超过" in refused.after["message"]


def test_a_retired_unit_cannot_get_public_duties(cast, login):
    cast.other_street.valid_to = datetime.date(2026, 3, 1)
    cast.other_street.save()
    response = login(cast.office).post(reverse(URL, args=[cast.other_street.code]), {"duties": "负责金桥。"})
    assert response.status_code == 422
    assert "不公开部门信息" in response.content.decode()
    assert not UnitProfile.objects.exists()
    assert Event.objects.filter(code=profile_actions.REFUSED, outcome="failure").count() == 1


def test_an_unknown_unit_is_a_chinese_404(cast, login):
    response = login(cast.office).get(reverse(URL, args=["NOPE"]))
    assert response.status_code == 404 and "没有这个单位" in response.content.decode()
