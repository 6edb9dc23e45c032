"""Evidence files (佐证材料) of key work and rectification: checked by `jixiao.lib.evidence`, stored with a hash.

Every file of a request is checked before any is stored, so a bad file refuses the whole submission.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.keywork.models import Evidence
from jixiao.lib import evidence

MAX_FILES = 10


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check_files(uploads) -> list[CheckedFile]:
    """Read and judge every upload; raise one ValidationError listing every bad file, in Chinese."""
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个佐证材料文件。")
    checked, problems = [], []
    for upload in uploads:
        try:
            name, data = evidence.read(upload, settings.UPLOAD_MAX_BYTES)
            checked.append(CheckedFile(name, evidence.judge(name, data), data))
        except evidence.EvidenceProblem as problem:
            problems.append(str(problem))
    if problems:
        raise ValidationError(problems)
    return checked


def store(files: list[CheckedFile], *, by, **owner) -> list[Evidence]:
    """Save checked files and their rows, attached to one owner (progress=…, supervision= or reply=)."""
    rows = []
    for item in files:
        evidence = Evidence(original_name=item.name, kind=item.kind, size=len(item.data), sha256=item.sha256,
                            uploaded_by=by, uploaded_at=timezone.now(), **owner)
        evidence.file.save(item.name, ContentFile(item.data), save=False)
        evidence.save()
        rows.append(evidence)
    return rows



CONTENT_TYPES = evidence.CONTENT_TYPES
