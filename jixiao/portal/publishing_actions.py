"""State changes of portal items (门户信息发布): draft, edit, submit, approve with a publication time, return, withdraw.

Maker-checker: the office user who wrote a revision (its `created_by`) is the only one who edits and submits it,
and can never approve or return it; another office user does. Every action locks the article, checks the
transition again under the lock and writes one audit event on the article, so the article's history is the audit
log read back (`publishing_queries.history`). A refusal raises ValidationError with a Chinese message; the view
audits it through `lib/refusals`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.portal import publishing_files, publishing_html
from jixiao.portal.models import OPEN, Article, Kind, Revision, RevisionStatus, Validity

CONTENT_FIELDS = ["title", "summary", "body", "index_number", "issuing_body", "document_number", "topic",
                  "written_on", "validity", "replaced_by", "explains"]
POLICY_FIELDS = {"index_number": "索引号", "issuing_body": "发布机构", "document_number": "文号", "topic": "主题分类",
                 "written_on": "成文日期", "validity": "有效性"}
NOT_OWN = "不能审核自己撰写的信息，请由另一位绩效办管理员审核。"
LATE_GRACE = datetime.timedelta(minutes=5)  # a time picked a moment ago still counts as "now"


def content_problems(kind: str, fields: dict, article: Article | None = None) -> list[str]:
    """What keeps these fields from being an item of `kind`, in Chinese; empty when nothing does."""
    problems = []
    if not (fields.get("title") or "").strip():
        problems.append("请填写标题。")
    if not publishing_html.plain_text(fields.get("body") or "") and kind != Kind.POLICY:
        problems.append("请填写正文。")
    if kind == Kind.POLICY:
        problems += [f"政策文件须填写{label}。" for name, label in POLICY_FIELDS.items() if not fields.get(name)]
        replaced_by = fields.get("replaced_by")
        if replaced_by is not None and (replaced_by.kind != Kind.POLICY or replaced_by == article):
            problems.append("替代文件须是另一份政策文件。")
        if replaced_by is not None and fields.get("validity") == Validity.IN_FORCE:
            problems.append("有效的政策文件不能有替代文件；如已被替代，请将有效性改为“已修订”或“已废止”。")
    elif kind == Kind.EXPLANATION:
        explains = fields.get("explains")
        if explains is None or explains.kind != Kind.POLICY:
            problems.append("政策解读须选择所解读的政策文件。")
    return problems


def _content(kind: str, fields: dict) -> dict:
    """The fields an item of `kind` keeps, the body cleaned; policy metadata only on policy documents."""
    content = {name: fields.get(name) for name in CONTENT_FIELDS}
    for name in ("title", "summary", "index_number", "issuing_body", "document_number"):
        content[name] = (content[name] or "").strip()
    content["body"] = publishing_html.clean(content["body"] or "")
    if kind != Kind.POLICY:
        content.update({name: "" for name in POLICY_FIELDS}, written_on=None, replaced_by=None)
    if kind != Kind.EXPLANATION:
        content["explains"] = None
    return content


def _snapshot(revision: Revision) -> dict:
    return log.snapshot(revision, ["number", "status", *CONTENT_FIELDS])


def _record(code: str, article: Article, revision: Revision, by, **sides) -> None:
    """One audit event on the article, named by its kind and title so the log reads without a lookup."""
    log.record(code, article, user=by, object_repr=f"{article.get_kind_display()}：{revision.title}"[:200], **sides)


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def open_revision(article: Article) -> Revision | None:
    return article.revisions.filter(status__in=OPEN).first()


@transaction.atomic
def draft(kind: str, fields: dict, *, by, files=()) -> Article:
    """A new item with its first revision, a draft of `by`."""
    if kind not in Kind.values:
        raise ValidationError("未知的信息栏目。")
    content = _content(kind, fields)
    problems = content_problems(kind, content)
    if problems:
        raise ValidationError(problems)
    checked = publishing_files.check(files)
    article = Article.objects.create(kind=kind, created_by=by)
    revision = Revision.objects.create(article=article, number=1, created_by=by, **content)
    publishing_files.store(checked, revision=revision, by=by)
    _record("article.drafted", article, revision, by, after=_snapshot(revision) | {"files": len(checked)})
    return article


@transaction.atomic
def edit(article: Article, fields: dict, *, by, files=(), remove=(), based_on: str = "") -> Revision:
    """Change the item's text. The open draft is changed in place; after approval a new revision is started.

    `remove` lists attachment ids to drop from the revision; `based_on` is the stamp (`stamp(revision)`) of what
    the form showed: a draft changed since (another tab) is refused rather than overwritten."""
    article = _lock(article)
    revision = open_revision(article)
    if revision is not None and revision.status == RevisionStatus.PENDING:
        raise ValidationError("该信息正在审核中，不能修改；请等待审核，或请审核人退回后再改。")
    if revision is not None and revision.created_by_id != by.pk:
        raise ValidationError("这份草稿由其他人撰写，只有撰稿人可以修改；可请审核人退回后由撰稿人修改。")
    if revision is not None and based_on and based_on != stamp(revision):
        raise ValidationError("这份草稿在您打开后已被修改，请重新打开后再改，以免覆盖。")
    content = _content(article.kind, fields)
    problems = content_problems(article.kind, content, article)
    if problems:
        raise ValidationError(problems)
    checked = publishing_files.check(files)
    before = _snapshot(revision) if revision is not None else None
    if revision is None:
        revision = _new_revision(article, by)
    for name, value in content.items():
        setattr(revision, name, value)
    revision.updated_at = timezone.now()
    revision.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    dropped = list(revision.attachments.filter(pk__in=[int(pk) for pk in remove if str(pk).isdigit()]))
    for attachment in dropped:
        attachment.delete()  # the stored file stays: earlier revisions may name the same file
    publishing_files.store(checked, revision=revision, by=by)
    _record("article.edited", article, revision, by, before=before, after=_snapshot(revision) | {
        "files_added": len(checked), "files_removed": [a.original_name for a in dropped]})
    return revision


def _new_revision(article: Article, by) -> Revision:
    """A new draft revision of `by` starting from the latest revision's text and attachments."""
    latest = article.revisions.order_by("-number").first()
    revision = Revision.objects.create(
        article=article, number=latest.number + 1, created_by=by,
        **{name: getattr(latest, name) for name in CONTENT_FIELDS})
    publishing_files.carry_over(latest, revision)
    return revision


