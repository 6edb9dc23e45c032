"""Open data: the public tables as CSV (UTF-8 with BOM), Excel and JSON, only from what is public — never an
unpublished run's figures or a draft, withdrawn or scheduled policy document."""

import csv
import datetime
import io
import json
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jixiao.portal import opendata
from jixiao.portal import publishing_actions as actions
from jixiao.portal.models import Kind, Validity
from jixiao.portal.tests.publishing_builders import checker, drafted, published
from jixiao.results.tests import builders

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def fetch(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads the Chinese as UTF-8
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_guards_formulas_and_writes_plain_values():
    table = opendata.Table("t", "表", [("a", "甲"), ("b", "乙"), ("c", "丙")],
                           [("=SUM(A1)", datetime.date(2026, 3, 1), None)])
    rows = list(csv.reader(io.StringIO(opendata.table_csv(table).decode("utf-8-sig"))))
    assert rows == [["甲", "乙", "丙"], ["'=SUM(A1)", "2026-03-01", ""]]
    body = json.loads(opendata.table_json(table, "许可"))
    assert body["rows"] == [{"a": "=SUM(A1)", "b": "2026-03-01", "c": None}]
    assert body["fields"][0] == {"name": "a", "title": "甲"} and body["licence"] == "许可"


def test_published_results_download_in_three_formats(cast, client):
    run = builders.scored(cast, publish=True)
    year = run.cycle.year
    result = run.results.get(unit=cast.street)
    rows = csv_rows(fetch(client, "portal:data_results", year, "csv"))
    assert rows[0] == ["年度", "考核组别", "名次", "单位", "得分", "等次"]
    assert [str(year), result.group.name, str(result.rank), cast.street.name, f"{result.total:.2f}",
            result.get_grade_display()] in rows
    body = json.loads(fetch(client, "portal:data_results", year, "json").content)
    assert {"unit": cast.street.name, "total": float(result.total)}.items() <= next(
        r for r in body["rows"] if r["unit"] == cast.street.name).items()
    excel = fetch(client, "portal:data_results", year, "xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(excel.content)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["年度", "考核组别", "名次", "单位", "得分", "等次"] and len(sheet) == len(rows)


def test_an_unpublished_run_is_never_offered_or_downloadable(cast, client):
    preliminary, final = builders.unreleased_final(cast)
    year = final.cycle.year
    assert client.get(reverse("portal:data_results", args=[year, "csv"])).status_code == 404
    page = fetch(client, "portal:data").content.decode()
    assert f"{year}年度考核结果" not in page and "考核结果尚未公开发布" in page
    secrets = {f"{t:.2f}" for t in final.results.values_list("total", flat=True)}
    secrets |= {f"{t:.2f}" for t in preliminary.results.values_list("total", flat=True)}
    text = fetch(client, "portal:data_file", "unit-results", "csv").content.decode("utf-8-sig")
    assert len(csv_rows(fetch(client, "portal:data_file", "unit-results", "csv"))) == 1  # the header alone
    assert not [s for s in secrets if s in text]


def test_unit_results_list_each_units_published_years(cast, client):
    run = builders.scored(cast, publish=True)
    result = run.results.get(unit=cast.street)
    body = json.loads(fetch(client, "portal:data_file", "unit-results", "json").content)
    [row] = [r for r in body["rows"] if r["unit_code"] == cast.street.code]
    assert row["year"] == run.cycle.year and row["rank"] == result.rank and row["grade"] == result.get_grade_display()
    assert "NaN" not in json.dumps(body)


def test_the_policy_library_downloads_only_public_documents(cast, clock, client):
    office2 = checker(cast)
    new = published(cast, office2, Kind.POLICY, title="新办法", document_number="示政办发〔2026〕9号")
    published(cast, office2, Kind.POLICY, title="旧办法", document_number="示政办发〔2020〕1号",
              validity=Validity.REPEALED, replaced_by=new)
    drafted(cast, Kind.POLICY, title="草稿办法")
    published(cast, office2, Kind.POLICY, title="定时办法", publish_at=NOW + datetime.timedelta(days=1))
    gone = published(cast, office2, Kind.POLICY, title="撤回办法")
    actions.withdraw(gone, by=office2, reason="有误")
    rows = csv_rows(fetch(client, "portal:data_file", "policies", "csv"))
    assert rows[0][:4] == ["标题", "索引号", "发布机构", "文号"]
    by_title = {r[0]: r for r in rows[1:]}
    assert set(by_title) == {"新办法", "旧办法"}
    assert by_title["旧办法"][7:9] == ["已废止", "新办法"]
    assert by_title["新办法"][5:7] == ["2026-03-01", "2026-11-10"]
    assert by_title["新办法"][9].endswith(reverse("portal:article", args=[new.pk]))


def test_the_data_page_lists_every_dataset_in_three_formats(cast, client):
    run = builders.scored(cast, publish=True)
    page = lxml.html.fromstring(fetch(client, "portal:data").content)
    hrefs = page.xpath('//table[@data-testid="datasets"]//a/@href')
    for slug in ("policies", "unit-results"):
        for fmt in ("csv", "xlsx", "json"):
            assert reverse("portal:data_file", args=[slug, fmt]) in hrefs
    assert reverse("portal:data_results", args=[run.cycle.year, "csv"]) in hrefs
    assert "请注明来源" in page.xpath('string(//*[@data-testid="licence"])')
    for url in hrefs:
        assert client.get(url).status_code == 200


def test_an_unknown_dataset_or_format_answers_a_chinese_404(db, client):
    for url in ("/p/data/nope.csv", "/p/data/policies.exe", "/p/data/results-1999.csv", "/p/data/results-2026.pdf"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "没有这个数据集" in response.content.decode()
