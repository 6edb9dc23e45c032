"""Maker-checker publishing of portal items: refusals, scheduling, revisions, withdrawal, the audit trail."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jixiao.audit.models import Event
from jixiao.portal import publishing_actions as actions
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import Kind, Revision, RevisionStatus, Validity
from jixiao.portal.tests.publishing_builders import checker, drafted, fields, published

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office2(cast):
    return checker(cast)


def public_titles(now=None):
    return [r.title for r in queries.public(now=now)]


def codes(article):
    return list(Event.objects.filter(object_type="portal.Article", object_id=str(article.pk))
                .order_by("id").values_list("code", flat=True))


def test_a_draft_is_not_public_until_another_office_user_approves_it(cast, office2, clock):
    article = drafted(cast)
    assert public_titles() == []
    actions.submit(article, by=cast.office)
    assert public_titles() == []
    actions.approve(article, by=office2)
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知"]
    assert codes(article) == ["article.drafted", "article.submitted", "article.approved"]


def test_the_writer_can_never_approve_or_return_their_own_revision(cast, office2, clock):
    article = drafted(cast)
    actions.submit(article, by=cast.office)
    with pytest.raises(ValidationError, match="不能审核自己撰写的信息"):
        actions.approve(article, by=cast.office)
    with pytest.raises(ValidationError, match="不能审核自己撰写的信息"):
        actions.return_revision(article, by=cast.office, reason="自己退回")
    assert article.revisions.get().status == RevisionStatus.PENDING


def test_only_the_writer_edits_and_submits_a_draft(cast, office2, clock):
    article = drafted(cast)
    with pytest.raises(ValidationError, match="只有撰稿人可以修改"):
        actions.edit(article, fields(title="他人改标题"), by=office2)
    with pytest.raises(ValidationError, match="只有撰稿人可以提交"):
        actions.submit(article, by=office2)


def test_a_pending_revision_cannot_be_edited_and_a_returned_one_can(cast, office2, clock):
    article = drafted(cast)
    actions.submit(article, by=cast.office)
    with pytest.raises(ValidationError, match="正在审核中"):
        actions.edit(article, fields(title="改"), by=cast.office)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        actions.return_revision(article, by=office2, reason="  ")
    actions.return_revision(article, by=office2, reason="标题不规范")
    revision = actions.edit(article, fields(title="关于开展2026年度绩效考核工作的通知（修改）"), by=cast.office)
    assert (revision.number, revision.status, revision.return_reason) == (1, "returned", "标题不规范")
    actions.submit(article, by=cast.office)
    actions.approve(article, by=office2)
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知（修改）"]


def test_a_scheduled_item_appears_when_its_time_comes(cast, office2, clock):
    at = NOW + datetime.timedelta(days=2)
    article = published(cast, office2, publish_at=at)
    assert queries.state(list(article.revisions.all()), NOW).code == "scheduled"
    assert public_titles() == []
    assert public_titles(at - datetime.timedelta(seconds=1)) == []
    clock.move_to(at)
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知"]
    assert queries.state(list(article.revisions.all()), at).code == "published"


def test_a_publication_time_in_the_past_is_refused(cast, office2, clock):
    article = drafted(cast)
    actions.submit(article, by=cast.office)
    with pytest.raises(ValidationError, match="时间已过"):
        actions.approve(article, by=office2, publish_at=NOW - datetime.timedelta(hours=1))


def test_an_edit_after_approval_is_a_new_revision_and_the_public_keeps_the_approved_one(cast, office2, clock):
    article = published(cast, office2)
    revision = actions.edit(article, fields(title="新标题"), by=cast.office)
    assert revision.number == 2 and revision.status == RevisionStatus.DRAFT
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知"]
    actions.submit(article, by=cast.office)
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知"]
    later = NOW + datetime.timedelta(hours=3)
    actions.approve(article, by=office2, publish_at=later)
    assert public_titles() == ["关于开展2026年度绩效考核工作的通知"]  # the new text is scheduled
    assert public_titles(later) == ["新标题"]
    assert list(article.revisions.values_list("number", "title")) == [(1, "关于开展2026年度绩效考核工作的通知"),
                                                                      (2, "新标题")]


def test_withdrawal_takes_every_approved_revision_down_and_a_new_approval_puts_it_back(cast, office2, clock):
    article = published(cast, office2)
    actions.edit(article, fields(title="第二版"), by=cast.office)
    actions.submit(article, by=cast.office)
    actions.approve(article, by=office2, publish_at=NOW + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="请填写撤回原因"):
        actions.withdraw(article, by=cast.office, reason="")
    assert actions.withdraw(article, by=cast.office, reason="内容有误") == 2
    assert public_titles() == [] and public_titles(NOW + datetime.timedelta(days=2)) == []
    assert queries.state(list(article.revisions.all()), NOW).label == "已撤回"
    with pytest.raises(ValidationError, match="无需撤回"):
        actions.withdraw(article, by=cast.office, reason="再撤")
    actions.edit(article, fields(title="第三版"), by=cast.office)
    actions.submit(article, by=cast.office)
    actions.approve(article, by=office2)
    assert public_titles() == ["第三版"]
    assert codes(article)[-5:] == ["article.approved", "article.withdrawn", "article.edited", "article.submitted",
                                   "article.approved"]


def test_hostile_markup_is_cleaned_before_it_is_stored(cast, office2, clock):
    body = ('<p onclick="steal()">正文<script>alert(1)</script></p><img src=x onerror=alert(1)>'
            '<a href="javascript:alert(1)">链接</a><svg><script>alert(2)</script></svg><style>p{}</style>')
    article = drafted(cast, body=body)
    stored = article.revisions.get().body
    assert stored == '<p>正文</p><a rel="noopener noreferrer">链接</a>'


def test_a_policy_document_needs_its_metadata_and_an_explanation_its_document(cast, clock):
    with pytest.raises(ValidationError) as refused:
        actions.draft(Kind.POLICY, fields(Kind.NOTICE), by=cast.office)
    assert "政策文件须填写索引号。" in refused.value.messages and "政策文件须填写文号。" in refused.value.messages
    with pytest.raises(ValidationError, match="须选择所解读的政策文件"):
        actions.draft(Kind.EXPLANATION, fields(Kind.EXPLANATION), by=cast.office)


def test_a_repealed_document_names_the_one_that_replaced_it(cast, office2, clock):
    old = published(cast, office2, Kind.POLICY, title="旧办法")
    new = published(cast, office2, Kind.POLICY, title="新办法")
    with pytest.raises(ValidationError, match="有效的政策文件不能有替代文件"):
        actions.edit(old, fields(Kind.POLICY, title="旧办法", replaced_by=new), by=cast.office)
    with pytest.raises(ValidationError, match="另一份政策文件"):
        actions.edit(old, fields(Kind.POLICY, title="旧办法", replaced_by=old, validity=Validity.REPEALED),
                     by=cast.office)
    actions.edit(old, fields(Kind.POLICY, title="旧办法", replaced_by=new, validity=Validity.REPEALED), by=cast.office)
    actions.submit(old, by=cast.office)
    actions.approve(old, by=office2)
    live = queries.public_revision(old.pk)
    assert (live.number, live.validity, live.replaced_by_id) == (2, "repealed", new.pk)


def test_a_draft_changed_since_the_form_was_opened_is_not_overwritten(cast, clock):
    article = drafted(cast)
    revision = article.revisions.get()
    seen = actions.stamp(revision)
    clock.shift(60)
    actions.edit(article, fields(title="另一个标签页"), by=cast.office, based_on=seen)
    with pytest.raises(ValidationError, match="已被修改"):
        actions.edit(article, fields(title="旧表单"), by=cast.office, based_on=seen)
    assert Revision.objects.get().title == "另一个标签页"


def test_the_next_scheduled_time_is_the_earliest_approved_one_to_come(cast, office2, clock):
    assert queries.next_scheduled() is None
    published(cast, office2, publish_at=NOW + datetime.timedelta(days=3))
    published(cast, office2, publish_at=NOW + datetime.timedelta(hours=2))
    withdrawn = published(cast, office2, publish_at=NOW + datetime.timedelta(hours=1))
    actions.withdraw(withdrawn, by=cast.office, reason="改期")
    assert queries.next_scheduled() == NOW + datetime.timedelta(hours=2)


def test_a_new_revision_carries_the_attachments_and_dropping_one_leaves_the_public_revision_alone(
        cast, office2, clock, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    pdf = b"%PDF-1.4\n%%EOF\n"
    article = actions.draft(Kind.NOTICE, fields(), by=cast.office, files=[SimpleUploadedFile("名单.pdf", pdf)])
    actions.submit(article, by=cast.office)
    actions.approve(article, by=office2)
    revision = actions.edit(article, fields(title="第二版"), by=cast.office)
    carried = revision.attachments.get()
    assert carried.original_name == "名单.pdf" and carried.file.read() == pdf
    actions.edit(article, fields(title="第二版"), by=cast.office, remove=[str(carried.pk)])
    assert not revision.attachments.exists()
    assert queries.public_revision(article.pk).attachments.get().file.read() == pdf


def test_the_writer_may_recall_a_pending_revision_and_nobody_else(cast, office2, clock):
    article = drafted(cast)
    actions.submit(article, by=cast.office)
    with pytest.raises(ValidationError, match="只有撰稿人可以收回"):
        actions.recall(article, by=office2)
    actions.recall(article, by=cast.office)
    assert article.revisions.get().status == RevisionStatus.DRAFT
    actions.edit(article, fields(title="收回后改的标题"), by=cast.office)
    with pytest.raises(ValidationError, match="没有待审核的版本"):
        actions.recall(article, by=cast.office)
    assert codes(article) == ["article.drafted", "article.submitted", "article.recalled", "article.edited"]
