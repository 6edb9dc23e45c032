"""Judging an uploaded evidence file by its content (佐证材料): PDF, JPEG, PNG, DOCX or XLSX, size-capped.

The name's extension must agree with the content, so a renamed executable or a macro workbook called
.xlsx is refused. Office files are zip packages: their directory is read (never extracted) to check the
parts that identify them, the absence of macros and the total uncompressed size.
"""

import io
import zipfile

from django.conf import settings

from jixiao.reporting.checks import ValueProblem

KINDS = {"pdf": "PDF", "jpg": "JPEG 图片", "png": "PNG 图片", "docx": "Word 文档", "xlsx": "Excel 工作簿"}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx", "xlsx": "xlsx"}
MAX_EXPANDED = 200 * 1024 * 1024


def sniff(head: bytes, data_for_zip=None) -> str:
    """The kind of a file from its first bytes (and, for zip packages, its directory); "" when unknown."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        return _office_kind(data_for_zip)
    return ""


def _office_kind(data) -> str:
    try:
        with zipfile.ZipFile(data) as package:
            names = {n.lower() for n in package.namelist()}
            expanded = sum(i.file_size for i in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    if any(n.endswith("vbaproject.bin") for n in names):
        raise ValueProblem("文件包含宏，出于安全原因不予接收。")
    if expanded > MAX_EXPANDED:
        raise ValueProblem("文件解压后体积异常庞大，疑似恶意文件，不予接收。")
    if "[content_types].xml" not in names:
        return ""
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return ""


def check_upload(upload) -> tuple[str, bytes]:
    """(kind, content) of an acceptable upload, else ValueProblem with a Chinese message."""
    name = upload.name or ""
    size = upload.size or 0
    cap = settings.UPLOAD_MAX_BYTES
    if size > cap:
        raise ValueProblem(f"文件“{name}”大小为 {size / 1024 / 1024:.1f} MB，超过上限 {cap / 1024 / 1024:.0f} MB。")
    upload.seek(0)
    content = upload.read(cap + 1)
    if len(content) > cap:
        raise ValueProblem(f"文件“{name}”超过上限 {cap / 1024 / 1024:.0f} MB。")
    if not content:
        raise ValueProblem("文件是空的。")
    kind = sniff(content[:16], io.BytesIO(content))
    claimed = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower() if "." in name else "")
    if not kind:
        raise ValueProblem(f"文件“{name}”的内容不是 PDF、JPEG、PNG、Word（.docx）或 Excel（.xlsx），不予接收。")
    if claimed != kind:
        raise ValueProblem(f"文件“{name}”的扩展名与内容不符（内容为{KINDS[kind]}），请勿修改扩展名后上传。")
    return kind, content
