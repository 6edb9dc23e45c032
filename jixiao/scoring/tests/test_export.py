"""The results export (export.py, `export_results`): everything the run decided, bonus outside the total,
ledger entries with their caps and the run's warnings included."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from jixiao.scoring import actions, export
from jixiao.scoring.models import Adjustment, ScoreRun, Stage
from jixiao.scoring.tests.world import outside_bonus, scheme_world

WARNING = "组别「涉农街道」共 2 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀"


@pytest.fixture
def run(cast):
    """S01 claims 3 + 5 = 8 of 单列加分 (outside the total, cap 5) and =SUM(1) 2 of 通报批评 (cap 5)."""
    scheme = scheme_world(cast)
    outside_bonus(scheme, cast.street, cast.office)
    return actions.compute(scheme, Stage.PRELIMINARY, by=cast.office)


def test_json_carries_the_bonus_outside_the_total_the_ledger_and_the_warnings(run):
    ids = list(Adjustment.objects.order_by("id").values_list("id", flat=True))
    data = export.as_json([run])
    scheme = data["schemes"][0]
    assert scheme["warnings"][0] == WARNING and len(scheme["warnings"]) == 2
    s01 = next(u for u in scheme["units"] if u["code"] == "S01")
    assert (s01["total"], s01["adjustments"], s01["outside_total"]) == ("86.00", "-2.00", "5.00")
    ledger = {row["category"]: row for row in s01["ledger"]}
    assert ledger["O1"] == {
        "category": "O1", "name": "单列加分", "kind": "bonus", "kind_label": "加分", "outside_total": True,
        "claimed": "8.00", "counted": "5.00", "cap": "5.00",
        "explanation": "加分「单列加分」2 项合计 8.00 分，超过上限 5.00 分，按 5.00 分计；单列，不计入总分。"
                       "明细：获评省级示范（3.00）；入选全国案例（5.00）",
        "entries": [{"id": ids[0], "points": "3.00", "reason": "获评省级示范"},
                    {"id": ids[1], "points": "5.00", "reason": "入选全国案例"}],
    }
    assert (ledger["K1"]["claimed"], ledger["K1"]["counted"], ledger["K1"]["outside_total"]) == ("-2.00", "-2.00", False)
    assert ledger["K1"]["entries"] == [{"id": ids[2], "points": "-2.00", "reason": "=SUM(1) 被市委通报"}]


def test_workbook_has_a_column_for_the_bonus_outside_the_total_and_sheets_for_ledger_and_warnings(run, cast):
    book = load_workbook(io.BytesIO(export.workbook([run])))
    assert book.sheetnames == ["考核结果", "得分明细", "加减分明细", "计算提示"]
    summary = list(book["考核结果"].iter_rows(values_only=True))
    header = summary[0]
    s01 = dict(zip(header, next(r for r in summary if r[2] == "S01"), strict=True))
    assert (s01["总分"], s01["加减分（计入总分）"], s01["单列加减分（不计入总分）"]) == (86, -2, 5)
    ledger = list(book["加减分明细"].iter_rows(values_only=True))
    assert ledger[0] == ("方案", "单位编码", "单位", "加减分项目", "类型", "是否计入总分", "条数", "申报分值", "上限",
                         "计入分值", "事由")
    scheme, street = run.scheme.name, cast.street.name
    assert ledger[1:] == [
        (scheme, "S01", street, "单列加分", "加分", "单列，不计入总分", 2, 8, 5, 5,
         "获评省级示范（3.00）；入选全国案例（5.00）"),
        (scheme, "S01", street, "通报批评", "扣分", "计入总分", 1, -2, 5, -2, "=SUM(1) 被市委通报（2.00）"),
    ]
    assert book["加减分明细"]["K3"].data_type == "s"  # a reason starting with "=" stays text
    warnings = list(book["计算提示"].iter_rows(values_only=True))
    assert warnings[0] == ("方案", "计算批次", "提示") and warnings[1] == (scheme, run.label, WARNING)


def test_the_command_writes_the_same_sections(run, tmp_path):
    out = tmp_path / "r.json"
    call_command("export_results", "--cycle", "2026", "--format", "json", str(out))
    scheme = json.loads(out.read_text())["schemes"][0]
    assert scheme["warnings"][0] == WARNING and scheme["run"] == ScoreRun.objects.get().pk
    assert next(u for u in scheme["units"] if u["code"] == "S01")["ledger"][0]["counted"] == "5.00"
