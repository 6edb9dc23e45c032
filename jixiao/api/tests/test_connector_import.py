"""A bureau's file through the real bulk path (jixiao.api.exchange): values written with the same checks,
revisions and scope as any import, all or nothing, and the same file again changes nothing."""

from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from jixiao.api.connectors import importer
from jixiao.api.models import StatsMapping
from jixiao.api.tests import connector_world as world
from jixiao.audit.models import Event
from jixiao.reporting.models import Value, ValueRevision
from jixiao.reporting.tests.builders import IN_Q1_WINDOW
from jixiao.reporting.tests.builders import world as reporting_world

pytestmark = pytest.mark.django_db
REGIONS = {"110105001": "S01", "110105002": "S02"}


@pytest.fixture
def w(cast):
    """The reporting world (two quarterly indicators of both streets, assessed by 统计局), mapped to the bureau's
    cumulative GDP (亿元) and retail sales (万元), inside the Q1 entry window."""
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        built = reporting_world(cast)
        gdp, retail = (item.indicator for item in built["items"])
        StatsMapping.objects.create(source="nbs", source_code="A010102", indicator=gdp)
        StatsMapping.objects.create(source="nbs", source_code="A070102", indicator=retail, factor=Decimal("0.0001"))
        built.update(gdp=gdp, retail=retail)
        yield built


def _q1(reg_gdp=(356.7, 298.1), reg_retail=(1234567, 987654.5), extra=()):
    return world.easyquery([
        world.node("A010102", "2026A", reg_gdp[0], reg="110105001"),
        world.node("A010102", "2026A", reg_gdp[1], reg="110105002"),
        world.node("A070102", "2026A", reg_retail[0], reg="110105001"),
        world.node("A070102", "2026A", reg_retail[1], reg="110105002"),
        world.node("A070102", "2026B", 0, reg="110105001", hasdata=False),
        *extra,
    ])


def _numbers():
    return {(v.unit.code, v.indicator.code): v.number for v in Value.objects.select_related("unit", "indicator")}


def test_the_bureau_as_assessor_imports_both_streets_and_only_a_change_makes_a_revision(cast, w):
    summary = importer.run(_q1(), format="nbs", user=cast.assessor, regions=REGIONS)
    assert (summary["status"], summary["importCount"]["imported"]) == ("SUCCESS", 4), summary
    gdp, retail = w["gdp"].code, w["retail"].code
    assert _numbers() == {("S01", gdp): Decimal("356.7"), ("S02", gdp): Decimal("298.1"),
                          ("S01", retail): Decimal("123.4567"), ("S02", retail): Decimal("98.7655")}
    again = importer.run(_q1(), format="nbs", user=cast.assessor, regions=REGIONS)
    assert (again["importCount"]["imported"], again["importCount"]["updated"]) == (0, 0)
    assert not ValueRevision.objects.exists()
    revised = importer.run(_q1(reg_gdp=(360.2, 298.1)), format="nbs", user=cast.assessor, regions=REGIONS)
    assert (revised["importCount"]["imported"], revised["importCount"]["updated"]) == (0, 1)
    revision, = ValueRevision.objects.all()
    assert (revision.old_number, revision.new_number, revision.source) == (Decimal("356.7"), Decimal("360.2"),
                                                                           "stats")


def test_a_dry_run_writes_nothing(cast, w):
    summary = importer.run(_q1(), format="nbs", user=cast.assessor, regions=REGIONS, dry_run=True)
    assert (summary["status"], summary["dryRun"], summary["importCount"]["imported"]) == ("SUCCESS", True, 4)
    assert Value.objects.filter(number__isnull=False).count() == 0


def test_one_unmapped_code_and_one_bad_unit_name_every_problem_and_write_nothing(cast, w):
    extra = (world.node("A0B0101", "2026A", 12.5, reg="110105001"), world.node("A010102", "2026A", 10, reg="S99"))
    summary = importer.run(_q1(extra=extra), format="nbs", user=cast.assessor, regions=REGIONS)
    assert summary["status"] == "ERROR"
    assert [(c["line"], c["code"]) for c in summary["conflicts"]] == [(6, "E_STATS_UNMAPPED"), (7, "E_UNIT_UNKNOWN")]
    assert "S99" in summary["conflicts"][1]["message"]
    assert Value.objects.filter(number__isnull=False).count() == 0


def test_a_period_the_cycle_does_not_have_is_named_by_the_bulk_path(cast, w):
    data = world.easyquery([world.node("A010102", "2025A", 356.7, reg="110105001")])
    summary = importer.run(data, format="nbs", user=cast.assessor, regions=REGIONS)
    only, = summary["conflicts"]
    assert (summary["status"], only["code"], only["line"]) == ("ERROR", "E_PERIOD_UNKNOWN", 1)


def test_the_street_reporter_imports_its_own_workbook_and_not_the_other_streets(cast, w):
    gdp = w["gdp"]
    rows = [["A010102", "地区生产总值_累计值", None, "2026年第一季度", 356.7]]
    data = world.bureau_workbook(rows)
    summary = importer.run(data, format="workbook", user=cast.street_reporter, unit="S01")
    assert summary["status"] == "SUCCESS"
    assert _numbers() == {("S01", gdp.code): Decimal("356.7")}
    other = importer.run(data, format="workbook", user=cast.street_reporter, unit="S02")
    assert (other["status"], other["conflicts"][0]["code"]) == ("ERROR", "E_UNIT_SCOPE")


def test_the_command_as_a_role_that_may_not_write_is_refused_whole(cast, w, tmp_path):
    path = tmp_path / "q1.json"
    path.write_bytes(_q1())
    with pytest.raises(CommandError, match="无法导入：当前角色不能写入数值"):
        call_command("import_stats", str(path), "--user", "office", "--region", "110105001=S01,110105002=S02")
    assert Value.objects.filter(number__isnull=False).count() == 0
    assert Event.objects.filter(code="api.stats_import_refused").exists()


def test_the_command_writes_and_says_so(cast, w, tmp_path, capsys):
    path = tmp_path / "q1.json"
    path.write_bytes(_q1())
    call_command("import_stats", str(path), "--user", "assessor", "--region", "110105001=S01",
                 "--region", "110105002=S02")
    assert "导入完成：文件共 5 条数据，无数据跳过 1 条，对照成功 4 条；新增 4 项" in capsys.readouterr().out
    assert Value.objects.filter(number__isnull=False).count() == 4
