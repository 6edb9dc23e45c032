"""One download response for every file the site hands out."""

from urllib.parse import unquote

from django.core.files.base import ContentFile

from jixiao.lib import responses


def test_content_type_comes_from_the_kind_or_the_file_name():
    xlsx = responses.download(b"PK", "2026年考核结果.xlsx")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert responses.download(b"PK", "通报").get("Content-Type") == responses.FALLBACK
    assert responses.download(b"PK", "通报", kind="docx")["Content-Type"].endswith("wordprocessingml.document")
    assert responses.content_type("JPEG") == "image/jpeg"


def test_the_chinese_file_name_survives_and_an_ascii_stand_in_comes_first():
    header = responses.download(b"x", '整改"清单".xlsx')["Content-Disposition"]
    ascii_part, utf8_part = header.split("; filename*=UTF-8''")
    assert ascii_part.startswith('attachment; filename="') and ascii_part.isascii() and '"清单"' not in ascii_part
    assert unquote(utf8_part) == '整改"清单".xlsx'


def test_a_download_is_never_stored():
    assert responses.download(b"x", "a.csv")["Cache-Control"] == "no-store"


def test_an_open_file_is_streamed_with_the_same_headers():
    response = responses.download(ContentFile(b"%PDF-1.7", name="x.pdf"), "佐证材料.pdf")
    assert response.streaming and b"".join(response.streaming_content) == b"%PDF-1.7"
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].endswith("%E4%BD%90%E8%AF%81%E6%9D%90%E6%96%99.pdf")
