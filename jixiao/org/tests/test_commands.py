import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jixiao.audit.models import Event
from jixiao.lib.excel import read_workbook
from jixiao.org.models import Unit
from jixiao.org.tests.helpers import row, workbook_bytes

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "units.xlsx"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_import_changes_nothing(cast, tmp_path):
    path = tmp_path / "units.xlsx"
    out, _ = run("export_units", str(path))
    assert f"已导出 {Unit.objects.count()} 个单位" in out
    out, _ = run("import_units", str(path))
    assert f"新增 0 个，修改 0 个，未变 {Unit.objects.count()} 个" in out
    assert not Event.objects.filter(code="unit.imported").exists()


def test_import_with_errors_exits_non_zero_in_chinese_and_writes_nothing(cast, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes([row("B05", "甲局", parent="D99"), row("B05", "")]))
    before = Unit.objects.count()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_units", str(path), stdout=out, stderr=err)
    assert "第3行" in err.getvalue() and "重复" in err.getvalue() and "单位名称为空" in err.getvalue()
    assert Unit.objects.count() == before


def test_import_of_a_wrong_file_type_or_missing_file_fails(cast, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是工作簿")
    with pytest.raises(CommandError):
        run("import_units", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        run("import_units", str(tmp_path / "missing.xlsx"))


def test_dry_run_writes_nothing(cast, tmp_path):
    path = tmp_path / "new.xlsx"
    path.write_bytes(workbook_bytes([row("B05", "区财政局")]))
    out, _ = run("import_units", str(path), "--dry-run")
    assert "检查通过（未写入）：新增 1 个" in out
    assert not Unit.objects.filter(code="B05").exists()
    out, _ = run("import_units", str(path))
    assert Unit.objects.get(code="B05").name == "区财政局"


def test_documented_example_matches_the_generator_and_imports_into_an_empty_database(db, tmp_path):
    path = tmp_path / "example.xlsx"
    run("export_units", "--example", str(path))
    assert read_workbook(path, 10 * 2**20) == read_workbook(EXAMPLE, 10 * 2**20)
    out, _ = run("import_units", str(EXAMPLE))
    assert "新增 10 个" in out
    assert Unit.objects.get(code="S01V02").parent.code == "S01"
    assert Unit.objects.get(code="B90").is_retired