def stamp(revision: Revision) -> str:
    """What an edit form carries to detect a change made since it was opened."""
    return f"{revision.pk}:{revision.updated_at.isoformat()}"


def _open(article: Article, status, message: str) -> Revision:
    revision = article.revisions.filter(status__in=[status] if isinstance(status, str) else status).first()
    if revision is None:
        raise ValidationError(message)
    return revision


@transaction.atomic
def submit(article: Article, *, by) -> Revision:
    """The writer sends the open draft for approval (待审核)."""
    article = _lock(article)
    revision = _open(article, [RevisionStatus.DRAFT, RevisionStatus.RETURNED], "没有可提交审核的草稿。")
    if revision.created_by_id != by.pk:
        raise ValidationError("只有撰稿人可以提交自己的草稿。")
    problems = content_problems(article.kind, {n: getattr(revision, n) for n in CONTENT_FIELDS}, article)
    if problems:
        raise ValidationError(problems)
    revision.status, revision.submitted_at = RevisionStatus.PENDING, timezone.now()
    revision.save(update_fields=["status", "submitted_at"])
    _record("article.submitted", article, revision, by, after={"number": revision.number, "title": revision.title})
    return revision


@transaction.atomic
def recall(article: Article, *, by) -> Revision:
    """The writer takes their revision back from approval to change it (收回修改); it is a draft again."""
    article = _lock(article)
    revision = _open(article, RevisionStatus.PENDING, "没有待审核的版本，可能已被审核。")
    if revision.created_by_id != by.pk:
        raise ValidationError("只有撰稿人可以收回自己提交的信息；审核人请使用“退回修改”。")
    revision.status, revision.submitted_at = RevisionStatus.DRAFT, None
    revision.save(update_fields=["status", "submitted_at"])
    _record("article.recalled", article, revision, by, after={"number": revision.number})
    return revision


@transaction.atomic
def approve(article: Article, *, by, publish_at: datetime.datetime | None = None) -> Revision:
    """Another office user approves the revision waiting for approval, to be published at `publish_at` (now when
    None). Until that time the public keeps seeing the previous approved revision, if any."""
    article = _lock(article)
    revision = _open(article, RevisionStatus.PENDING, "没有待审核的版本，可能已被他人审核。")
    if revision.created_by_id == by.pk:
        raise ValidationError(NOT_OWN)
    now = timezone.now()
    if publish_at is not None and publish_at < now - LATE_GRACE:
        raise ValidationError("定时发布的时间已过，请选择当前之后的时间，或留空立即发布。")
    revision.status, revision.reviewed_by, revision.reviewed_at = RevisionStatus.APPROVED, by, now
    revision.publish_at, revision.return_reason = max(publish_at or now, now), ""
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "publish_at", "return_reason"])
    _record("article.approved", article, revision, by, after={
        "number": revision.number, "title": revision.title, "publish_at": revision.publish_at,
        "scheduled": revision.publish_at > now})
    return revision


@transaction.atomic
def return_revision(article: Article, *, by, reason: str) -> Revision:
    """Another office user sends the revision waiting for approval back to its writer with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写退回原因。")
    article = _lock(article)
    revision = _open(article, RevisionStatus.PENDING, "没有待审核的版本，可能已被他人审核。")
    if revision.created_by_id == by.pk:
        raise ValidationError(NOT_OWN)
    revision.status, revision.reviewed_by, revision.reviewed_at = RevisionStatus.RETURNED, by, timezone.now()
    revision.return_reason = reason[:300]
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    _record("article.returned", article, revision, by, after={"number": revision.number, "reason": revision.return_reason})
    return revision


@transaction.atomic
def withdraw(article: Article, *, by, reason: str) -> int:
    """Take the item off the portal now (撤回): every approved revision, published or scheduled, is withdrawn.

    Any office user may withdraw at once — taking a wrong text down must not wait for a second person; putting
    it back is a new revision, approved as usual. Returns how many revisions were withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写撤回原因。")
    article = _lock(article)
    approved = article.revisions.filter(status=RevisionStatus.APPROVED)
    numbers = list(approved.values_list("number", flat=True))
    if not numbers:
        raise ValidationError("该信息没有已发布或定时发布的版本，无需撤回。")
    approved.update(status=RevisionStatus.WITHDRAWN)
    article.withdrawn_at, article.withdrawn_by, article.withdraw_reason = timezone.now(), by, reason[:300]
    article.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    latest = article.revisions.order_by("-number").first()
    _record("article.withdrawn", article, latest, by, after={"numbers": numbers, "reason": article.withdraw_reason})
    return len(numbers)
