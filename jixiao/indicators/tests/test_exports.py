"""The Excel exports of the target pages hold what each page shows to whoever asks, and nothing of other units:
本单位指标与目标, 我考核的指标, 指标库 (with the page's filters) and 目标调整申请."""

from decimal import Decimal
from urllib.parse import unquote

from django.urls import reverse

from jixiao.indicators import actions
from jixiao.indicators.models import Direction, Indicator, Target
from jixiao.indicators.tests import builders
from jixiao.indicators.tests.access_cases import world
from jixiao.lib.excel import inspect_package, read_workbook

MB = 10 * 1024 * 1024


def sheet_of(response) -> tuple[str, list[dict]]:
    """The one sheet of an exported workbook: its name and its rows as dicts by header title."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheets = read_workbook(response.content, MB)
    assert len(sheets) == 1
    (name, rows), = sheets.items()
    header = rows[0]
    return name, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def file_name(response) -> str:
    return unquote(response["Content-Disposition"].split("UTF-8''")[1])


def test_a_street_exports_its_own_indicators_and_targets_with_milestones(cast, login):
    w = world(cast)
    actions.set_milestones(w["target"], {"Q1": Decimal(250), "Q2": Decimal("500.5")}, by=cast.office)
    response = login(cast.street_reporter).get(reverse("indicators:my_targets_export"), {"cycle": cast.cycle.year})
    name, rows = sheet_of(response)
    assert name == f"{cast.cycle.year}年度指标与目标"
    assert file_name(response) == f"华明街道{cast.cycle.year}年度指标与目标.xlsx"
    assert len(rows) == w["scheme"].items.count() == 2
    first = next(row for row in rows if row["指标编码"] == w["item"].indicator.code)
    assert (first["目标值"], first["分值"], first["计分规则"], first["考核责任单位"]) == (1000, 40, "完成率计分", "区统计局")
    assert (first["来源"], first["节点目标（累计）"], first["调整申请"]) == ("区定", "Q1=250；Q2=500.5", "调整待审批")
    other = next(row for row in rows if row["指标编码"] != w["item"].indicator.code)
    assert other["目标值"] is None and other["调整申请"] is None  # no target set yet


def test_a_street_export_leaves_out_the_other_streets_targets(cast, login):
    w = world(cast)
    Target.objects.filter(pk=w["other_target"].pk).update(target_value=Decimal("777.25"))
    response = login(cast.street_reporter).get(reverse("indicators:my_targets_export"), {"cycle": cast.cycle.year})
    values = [row["目标值"] for row in sheet_of(response)[1]]
    assert 777.25 not in values and 1000 in values


def test_the_assessor_exports_every_unit_of_the_indicators_it_owns(cast, login):
    w = world(cast)
    response = login(cast.assessor).get(reverse("indicators:assessed_export"), {"cycle": cast.cycle.year})
    _name, rows = sheet_of(response)
    assert {(row["单位编码"], row["指标编码"]) for row in rows} == {
        (unit, item.indicator.code) for unit in ("S01", "S02") for item in w["scheme"].items.select_related("indicator")}
    assert {row["目标值"] for row in rows if row["指标编码"] == w["item"].indicator.code} == {1000}


def test_the_library_export_follows_the_pages_filters(cast, login):
    world(cast)
    builders.indicator("L01", direction=Direction.LOWER_BETTER, name="万元GDP能耗")
    client = login(cast.office)
    _name, everything = sheet_of(client.get(reverse("indicators:indicator_export")))
    assert len(everything) == Indicator.objects.count() >= 3
    _name, lower = sheet_of(client.get(reverse("indicators:indicator_export"), {"direction": "lower_better"}))
    assert [(row["指标编码"], row["指标名称"], row["指标方向"]) for row in lower] == [("L01", "万元GDP能耗", "越小越好")]
    assert lower[0]["指标口径"] == "L01 口径" and lower[0]["现行口径起用年度"] == 2020
    page = client.get(reverse("indicators:indicator_list"), {"direction": "lower_better"}).content.decode()
    assert f'{reverse("indicators:indicator_export")}?direction=lower_better' in page


def test_the_office_exports_the_adjustment_requests_with_their_decisions(cast, login):
    w = world(cast)
    response = login(cast.office).get(reverse("indicators:adjustment_export"), {"cycle": cast.cycle.year})
    _name, rows = sheet_of(response)
    assert [(row["单位编码"], row["原目标值"], row["申请调整为"], row["申请理由"], row["状态"]) for row in rows] == [
        ("S01", 1000, 900, "企业外迁", "待审批")]
    assert rows[0]["申请时间"].hour == 8  # 2026-05-01 00:00 UTC, shown in Beijing time
    actions.approve_adjustment(w["adjustment"], by=cast.office, reason="同意")
    _name, rows = sheet_of(login(cast.office).get(reverse("indicators:adjustment_export"), {"cycle": cast.cycle.year}))
    assert (rows[0]["状态"], rows[0]["审批意见"]) == ("已同意", "同意")


def test_exported_texts_never_become_formulas(cast, login):
    w = world(cast)
    Target.objects.filter(pk=w["target"].pk).update(target_text='=HYPERLINK("http://x","点我")')
    response = login(cast.street_reporter).get(reverse("indicators:my_targets_export"), {"cycle": cast.cycle.year})
    assert inspect_package(response.content, max_rows=100) == []  # no <f> element anywhere
    texts = [row["目标描述"] for row in sheet_of(response)[1]]
    assert '=HYPERLINK("http://x","点我")' in texts


def test_the_matrix_lays_out_a_groups_targets_units_down_and_indicators_across(cast, login):
    w = world(cast)
    client = login(cast.office)
    page = client.get(reverse("indicators:target_matrix"), {"cycle": cast.cycle.year})
    assert page.status_code == 200
    indicators, rows = page.context["indicators"], page.context["rows"]
    assert [ind.code for ind in indicators] == [item.indicator.code for item in
                                                w["scheme"].items.select_related("indicator").order_by("sort_order",
                                                                                                       "indicator__code")]
    assert [unit.code for unit, _targets in rows] == ["S01", "S02"]
    assert page.context["missing"] == 2  # the second indicator has no targets yet
    body = page.content.decode()
    assert reverse("indicators:target_detail", args=[w["target"].pk]) in body and "2 处尚无目标值" in body
    _name, sheet = sheet_of(client.get(reverse("indicators:target_matrix_export"), {"cycle": cast.cycle.year}))
    first = f"{indicators[0].code} {indicators[0].name}（万元）"
    assert [(row["单位编码"], row[first]) for row in sheet] == [("S01", 1000), ("S02", 1000)]
    assert all(row[f"{indicators[1].code} {indicators[1].name}（万元）"] is None for row in sheet)


def test_the_matrix_reads_a_fixed_number_of_queries(cast, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jixiao.org.models import Unit, UnitKind

    w = world(cast)
    client = login(cast.office)
    url = reverse("indicators:target_matrix")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    group = w["item"].group
    for i in range(5):
        unit = Unit.objects.create(code=f"S1{i}", name=f"街道{i}", kind=UnitKind.STREET, parent=cast.district)
        group.units.add(unit)
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=w["item"].indicator, target_value=i + 1)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["rows"]) == 7
    assert len(many) == len(few)


def test_an_export_goes_through_the_shared_download(cast, login):
    response = login(cast.office).get(reverse("indicators:indicator_export"))
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="') and file_name(response) == "指标库.xlsx"


def test_an_export_refuses_a_year_that_does_not_exist_rather_than_hand_out_another(cast, login):
    world(cast)
    client = login(cast.office)
    for name in ("indicators:target_matrix_export", "indicators:adjustment_export"):
        assert client.get(reverse(name), {"cycle": "abc"}).status_code == 404, name
        assert client.get(reverse(name), {"cycle": str(cast.cycle.year)}).status_code == 200, name
    street = login(cast.street_reporter)
    assert street.get(reverse("indicators:my_targets_export"), {"cycle": "1999"}).status_code == 404
    assert street.get(reverse("indicators:my_targets_export"), {"cycle": str(cast.cycle.year)}).status_code == 200
