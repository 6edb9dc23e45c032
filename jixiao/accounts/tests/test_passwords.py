"""Password rules, expiry and forced change (SECURITY.md §Identity and sessions)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from jixiao.accounts import actions
from jixiao.accounts.forms import UserCreateForm
from jixiao.accounts.models import User
from jixiao.accounts.passwords import COMMON_MESSAGE, KEYBOARD_MESSAGE, USERNAME_MESSAGE
from tests.cast import PASSWORD

GOOD = "Kaohe#2026ok"


def rule_errors(password, user=None):
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return error.messages
    return []


def test_a_good_password_passes(cast):
    assert rule_errors(GOOD, cast.reporter) == []


def test_password_shorter_than_8_is_refused():
    assert "密码太短，至少需要 8 个字符。" in rule_errors("Ab1!xyz")


def test_password_with_two_character_classes_is_refused():
    assert any("至少 3 类" in m for m in rule_errors("kaohe2026ok"))
    assert rule_errors("kaohe2026ok!") == []


def test_common_password_is_refused():
    assert COMMON_MESSAGE in rule_errors("P@ssw0rd")


# Found by the reviewers (issue 14), and the usual Chinese patterns: a list word with digits and symbols around it.
@pytest.mark.parametrize("password", [
    "Admin@123", "Aa123456!", "Password123!", "P@ssw0rd123", "Jixiao2026!", "2026@Kaohe", "Woaini1314!",
    "Zhangsan@1990", "Tianjin#2026", "Qq123456!", "Pingyi_2026", "Abc@123456",
])
def test_common_words_dressed_in_digits_and_symbols_are_refused(db, password):
    assert COMMON_MESSAGE in rule_errors(password, User(username="zhouhaitao"))


@pytest.mark.parametrize("password", ["Rater@2026", "RATER#2026x", "Retar!2026x", "My.rater.2026"])
def test_a_password_containing_the_username_is_refused(db, password):
    assert USERNAME_MESSAGE in rule_errors(password, User(username="rater"))


@pytest.mark.parametrize("password", ["1qaz@WSX", "Qwerty123!", "Abc123!@#", "Aaaa1111!", "Zxcvbnm,./1A", "!QAZ2wsx#EDC"])
def test_keyboard_walks_sequences_and_repeats_are_refused(db, password):
    assert KEYBOARD_MESSAGE in rule_errors(password, User(username="zhouhaitao"))


@pytest.mark.parametrize("password", [PASSWORD, GOOD, "Tianbao#2026new", "Zx8#kLm2pQ", "Shenhe-2026-jl"])
def test_passwords_with_something_of_their_own_pass(cast, password):
    for user in [cast.reporter, cast.office, cast.rater, cast.outsider]:
        assert rule_errors(password, User(username=user.username, full_name=user.full_name)) == [], user


def test_password_like_the_username_is_refused(db):
    user = User(username="zhangwei2026")
    assert any("相似" in m for m in rule_errors("Zhangwei2026!", user))


def test_the_last_five_passwords_cannot_be_reused(cast):
    user = cast.reporter
    used = [PASSWORD] + [f"Kaohe#2026v{i}" for i in range(1, 6)]
    for new in used[1:]:
        actions.set_password(user, new, by=user)
    user.refresh_from_db()
    # The current one and the four before it are refused; the sixth-newest is free again.
    for recent in used[-5:]:
        assert "不能使用最近 5 次用过的密码。" in rule_errors(recent, user)
    assert rule_errors(used[0], user) == []


def test_usernames_are_unique_regardless_of_case(cast):
    form = UserCreateForm({"username": "Reporter", "full_name": "重名", "password": GOOD})
    assert not form.is_valid()
    assert form.errors["username"] == ["该用户名已被使用（用户名不区分大小写）。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="REPORTER")


def test_password_expires_after_90_days(cast, login):
    start = timezone.now()
    cast.reporter.password_changed_at = start
    cast.reporter.save()
    with time_machine.travel(start + datetime.timedelta(days=89), tick=False):
        assert login(cast.reporter).get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(days=91), tick=False):
        client = login(cast.reporter)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/account/password/"
        response = client.post("/account/password/", {
            "old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_first_login_forces_a_password_change(cast, post_login, client):
    actions.create_user(username="xinren", full_name="新人", phone="", password=GOOD, by=cast.secadmin)
    assert post_login("XinRen", GOOD).status_code == 302
    response = client.get("/")
    assert response["Location"] == "/account/password/"
    # Until the change, every other page sends the person back.
    assert client.get("/org/").status_code == 302


def test_admin_reset_forces_a_change_at_next_login(cast, post_login, client, codes):
    actions.reset_password(cast.reporter, GOOD, by=cast.secadmin)
    cast.reporter.refresh_from_db()
    assert cast.reporter.must_change_password
    assert "user.password_reset" in codes()
    post_login("reporter", GOOD)
    assert client.get("/")["Location"] == "/account/password/"
    new = "Tianbao#2026new"
    response = client.post("/account/password/", {"old_password": GOOD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    cast.reporter.refresh_from_db()
    assert not cast.reporter.must_change_password
    assert codes("user.password_")[-1] == "user.password_changed"
    assert client.get("/").status_code == 200


def test_password_change_needs_the_old_password_and_shows_rules_in_chinese(cast, login):
    client = login(cast.reporter)
    response = client.post("/account/password/", {
        "old_password": "wrong", "new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 422
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 422
    assert "不能使用最近 5 次用过的密码。" in response.content.decode()
    response = client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert "密码太短" in response.content.decode()
