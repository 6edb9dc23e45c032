"""The pages of 横比纵比: what the office, a leader and a unit see, the export, and bad query strings."""

import io
import re
from decimal import Decimal as D

import pytest
from python_calamine import CalamineWorkbook

from jixiao.analysis.tests.test_compare import verified
from jixiao.indicators.models import Target
from jixiao.indicators.tests import builders
from jixiao.scoring import actions as scoring_actions


@pytest.fixture
def world(cast):
    scheme = builders.valid_scheme(cast, n_indicators=1)
    ind = scheme.items.get().indicator
    last = builders.cycle(2025)
    verified(cast.street, cast.cycle, ind, "Q2", 120)
    verified(cast.other_street, cast.cycle, ind, "Q2", 80)
    verified(cast.street, last, ind, "Q2", 100)
    return {"scheme": scheme, "ind": ind}


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_office_sees_the_table_the_best_unit_and_the_chart(cast, login, world):
    client = login(cast.office)
    response = client.get("/analysis/compare/", {"cycle": "2026", "indicator": world["ind"].code})
    assert response.status_code == 200
    page = text(response)
    # 120 and 80: median (120 + 80)/2 = 100; 华明 first, 20 % up on last year's 100
    assert "华明街道（120）" in page  # the 标杆
    assert "1 / 2 华明街道 120" in page and "2 / 2 金桥街道 80" in page
    assert "+20.0%" in page and "同期不可比" not in page.split("金桥街道 80")[0]
    assert 'data-option-id="compare-chart"' in response.content.decode()
    assert response.context["chart"]["series"][0]["markLine"]["data"][0]["xAxis"] == 100.0


def test_the_export_holds_the_page_figures(cast, login, world):
    client = login(cast.leader)
    response = client.get("/analysis/compare/export/", {"cycle": "2026", "indicator": world["ind"].code})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    header, first, second = sheet[0], sheet[1], sheet[2]
    assert header[:4] == ["名次", "单位编码", "单位", "数值"]
    assert first[:4] == [1, "S01", "华明街道", 120] and second[:4] == [2, "S02", "金桥街道", 80]
    assert first[header.index("组内中位数")] == 100 and first[header.index("增长率（%）")] == 20


def test_the_export_refuses_a_year_that_does_not_exist(cast, login, world):
    client = login(cast.office)
    assert client.get("/analysis/compare/export/", {"cycle": "abc"}).status_code == 404


def test_an_unknown_indicator_falls_back_to_the_first(cast, login, world):
    client = login(cast.office)
    response = client.get("/analysis/compare/", {"indicator": "NOPE", "peers": "NOPE", "measure": "x"})
    assert response.status_code == 200 and response.context["indicator"] == world["ind"]
    assert response.context["peers"].code == "G1" and response.context["measure"] == "value"


def test_score_lines_are_compared_from_the_visible_run(cast, login, world):
    for unit in (cast.street, cast.other_street):
        Target.objects.filter(unit=unit, indicator=world["ind"]).delete()
        Target.objects.create(cycle=cast.cycle, unit=unit, indicator=world["ind"], target_value=D(100))
    scoring_actions.compute(world["scheme"], "preliminary", by=cast.office)
    client = login(cast.office)
    response = client.get("/analysis/compare/", {"indicator": world["ind"].code, "measure": "points"})
    table = response.context["table"]
    assert [row.unit.code for row in table.rows] == ["S01", "S02"]
    # completion_ratio with cap 1.2 on 80 points: 120/100 → capped 1.2 × 80 = 96? the rule caps at full points
    print("POINTS", [(r.current.number) for r in table.rows])
    assert table.rows[0].current.number > table.rows[1].current.number
    assert "初步结果" in table.run_label


def test_a_unit_sees_its_rank_and_unnamed_peers(cast, login, world):
    client = login(cast.street_reporter)
    response = client.get("/analysis/compare/mine/", {"cycle": "2026"})
    assert response.status_code == 200
    page = text(response)
    assert "华明街道 · 横比纵比" in page
    assert "第 1 / 2 名" in page and "本单位为组内标杆" in page
    assert "同组单位" in page and "金桥街道" not in page
    assert "只有 0 个年份有数值" in page  # 2025 and 2026 are half years only: nothing to trend


def test_a_unit_cannot_open_another_units_page(cast, login, world):
    client = login(cast.street_reporter)
    response = client.get("/analysis/compare/mine/", {"unit": "S02"})
    assert response.context["unit"] == cast.street


def test_the_office_opens_a_units_page_with_names(cast, login, world):
    client = login(cast.office)
    response = client.get("/analysis/compare/mine/", {"unit": "S02"})
    page = text(response)
    assert "金桥街道 · 横比纵比" in page and "华明街道" in page and "第 2 / 2 名" in page
    assert "与标杆（华明街道）相差 40" in page


def test_the_compare_command_prints_every_field_of_the_issue(cast, world):
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("compare", "--cycle", "2026", "--indicator", world["ind"].code, "--json", stdout=out)
    data = json.loads(out.getvalue())
    first, second = data["units"]
    assert first == {
        "unit": "S01", "unit_name": "华明街道", "value": "120", "source": "第二季度已核定报送值", "rank": 1,
        "group_size": 2, "percentile": "100.0000", "quartile": 1, "group_median": "100", "mean": "100.0000",
        # population SD of 120, 80 = 20; z = (120 − 100)/20 = 1
        "z_score": "1.0000", "best_unit": ["S01"], "gap": "0", "previous_value": "100", "change": "20",
        "growth_percent": "20.0000"}
    assert (second["rank"], second["z_score"], second["gap"], second["previous_value"]) == (2, "-1.0000", "40", None)


def test_the_compare_command_refuses_unknown_names(cast, world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有 1999"):
        call_command("compare", "--cycle", "1999", "--indicator", world["ind"].code)
    with pytest.raises(CommandError, match="可选：G1、all"):
        call_command("compare", "--cycle", "2026", "--indicator", world["ind"].code, "--group", "X")
