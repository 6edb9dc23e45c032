import io
import zipfile

import pytest

from jixiao.lib import evidence


def _zip(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


XLSX = _zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<w/>"})


@pytest.mark.parametrize("name, data, kind", [
    ("报告.PDF", b"%PDF-1.7 x", "pdf"), ("照片.jpeg", b"\xff\xd8\xff\xe0x", "jpg"),
    ("图.png", b"\x89PNG\r\n\x1a\nx", "png"), ("表.xlsx", XLSX, "xlsx"),
    ("文.docx", _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"}), "docx"),
])
def test_judge_takes_the_kind_from_the_bytes(name, data, kind):
    assert evidence.judge(name, data) == kind


@pytest.mark.parametrize("name, data, message", [
    ("空.pdf", b"", "是空文件"),
    ("程序.pdf", b"MZ\x90\x00", "不是可接受的类型"),
    ("无扩展名", b"%PDF-1.7", "扩展名与内容不符"),
    ("表.pdf", XLSX, "内容为Excel 工作簿"),
    ("宏.xlsx", _zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<w/>", "xl/vbaProject.bin": "x"}), "包含宏"),
    ("普通.zip.xlsx", _zip({"a.txt": "x"}), "不是可接受的类型"),
    ("坏.xlsx", b"PK\x03\x04broken", "不是可接受的类型"),
])
def test_judge_refuses_with_the_file_named(name, data, message):
    with pytest.raises(evidence.EvidenceProblem, match=message) as refused:
        evidence.judge(name, data)
    assert name in str(refused.value)


def test_read_stops_at_the_cap_even_when_the_size_is_unknown():
    upload = io.BytesIO(b"%PDF-" + b"0" * 100)
    upload.name = "大.pdf"
    with pytest.raises(evidence.EvidenceProblem, match="超过上限"):
        evidence.read(upload, 50)
    upload.seek(0)
    assert evidence.read(upload, 200) == ("大.pdf", upload.getvalue())


def test_a_zip_bomb_is_refused_from_the_directory_without_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("word/document.xml", "<w/>")
        z.writestr("word/media/bomb.bin", b"\0" * (201 * 1024 * 1024))
    with pytest.raises(evidence.EvidenceProblem, match="解压后体积"):
        evidence.judge("炸弹.docx", buffer.getvalue())
