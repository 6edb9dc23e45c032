"""The plan's view of stored targets: read without Django's converters, equal to what the ORM reads."""

from decimal import Decimal

import pytest

from jixiao.audit.models import Event
from jixiao.indicators import schemebook, schemeplan
from jixiao.indicators.models import Target
from jixiao.indicators.tests import bookworld as bw
from jixiao.lib.excel import WorkbookError
from jixiao.lib.rows import db_decimal

MB = 10 * 1024 * 1024
VALUES = ["0.1", "1234.5678", "-0.0001", "99999999999.9999", "120000", "3225.39", "0.3333", "1E+3"]


@pytest.mark.parametrize("text", VALUES)
def test_db_decimal_of_a_stored_value_equals_the_decimal_written(db, cast, text):
    cycle, _scheme = bw.build(cast)
    target = Target.objects.filter(cycle=cycle).first()
    Target.objects.filter(pk=target.pk).update(target_value=Decimal(text), baseline=None)
    state = schemeplan.State(cycle)
    key = (target.unit.code, target.indicator.code)
    assert state.targets[key]["target_value"] == Decimal(text)
    assert state.targets[key]["baseline"] is None
    assert db_decimal(Decimal(text)) == Decimal(text)


def test_state_targets_match_the_orm(db, cast):
    cycle, _scheme = bw.build(cast)
    state = schemeplan.State(cycle)
    fields = ["id", *schemeplan.TARGET_FIELDS, "parent_id"]
    stored = {(t.unit.code, t.indicator.code): t for t in Target.objects.filter(cycle=cycle)
              .select_related("unit", "indicator")}
    assert set(state.targets) == set(stored) and stored
    for key, target in stored.items():
        assert {f: state.targets[key][f] for f in fields} == {f: getattr(target, f) for f in fields}
        parent = target.parent
        assert state.targets[key]["parent_key"] == ((parent.unit.code, parent.indicator.code) if parent else None)


@pytest.mark.parametrize(("title", "value"), [("目标值", 1350.5), ("基数（上年实际）", 77), ("年度实际值", 12.25),
                                            ("目标描述", "新的描述"), ("来源", "市下达")])
def test_a_target_differing_in_any_one_column_is_planned_as_changed(db, cast, title, value):
    cycle, _scheme = bw.build(cast)
    data = bw.export(cycle)
    unchanged = schemeplan.plan(schemebook.read_book(data, MB))
    assert not unchanged.has_changes
    edited = bw.edit(data, bw.set_cell("目标值", title, value, 单位编码="S01", 指标编码="E202701"))
    plan = schemeplan.plan(schemebook.read_book(edited, MB))
    assert plan.counts["targets"]["changed"] == 1
    assert plan.counts["targets"]["unchanged"] == unchanged.counts["targets"]["unchanged"] - 1
    assert [d[0] for d in plan.ops["targets"][0].diffs] == [title]


def test_the_summary_event_lists_each_new_row_by_its_key(db, cast):
    cycle, _scheme = bw.build(cast)

    def change(workbook):
        workbook["目标值"].append(["S01V01", "", "E202701", "", "", 50, None, None, None, None, "区定"])
        workbook["节点目标"].append(["S01V01", "", "E202701", "", None, 25])

    plan = bw.import_bytes(bw.edit(bw.export(cycle), change), cast.office)
    event = Event.objects.get(code="scheme.imported")
    assert event.after["created"] == {"targets": ["S01V01 / E202701"], "milestones": ["S01V01 / E202701"]}
    assert event.after["created"]["targets"] == [op.key for op in plan.changes
                                                 if op.sheet == "目标值" and op.status == "new"]


def test_cell_errors_come_row_by_row_and_left_to_right(db, cast):
    cycle, _scheme = bw.build(cast)
    last = []

    def change(workbook):
        sheet = workbook["目标值"]
        for row in sheet.iter_rows(min_row=2, max_row=3):
            row[0].value = "坏 编码"  # 单位编码 (A)
            row[5].value = "约100"  # 目标值 (F)
        copied = [c.value for c in sheet[4]]
        sheet.append(copied)  # the same unit and indicator as row 4
        last.append(sheet.max_row)

    with pytest.raises(WorkbookError) as caught:
        schemebook.read_book(bw.edit(bw.export(cycle), change), MB)
    found = [(e.sheet, e.row, e.column) for e in caught.value.errors]
    assert found == [("目标值", 2, "A"), ("目标值", 2, "F"), ("目标值", 3, "A"), ("目标值", 3, "F"),
                     ("目标值", last[0], "C")]
    assert "与第 4 行重复" in str(caught.value.errors[-1])
