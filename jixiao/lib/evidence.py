"""Judging an uploaded evidence file (佐证材料) by its content: PDF, JPEG, PNG, DOCX or XLSX, size-capped.

One rule for every app that takes evidence (reporting, key work, rectification). The type comes from the
bytes, and the name's extension must agree with it, so a renamed executable or a macro workbook called .xlsx
is refused. Office files are zip packages: their directory is read (never extracted) to check the parts
that identify them, the absence of macros and the total uncompressed size.
"""

import io
import zipfile

from jixiao.lib.responses import content_type

KINDS = {"pdf": "PDF", "jpg": "JPEG 图片", "png": "PNG 图片", "docx": "Word 文档", "xlsx": "Excel 工作簿"}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx", "xlsx": "xlsx"}
CONTENT_TYPES = {kind: content_type(kind) for kind in KINDS}  # one table of content types: lib/responses
ALLOWED_TEXT = "PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）"
MAX_EXPANDED = 200 * 1024 * 1024


class EvidenceProblem(ValueError):
    """A file that is not accepted; the message is Chinese and names the file."""


def read(upload, cap: int) -> tuple[str, bytes]:
    """(name, bytes) of an upload within the size cap, else EvidenceProblem."""
    name = str(getattr(upload, "name", "") or "文件")[:200]
    size = getattr(upload, "size", None)
    if size is not None and size > cap:
        raise EvidenceProblem(f"“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过上限 {_mb(cap)} MB。")
    upload.seek(0)
    data = upload.read(cap + 1)
    if len(data) > cap:
        raise EvidenceProblem(f"“{name}”超过上限 {_mb(cap)} MB。")
    return name, data


def judge(name: str, data: bytes) -> str:
    """The kind of an acceptable file ("pdf", "jpg", …), else EvidenceProblem saying why."""
    if not data:
        raise EvidenceProblem(f"“{name}”是空文件。")
    kind = sniff(data, name=name)
    if not kind:
        raise EvidenceProblem(f"“{name}”的内容不是可接受的类型，请上传 {ALLOWED_TEXT}（按文件内容判断，改扩展名无效）。")
    claimed = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower() if "." in name else "")
    if claimed != kind:
        raise EvidenceProblem(f"“{name}”的扩展名与内容不符（内容为{KINDS[kind]}），请勿修改扩展名后上传。")
    return kind


def sniff(data: bytes, *, name: str = "文件") -> str:
    """The kind judged from the bytes alone; "" when unknown. A macro or a zip bomb is an EvidenceProblem."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data, name)
    return ""


def _office_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = {n.lower() for n in package.namelist()}
            expanded = sum(i.file_size for i in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    if any(n.endswith("vbaproject.bin") for n in names):
        raise EvidenceProblem(f"“{name}”包含宏，出于安全原因不予接收。")
    if expanded > MAX_EXPANDED:
        raise EvidenceProblem(f"“{name}”解压后体积异常庞大，疑似恶意文件，不予接收。")
    if "[content_types].xml" not in names:
        return ""
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"
