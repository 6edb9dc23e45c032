"""`manage.py cadre_results --cycle YEAR [--json] [--compute]`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from jixiao.cadres import actions
from jixiao.cadres.tests import world


def run(*args) -> str:
    out = io.StringIO()
    call_command("cadre_results", *args, stdout=out)
    return out.getvalue()


def test_json_per_cadre_and_team(cast):
    found = world.full(cast)
    actions.assess(cast.cycle, by=cast.office)
    data = json.loads(run("--cycle", "2026", "--json"))
    teams = {t["unit"]: (t["score"], t["grade"]) for t in data["teams"]}
    assert teams["S01"] == ("95.40", "good") and teams["S02"] == ("88.60", "average")
    wang = next(c for c in data["cadres"] if c["cadre"] == found["s02_main"].pk)
    assert (wang["unit"], wang["post"], wang["score"], wang["grade"]) == ("S02", "main", "90.50", "competent")
    assert "本单位绩效考核被一票否决，主要领导不能评为“优秀”，调为“称职”。" in wang["reasons"]
    li = next(c for c in data["cadres"] if c["cadre"] == found["s01_member"].pk)
    assert any("“优秀”比例上限 20%" in r for r in li["reasons"])


def test_readable_table_and_compute(cast):
    world.full(cast)
    text = run("--cycle", "2026", "--compute")
    assert "2026年度领导班子考核（4 个）" in text and "张华" in text and "未定等次" in text


def test_unknown_year_and_nothing_computed_fail_in_chinese(cast):
    with pytest.raises(CommandError, match="没有 1999 考核年度"):
        run("--cycle", "1999")
    with pytest.raises(CommandError, match="尚未计算班子和干部考核结果"):
        run("--cycle", "2026")
    with pytest.raises(CommandError, match="尚无单位绩效考核的最终结果"):
        run("--cycle", "2026", "--compute")
