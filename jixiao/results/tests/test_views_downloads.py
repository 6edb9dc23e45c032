"""Every file the results pages hand out goes through the one download helper (`lib.responses.download`)."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from jixiao.lib.responses import CONTENT_TYPES
from jixiao.results.tests import builders

pytestmark = pytest.mark.django_db


def saved_as(response, name: str, kind: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[kind]
    assert response["Content-Disposition"].endswith(f"filename*=UTF-8''{quote(name)}")
    assert "no-store" in response["Cache-Control"]


def test_publication_files_are_named_in_chinese_and_never_stored(cast, login):
    builders.scored(cast, publish=True)
    client = login(cast.office)
    saved_as(client.get(reverse("results:publication_workbook") + "?cycle=2026"), "2026年度绩效考核结果.xlsx", "xlsx")
    saved_as(client.get(reverse("results:publication_bulletin") + "?cycle=2026"), "2026年度绩效考核结果通报.docx",
             "docx")


def test_a_rectification_report_file_is_never_stored(cast, login):
    item = builders.rectification(cast)
    report = builders.report(item, cast.street_reporter)
    response = login(cast.office).get(reverse("results:rectification_file", args=[report.pk]))
    saved_as(response, "a.pdf", "pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
