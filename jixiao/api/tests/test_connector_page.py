"""The office's page for the statistics mapping table: it lists the table and the indicators still unmapped,
downloads the workbook and takes the edited one back, whole or not at all; other roles get 403."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.api.connectors import mapping
from jixiao.api.models import StatsMapping
from jixiao.api.tests import connector_world as world
from jixiao.audit.models import Event
from jixiao.lib import excel

pytestmark = pytest.mark.django_db
URL = "/stats-mapping/"


@pytest.fixture
def table(db):
    gdp, retail, cpi = world.indicators()
    world.mappings(gdp, retail, cpi)
    StatsMapping.objects.filter(source_code="A01030101").delete()
    return gdp, retail, cpi


def _upload(rows, name="对照表.xlsx"):
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet(mapping.SHEET, mapping.HEADER, rows)])
    return SimpleUploadedFile(name, buffer.getvalue())


def test_the_office_sees_the_table_and_what_is_still_unmapped(cast, login, table):
    page = login(cast.office).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "A070102" in text and "0.0001" in text and "万元 → 亿元" in text
    assert "尚未对照的指标（1 个）" in text and "K03 居民消费价格涨幅" in text


@pytest.mark.parametrize("who", ["leader", "assessor", "reporter", "secadmin"])
def test_other_roles_are_refused(cast, login, table, who):
    client = login(getattr(cast, who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("stats_mapping:export")).status_code == 403
    assert client.post(URL, {"file": _upload([["nbs", "X1", "K03", "", 1, ""]])}).status_code == 403
    assert not StatsMapping.objects.filter(source_code="X1").exists()


def test_the_export_downloads_the_workbook(cast, login, table):
    response = login(cast.office).get(reverse("stats_mapping:export"))
    assert response.status_code == 200
    rows = excel.read_workbook(b"".join(response), 10**7)[mapping.SHEET]
    assert [r[1] for r in rows[1:]] == ["A010102", "A070102", None]


def test_an_upload_is_imported_and_audited(cast, login, table):
    response = login(cast.office).post(URL, {"file": _upload([["nbs", "A01030101", "K03", "", "", ""],
                                                              ["nbs", "A070102", "K02", "", 0.00001, "千元"]])})
    assert response.status_code == 302
    assert StatsMapping.objects.get(source_code="A070102").factor == Decimal("0.00001")
    assert StatsMapping.objects.get(source_code="A01030101").indicator.code == "K03"
    assert Event.objects.get(code="api.stats_mapping_imported").user_id == cast.office.pk


def test_a_bad_upload_lists_its_problems_and_writes_nothing(cast, login, table):
    response = login(cast.office).post(URL, {"file": _upload([["nbs", "A01030101", "K03", "", 0, ""]])})
    assert response.status_code == 422
    assert "换算系数为 0，应大于 0" in response.content.decode()
    assert not StatsMapping.objects.filter(source_code="A01030101").exists()
    assert Event.objects.filter(code="api.stats_mapping_refused").count() == 1
