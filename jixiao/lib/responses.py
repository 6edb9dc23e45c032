"""Every file the site hands out goes through `download`: one content type per kind, one way to name the file.

Before this, seven views built their own response: the Excel content type was spelled out six times, some
headers carried the Chinese file name (RFC 5987) and some an ASCII one, and only one forbade caching. A
download of a signed-in person carries names and scores, so it is never stored (SECURITY.md §Production front).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_cache_control

from jixiao.lib.excel import Sheet, write_workbook

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "json": "application/json",
}
XLSX = CONTENT_TYPES["xlsx"]
FALLBACK = "application/octet-stream"


def content_type(kind: str) -> str:
    """The content type of a file kind ("xlsx", "docx", …; "jpeg" is "jpg"); unknown kinds are plain bytes."""
    kind = kind.lower().lstrip(".")
    return CONTENT_TYPES.get("jpg" if kind == "jpeg" else kind, FALLBACK)


def disposition(file_name: str) -> str:
    """`attachment` naming the file twice: an ASCII stand-in for old clients, then the UTF-8 name (RFC 5987/6266).

    The UTF-8 form comes last, so every current browser saves the file under its Chinese name."""
    ascii_name = file_name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def download(content, file_name: str, *, kind: str = "") -> HttpResponse:
    """A response that saves `content` (bytes, or an open binary file, which is streamed) as `file_name`.

    `kind` picks the content type; by default it is the file name's extension. The response is never stored
    by a browser or proxy cache."""
    kind = kind or PurePosixPath(file_name).suffix
    if isinstance(content, (bytes, bytearray, memoryview)):
        response = HttpResponse(bytes(content), content_type=content_type(kind))
    else:
        response = FileResponse(content, content_type=content_type(kind))
    response["Content-Disposition"] = disposition(file_name)
    patch_cache_control(response, no_store=True)
    return response


def download_workbook(sheets: Sequence[Sheet], file_name: str) -> HttpResponse:
    """`download` of `sheets` written as one Excel workbook named `file_name`."""
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return download(buffer.getvalue(), file_name, kind="xlsx")
