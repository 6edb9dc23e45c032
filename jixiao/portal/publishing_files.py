"""Attachments of portal items (附件): judged by `jixiao.lib.evidence` like every uploaded file, stored by their hash.

Every file of a request is checked before any is stored, so one bad file refuses the whole save.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.lib import evidence
from jixiao.portal.models import Attachment

MAX_FILES = 10


def check(uploads) -> list[tuple[str, str, bytes]]:
    """(name, kind, bytes) of every upload; one ValidationError listing every bad file, in Chinese."""
    uploads = [u for u in uploads or () if u]
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"每条信息最多 {MAX_FILES} 个附件。")
    checked, problems = [], []
    for upload in uploads:
        try:
            name, data = evidence.read(upload, settings.UPLOAD_MAX_BYTES)
            checked.append((name, evidence.judge(name, data), data))
        except evidence.EvidenceProblem as problem:
            problems.append(str(problem))
    if problems:
        raise ValidationError(problems)
    return checked


def store(files, *, revision, by) -> list[Attachment]:
    """Save checked files as attachments of `revision`."""
    rows = []
    for name, kind, data in files:
        digest = hashlib.sha256(data).hexdigest()
        row = Attachment(revision=revision, original_name=name, kind=kind, size=len(data), sha256=digest,
                         uploaded_by=by, uploaded_at=timezone.now())
        row.file.save(name, ContentFile(data), save=False)
        row.save()
        rows.append(row)
    return rows


def carry_over(source, target) -> None:
    """Give a new revision the attachments of the one it was made from (same stored files, new rows)."""
    Attachment.objects.bulk_create([
        Attachment(revision=target, file=a.file.name, original_name=a.original_name, kind=a.kind, size=a.size,
                   sha256=a.sha256, uploaded_by_id=a.uploaded_by_id, uploaded_at=a.uploaded_at)
        for a in source.attachments.all()])


CONTENT_TYPES = evidence.CONTENT_TYPES
