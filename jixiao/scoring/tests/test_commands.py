import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from jixiao.scoring.models import ScoreRun
from jixiao.scoring.tests.world import scheme_world


def test_compute_and_export_json_and_xlsx(cast, tmp_path, capsys):
    scheme_world(cast)
    call_command("compute_scores", "--cycle", "2026")
    run = ScoreRun.objects.get()
    assert run.stage == "preliminary" and run.created_by is None
    out = tmp_path / "r.json"
    call_command("export_results", "--cycle", "2026", "--format", "json", str(out))
    data = json.loads(out.read_text())
    units = {u["code"]: u for u in data["schemes"][0]["units"]}
    assert units["S01"]["total"] == "88.00" and units["S01"]["rank"] == 1 and units["S01"]["blocks"]["A"] == "88.00"
    assert "完成率" in units["S01"]["lines"][0]["explanation"]
    book = tmp_path / "r.xlsx"
    call_command("export_results", "--cycle", "2026", "--format", "xlsx", str(book))
    wb = load_workbook(book)
    assert wb.sheetnames == ["考核结果", "得分明细", "加减分明细", "计算提示"]
    rows = list(wb["考核结果"].iter_rows(values_only=True))
    assert rows[0][:5] == ("方案", "组别", "单位编码", "单位", "总分") and len(rows) == 5
    details = list(wb["得分明细"].iter_rows(values_only=True))
    assert len(details) == 1 + 8 and details[0][-2:] == ("状态", "计分说明") and details[1][-2] == "已计分"


def test_compute_prints_the_runs_warnings(cast, capsys):
    """Both groups of the world have 2 units: 20 % 优秀 rounds down to no place, and the command says so."""
    scheme_world(cast)
    call_command("compute_scores", "--cycle", "2026")
    out = capsys.readouterr().out
    assert "提示：组别「涉农街道」共 2 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀" in out
    assert ScoreRun.objects.get().warnings == [
        "组别「涉农街道」共 2 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀",
        "组别「委办局」共 2 个单位，优秀比例不超过 20% 向下取整为 0 个名额，本组不评定优秀"]


def test_errors_are_chinese_and_write_nothing(cast, tmp_path):
    with pytest.raises(CommandError, match="没有考核方案"):
        call_command("compute_scores", "--cycle", "2026")
    scheme_world(cast)
    with pytest.raises(CommandError, match="阶段"):
        call_command("compute_scores", "--cycle", "2026", "--stage", "draft")
    with pytest.raises(CommandError, match="尚无初步结果"):
        call_command("compute_scores", "--cycle", "2026", "--stage", "final")
    assert not ScoreRun.objects.exists()
    out = tmp_path / "none.json"
    with pytest.raises(CommandError, match="尚无考核结果"):
        call_command("export_results", "--cycle", "2026", "--format", "json", str(out))
    assert not out.exists()
    call_command("compute_scores", "--cycle", "2026")
    with pytest.raises(CommandError, match="必须指定输出文件"):
        call_command("export_results", "--cycle", "2026", "--format", "xlsx")
