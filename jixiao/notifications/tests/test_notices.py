import pytest
from django.core import mail

from jixiao.notifications import actions
from jixiao.notifications.models import Notice, NoticeKind


def test_notify_creates_one_notice_per_active_recipient(cast):
    cast.rater.is_active = False
    cast.rater.save()
    notices = actions.notify([cast.reporter, cast.reviewer, cast.rater, None], "报件被退回", "请补充说明", kind=NoticeKind.RETURNED)
    assert {n.recipient for n in notices} == {cast.reporter, cast.reviewer}
    assert Notice.objects.count() == 2


def test_dedupe_key_prevents_a_second_reminder(cast):
    actions.notify([cast.reporter], "截止提醒", dedupe_key="deadline:2026Q3:B01")
    actions.notify([cast.reporter, cast.reviewer], "截止提醒", dedupe_key="deadline:2026Q3:B01")
    assert Notice.objects.filter(recipient=cast.reporter).count() == 1
    assert Notice.objects.filter(recipient=cast.reviewer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_after_commit_when_smtp_is_configured(settings):
    from tests.cast import build_cast

    cast = build_cast()
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.reporter.email = "reporter@example.invalid"
    cast.reporter.save()
    actions.notify([cast.reporter, cast.reviewer], "报件被退回", "原因：数据口径不符")
    assert len(mail.outbox) == 1  # the reviewer has no address
    assert "报件被退回" in mail.outbox[0].subject
    assert Notice.objects.get(recipient=cast.reporter).emailed_at is not None


def test_no_email_without_smtp(cast, settings):
    settings.EMAIL_HOST = ""
    cast.reporter.email = "reporter@example.invalid"
    cast.reporter.save()
    actions.notify([cast.reporter], "提醒")
    assert mail.outbox == []


def test_list_shows_only_own_notices_and_unread_count(cast, login):
    actions.notify([cast.reporter], "给填报员的通知")
    actions.notify([cast.reviewer], "给审核人的通知")
    client = login(cast.reporter)
    body = client.get("/notices/").content.decode()
    assert "给填报员的通知" in body and "给审核人的通知" not in body
    assert "1 条未读" in body


def test_opening_another_users_notice_is_404(cast, login):
    other = actions.notify([cast.reviewer], "别人的通知")[0]
    response = login(cast.reporter).post(f"/notices/{other.pk}/open/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_opening_marks_read_and_follows_local_links_only(cast, login):
    local = actions.notify([cast.reporter], "本地链接", url="/org/my-unit/")[0]
    remote = actions.notify([cast.reporter], "外部链接", url="https://evil.example/")[0]
    client = login(cast.reporter)
    assert client.post(f"/notices/{local.pk}/open/")["Location"] == "/org/my-unit/"
    assert client.post(f"/notices/{remote.pk}/open/")["Location"] == "/notices/"
    local.refresh_from_db()
    assert local.read_at is not None


def test_mark_all_read(cast, login):
    actions.notify([cast.reporter], "一")
    actions.notify([cast.reporter], "二")
    login(cast.reporter).post("/notices/read-all/")
    assert Notice.objects.for_user(cast.reporter).unread().count() == 0
