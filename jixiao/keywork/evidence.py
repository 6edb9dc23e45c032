"""Evidence files (佐证材料): typed by their content, capped in size, stored under a content hash.

Every file of a request is checked before any is stored, so a bad file refuses the whole submission.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.keywork.models import Evidence

KIND_LABELS = {"pdf": "PDF", "png": "PNG 图片", "jpg": "JPEG 图片", "docx": "Word 文档", "xlsx": "Excel 工作簿"}
ALLOWED_TEXT = "PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）"
MAX_FILES = 10


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """The file's type judged from its bytes, or None when it is not one we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def check_files(uploads) -> list[CheckedFile]:
    """Read and judge every upload; raise one ValidationError listing every bad file, in Chinese."""
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个佐证材料文件。")
    limit = settings.UPLOAD_MAX_BYTES
    checked, problems = [], []
    for upload in uploads:
        name = str(getattr(upload, "name", "文件"))[:200]
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            problems.append(f"“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过上限 {limit // 1024 // 1024} MB。")
            continue
        upload.seek(0)
        data = upload.read(limit + 1)
        if len(data) > limit:
            problems.append(f"“{name}”超过大小上限 {limit // 1024 // 1024} MB。")
        elif not data:
            problems.append(f"“{name}”是空文件。")
        elif (kind := sniff(data)) is None:
            problems.append(f"“{name}”的内容不是可接受的类型，请上传 {ALLOWED_TEXT}（按文件内容判断，改扩展名无效）。")
        else:
            checked.append(CheckedFile(name, kind, data))
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


CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
