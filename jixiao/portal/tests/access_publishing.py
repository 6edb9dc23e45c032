"""Access cases for the publishing pages (see tests/test_access_matrix.py): only office admins open the back office
(门户信息发布); everyone reads the public lists; a draft's public page and attachment answer 404 to everyone, the
office included — the public side shows published items only, whoever asks."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jixiao.portal import publishing_actions
from jixiao.portal.models import Article, Attachment, Kind

OFFICE = {"office"}
EVERYONE = {"office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
            "sysadmin", "secadmin", "auditor", "outsider"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


MATRIX_FILE = "portal/tests/matrix.png"  # a fixed, tiny file under MEDIA_ROOT, written once


def _draft(cast) -> Article:
    article = Article.objects.filter(kind=Kind.NOTICE).first()
    if article is None:
        article = publishing_actions.draft(Kind.NOTICE, {"title": "草稿通知", "body": "<p>尚未审核的正文</p>"},
                                           by=cast.office)
        if not default_storage.exists(MATRIX_FILE):
            default_storage.save(MATRIX_FILE, ContentFile(PNG))
        Attachment.objects.create(revision=article.revisions.get(), file=MATRIX_FILE, original_name="图.png",
                                  kind="png", size=len(PNG), sha256="0" * 64, uploaded_by=cast.office)
    return article


def _article(cast):
    return {"pk": _draft(cast).pk}


def _attachment(cast):
    article = _draft(cast)
    return {"pk": article.pk, "attachment_pk": article.revisions.get().attachments.get().pk}


CASES = {
    "publishing:list": {"allowed": OFFICE},
    "publishing:create": {"allowed": OFFICE, "kwargs": lambda c: {"kind": Kind.POLICY}},
    "publishing:article": {"allowed": OFFICE, "kwargs": _article},
    "publishing:edit": {"allowed": OFFICE, "kwargs": _article},
    "publishing:submit": {"allowed": OFFICE, "kwargs": _article, "method": "post", "ok": (302,)},
    "publishing:recall": {"allowed": OFFICE, "kwargs": _article, "method": "post", "ok": (302,)},
    "publishing:approve": {"allowed": OFFICE, "kwargs": _article, "method": "post", "ok": (302,)},
    "publishing:return": {"allowed": OFFICE, "kwargs": _article, "method": "post", "ok": (302,)},
    "publishing:withdraw": {"allowed": OFFICE, "kwargs": _article, "method": "post", "ok": (302,)},
    "publishing:attachment": {"allowed": OFFICE, "kwargs": _attachment},
    "portal:notices": {"allowed": EVERYONE, "public": True},
    "portal:notices_feed": {"allowed": EVERYONE, "public": True},
    "portal:news": {"allowed": EVERYONE, "public": True},
    "portal:policies": {"allowed": EVERYONE, "public": True},
    "portal:explanations": {"allowed": EVERYONE, "public": True},
    "portal:result_notices": {"allowed": EVERYONE, "public": True},
    "portal:rectification_notices": {"allowed": EVERYONE, "public": True},
    "portal:article": {"allowed": EVERYONE, "public": True, "kwargs": _article, "ok": (404,)},
    "portal:article_attachment": {"allowed": EVERYONE, "public": True, "kwargs": _attachment, "ok": (404,)},
}
