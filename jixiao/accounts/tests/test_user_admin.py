"""The security admin's user pages: access matrix, search, create, grant/revoke, 三权分立, audit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.accounts import actions, lockout
from jixiao.accounts.models import Membership, User
from jixiao.accounts.roles import Role
from jixiao.audit.models import Event
from tests.cast import PASSWORD, grant, make_user

ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
         "sysadmin", "secadmin", "auditor", "outsider"]
GOOD = "Kaohe#2026ok"


def pages(cast):
    detail = f"/security/users/{cast.reporter.pk}/"
    membership = cast.reporter.memberships.get()
    return {
        "get": ["/security/users/", "/security/users/new/", detail],
        "post": [
            "/security/users/new/", detail + "grant/", detail + "password/", detail + "unlock/",
            detail + "active/", detail + "totp/reset/", f"{detail}memberships/{membership.pk}/revoke/",
        ],
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_the_security_admin_reaches_the_user_pages(cast, login, role):
    client = login(getattr(cast, role))
    urls = pages(cast)
    for url in urls["get"]:
        status = client.get(url).status_code
        assert status == (200 if role == "secadmin" else 403), (role, url, status)
    if role != "secadmin":
        for url in urls["post"]:
            assert client.post(url, {"active": "0"}).status_code == 403, (role, url)
        assert cast.reporter.memberships.active().count() == 1
        assert not Event.objects.exists()


def test_anonymous_visitors_are_sent_to_login(cast, client):
    for url in pages(cast)["get"]:
        assert client.get(url)["Location"].startswith("/login/")


def test_list_searches_by_name_username_and_unit(cast, login):
    cast.reporter.full_name = "陈晓雪"
    cast.reporter.save()
    client = login(cast.secadmin)

    def found(q):
        html = client.get("/security/users/", {"q": q}).content.decode()
        return {name for name in ROLES if f">{name}</a>" in html}

    assert found("晓雪") == {"reporter"}
    assert found("REVIEW") == {"reviewer"}
    assert found("统计局") == {"reviewer", "assessor"}
    assert found("发改委") == {"reporter", "rater"}  # short name of the unit
    assert found("") == set(ROLES)


def test_list_is_paginated_and_its_query_count_does_not_grow(cast, login):
    client = login(cast.secadmin)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/security/users/").status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for i in range(40):
        user = make_user(f"extra{i:02d}")
        grant(user, cast.fgw, Role.REPORTER)
        grant(user, cast.street, Role.REVIEWER)
    assert queries() == small
    html = client.get("/security/users/", {"page": 2}).content.decode()
    assert "第 2 / 3 页" in html
    assert "共 52 个用户" in html


def test_create_user_forces_a_password_change_and_is_audited(cast, login):
    client = login(cast.secadmin)
    response = client.post("/security/users/new/", {
        "username": "Zhangsan", "full_name": "张三", "phone": "022-84391234", "password": GOOD})
    user = User.objects.get(username="Zhangsan")
    assert response["Location"] == f"/security/users/{user.pk}/"
    assert user.must_change_password and user.check_password(GOOD)
    event = Event.objects.get(code="user.created")
    assert event.username == "secadmin" and event.role == "security_admin"
    assert event.after == {"username": "Zhangsan", "full_name": "张三"}


def test_create_user_refuses_a_duplicate_name_in_any_case_and_a_weak_password(cast, login):
    client = login(cast.secadmin)
    response = client.post("/security/users/new/", {"username": "OFFICE", "full_name": "重名", "password": GOOD})
    assert response.status_code == 422
    assert "该用户名已被使用（用户名不区分大小写）。" in response.content.decode()
    response = client.post("/security/users/new/", {"username": "lisi", "full_name": "李四", "password": "lisi1234"})
    assert response.status_code == 422
    assert "至少 3 类" in response.content.decode()
    assert not User.objects.filter(username__in=["OFFICE", "lisi"]).exists()
    assert not Event.objects.exists()


def test_grant_and_revoke_a_role(cast, login):
    client = login(cast.secadmin)
    newcomer = make_user("newcomer")
    url = f"/security/users/{newcomer.pk}/"
    client.post(url + "grant/", {"unit": cast.tjj.pk, "role": Role.REVIEWER})
    membership = Membership.objects.get(user=newcomer)
    assert (membership.unit, membership.role, membership.granted_by) == (cast.tjj, Role.REVIEWER, cast.secadmin)
    assert Event.objects.get(code="membership.granted").after == {
        "user": "newcomer", "unit": "B02", "role": "reviewer"}
    assert "区统计局" in client.get(url).content.decode()
    client.post(f"{url}memberships/{membership.pk}/revoke/")
    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert Event.objects.get(code="membership.revoked").before["role"] == "reviewer"


def test_grant_offers_only_current_units(cast, login):
    cast.other_street.valid_to = cast.other_street.valid_from
    cast.other_street.save()
    client = login(cast.secadmin)
    response = client.post(f"/security/users/{cast.outsider.pk}/grant/",
                           {"unit": cast.other_street.pk, "role": Role.REPORTER})
    assert response.status_code == 422
    assert not cast.outsider.memberships.exists()


@pytest.mark.parametrize(("holder", "role"), [
    ("reporter", Role.SECURITY_ADMIN),  # an ordinary user cannot become an admin on the side
    ("sysadmin", Role.OFFICE_ADMIN),  # an admin cannot take a business role
    ("sysadmin", Role.AUDIT_ADMIN),  # nor a second admin role
    ("auditor", Role.SECURITY_ADMIN),
])
def test_the_three_admin_roles_stay_apart(cast, login, holder, role):
    client = login(cast.secadmin)
    user = getattr(cast, holder)
    response = client.post(f"/security/users/{user.pk}/grant/", {"unit": cast.district.pk, "role": role}, follow=True)
    html = response.content.decode()
    assert "须由专人担任，该用户已有其他角色" in html or "不能再授予其他角色" in html
    assert user.memberships.count() == 1
    assert not Event.objects.filter(code="membership.granted").exists()


def test_the_security_admin_cannot_grant_themself_a_role(cast, login):
    client = login(cast.secadmin)
    response = client.post(f"/security/users/{cast.secadmin.pk}/grant/",
                           {"unit": cast.district.pk, "role": Role.SECURITY_ADMIN}, follow=True)
    assert "不能给自己授予角色" in response.content.decode()
    assert cast.secadmin.memberships.count() == 1


def test_the_security_admin_cannot_revoke_their_own_role(cast, login):
    client = login(cast.secadmin)
    own = cast.secadmin.memberships.get()
    response = client.post(f"/security/users/{cast.secadmin.pk}/memberships/{own.pk}/revoke/", follow=True)
    assert "不能撤销自己的安全管理员角色" in response.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is None


def test_a_second_security_admin_can_revoke_the_first(cast, login):
    other = make_user("secadmin2")
    grant(other, cast.district, Role.SECURITY_ADMIN)
    own = cast.secadmin.memberships.get()
    login(other).post(f"/security/users/{cast.secadmin.pk}/memberships/{own.pk}/revoke/")
    own.refresh_from_db()
    assert own.revoked_at is not None


def test_revoke_only_memberships_of_that_user(cast, login):
    client = login(cast.secadmin)
    of_reviewer = cast.reviewer.memberships.get()
    assert client.post(f"/security/users/{cast.reporter.pk}/memberships/{of_reviewer.pk}/revoke/").status_code == 404


def test_reset_password_forces_a_change_and_is_audited(cast, login):
    client = login(cast.secadmin)
    client.post(f"/security/users/{cast.reporter.pk}/password/", {"password": GOOD})
    cast.reporter.refresh_from_db()
    assert cast.reporter.check_password(GOOD) and cast.reporter.must_change_password
    event = Event.objects.get(code="user.password_reset")
    assert event.object_id == str(cast.reporter.pk) and event.username == "secadmin"


def test_reset_password_applies_the_rules_including_no_reuse(cast, login):
    client = login(cast.secadmin)
    response = client.post(f"/security/users/{cast.reporter.pk}/password/", {"password": PASSWORD})
    assert response.status_code == 422
    assert "不能使用最近 5 次用过的密码。" in response.content.decode()


def test_the_security_admin_cannot_reset_or_deactivate_themself(cast, login):
    client = login(cast.secadmin)
    client.post(f"/security/users/{cast.secadmin.pk}/password/", {"password": GOOD})
    client.post(f"/security/users/{cast.secadmin.pk}/active/", {"active": "0"})
    cast.secadmin.refresh_from_db()
    assert cast.secadmin.is_active and cast.secadmin.check_password(PASSWORD)
    refused = Event.objects.order_by("id")  # nothing changed; both attempts are audited as refusals
    assert [(e.code, e.outcome, e.object_id) for e in refused] == [
        ("user.password_reset_refused", "failure", str(cast.secadmin.pk)),
        ("user.active_refused", "failure", str(cast.secadmin.pk))]
    assert all(e.after["message"] and e.username == "secadmin" for e in refused)


def test_unlock_lifts_a_lockout(cast, login, client, post_login):
    for _ in range(5):
        post_login("reporter", "Wrong#2026pw")
    assert post_login("reporter", PASSWORD).status_code == 429
    assert lockout.locked_usernames(["Reporter"]) == {"reporter"}
    admin = login(cast.secadmin)
    assert "已锁定" in admin.get(f"/security/users/{cast.reporter.pk}/").content.decode()
    assert "已锁定" in admin.get("/security/users/").content.decode()
    admin.post(f"/security/users/{cast.reporter.pk}/unlock/")
    assert Event.objects.get(code="user.unlocked").object_id == str(cast.reporter.pk)
    admin.post("/logout/")
    assert post_login("reporter", PASSWORD).status_code == 302


def test_deactivate_and_reactivate(cast, login, post_login):
    client = login(cast.secadmin)
    url = f"/security/users/{cast.reporter.pk}/active/"
    client.post(url, {"active": "0"})
    cast.reporter.refresh_from_db()
    assert not cast.reporter.is_active
    client.post(url, {"active": "1"})
    cast.reporter.refresh_from_db()
    assert cast.reporter.is_active
    events = Event.objects.filter(code__startswith="user.").order_by("id")
    assert [(e.code, e.after) for e in events] == [
        ("user.deactivated", {"is_active": False}), ("user.reactivated", {"is_active": True})]


def test_reset_totp_makes_the_user_enroll_again(cast, login):
    cast.office.totp_secret = "JBSWY3DPEHPK3PXP"
    cast.office.totp_confirmed = True
    cast.office.save()
    login(cast.secadmin).post(f"/security/users/{cast.office.pk}/totp/reset/")
    cast.office.refresh_from_db()
    assert not cast.office.totp_confirmed and cast.office.totp_secret == ""
    assert Event.objects.filter(code="user.totp_reset").count() == 1


def test_actions_refuse_to_act_on_oneself(cast):
    from django.core.exceptions import ValidationError

    for call in [
        lambda: actions.grant_role(cast.secadmin, cast.district, Role.AUDIT_ADMIN, by=cast.secadmin),
        lambda: actions.revoke_role(cast.secadmin.memberships.get(), by=cast.secadmin),
        lambda: actions.reset_password(cast.secadmin, GOOD, by=cast.secadmin),
        lambda: actions.set_active(cast.secadmin, False, by=cast.secadmin),
        lambda: actions.reset_totp(cast.secadmin, by=cast.secadmin),
    ]:
        with pytest.raises(ValidationError):
            call()
    assert not Event.objects.exists()
