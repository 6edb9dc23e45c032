"""New 目标值 rows of the common shape are plain new targets (schemebook.NEW_PLAIN): `schemeplan.read` neither
converts their cells nor makes Ops of them, and the import writes them as calamine gave them. Whatever the file
holds, the answer is the general path's (`schemebook.read_book` then the plan and the book import): the same counts,
errors, targets (values, defaulted baselines, the order of their ids), audit summary and preview rows."""

from decimal import Decimal

import pytest
from django.db import transaction

from jixiao.audit.models import Event
from jixiao.indicators import planops, schemebook, schemeplan
from jixiao.indicators.models import Direction, Target
from jixiao.indicators.tests import bookworld as bw
from jixiao.indicators.tests import builders
from jixiao.indicators.tests.test_schemebook_read import MB, assert_as_plain, plain
from jixiao.org.models import Cycle

D = Decimal
NEW_ROWS = [
    ["S01V01", "", "E202701", "", "", 50, None, None, 40.25, None, "区定"],  # plain, with a baseline
    ["B01", "", "E202701", "", "", 12.5, None, None, None, None, "区定"],  # plain, last year's actual as baseline
    ["B00", "", "E202701", "", "", 3, None, "按季度推进", None, None, "区定"],  # a text: general
    ["B02", "", "E202701", "", "", 7, None, None, None, None, None],  # plain, 区定 by default
    ["D01", "", "E202701", "", "", 2000, None, None, None, None, "市下达"],  # city-assigned: general
    ["S01V01", "", "E202700", "", "", 123456789012.5, None, None, None, None, "区定"],  # past EXACT_FLOAT: general
    ["B01", "", "E202700", "", "", 99999.9999, None, None, -12.5, None, "区定"],  # plain, a negative baseline
]
PLAIN_KEYS = [("S01V01", "E202701"), ("B01", "E202701"), ("B02", "E202701"), ("B01", "E202700")]


@pytest.fixture
def world(cast):
    cycle, scheme = bw.build(cast)
    last_year = Cycle.objects.filter(year=2026).first() or builders.cycle(2026)
    e202701 = Target.objects.get(cycle=cycle, unit=cast.street, indicator__code="E202701").indicator
    Target.objects.create(cycle=last_year, unit=cast.fgw, indicator=e202701, target_value=300, actual=D("321.5"))
    builders.indicator("I01", direction=Direction.INTERVAL)
    return cycle, scheme, bw.export(cycle)


def with_rows(data, rows):
    def change(workbook):
        for row in rows:
            workbook["目标值"].append(row)
    return bw.edit(data, change)


def written(cycle) -> list[tuple]:
    """The cycle's targets in id order, as comparable values."""
    return [(t.unit.code, t.indicator.code, t.target_value, t.upper_value, t.target_text, t.baseline, t.actual,
             t.source, t.parent_id) for t in Target.objects.filter(cycle=cycle).select_related("unit", "indicator")
            .order_by("pk")]


def imported(cycle, import_, data, by) -> tuple:
    """What an import writes and audits, rolled back afterwards."""
    with transaction.atomic():
        plan = import_(data, by)
        summary = Event.objects.get(code="scheme.imported").after
        result = (plan.counts, written(cycle), summary["created"], summary["counts"])
        transaction.set_rollback(True)
    return result


def test_plain_new_targets_are_taken_apart_and_written_as_the_general_path_writes_them(cast, world):
    cycle, _scheme, data = world
    edited = with_rows(data, NEW_ROWS)
    book, plan = schemeplan.read(edited, MB)
    assert [(row[1], row[2]) for row in book[schemebook.NEW_PLAIN].rows] == PLAIN_KEYS
    assert [(row["unit"], row["indicator"]) for row in book["targets"]] == [
        ("B00", "E202701"), ("D01", "E202701"), ("S01V01", "E202700")]
    assert plan.counts["targets"] == {"new": 7, "changed": 0, "unchanged": 5}

    fast = imported(cycle, bw.import_bytes, edited, cast.office)
    general = imported(cycle, bw.import_book, edited, cast.office)
    assert fast == general
    counts, targets, created, _summary_counts = fast
    assert counts["targets"]["new"] == 7
    assert created["targets"] == [f"{row[0]} / {row[2]}" for row in NEW_ROWS]
    new = {(t[0], t[1]): t for t in targets[5:]}
    assert list(new) == [(row[0], row[2]) for row in NEW_ROWS]  # ids in row order, plain or not
    assert new[("S01V01", "E202701")][2:8] == (D(50), None, "", D("40.25"), None, "district_set")
    assert new[("B01", "E202701")][5] == D("321.5")  # last year's actual
    assert new[("B02", "E202701")][7] == "district_set"
    assert new[("B01", "E202700")][2:6] == (D("99999.9999"), None, "", D("-12.5"))
    assert new[("S01V01", "E202700")][2] == D("123456789012.5")


def preview(plan) -> list[tuple]:
    return [(op.sheet, op.row["row"], op.status, op.key, planops.describe(op)) for op in plan.changes]


def test_the_preview_lists_plain_new_targets_in_row_order_and_the_confirmation_imports_them(cast, world):
    cycle, _scheme, data = world
    edited = bw.edit(with_rows(data, NEW_ROWS), bw.set_cell("目标值", "目标值", 1350.5, 单位编码="S01",
                                                             指标编码="E202701"))
    book, plan = schemeplan.read(edited, MB)
    assert preview(plan) == preview(plain(edited)[1])
    assert [row for _sheet, row, *_rest in preview(plan)] == [5, *range(7, 14)]
    assert plan.has_changes and len(plan.changes) == 8
    # The page sends the book on as JSON: the plain new targets travel as rows of their values.
    confirmed = schemeplan.plan(schemebook.book_from_json(schemebook.book_to_json(book)))
    assert preview(confirmed) == preview(plan)


def test_a_file_of_plain_new_targets_alone_is_written_in_one_run(cast, world):
    cycle, _scheme, data = world
    edited = with_rows(data, [row for row in NEW_ROWS if (row[0], row[2]) in PLAIN_KEYS])
    assert len(schemeplan.read(edited, MB)[0][schemebook.NEW_PLAIN].rows) == 4
    assert imported(cycle, bw.import_bytes, edited, cast.office) == imported(cycle, bw.import_book, edited, cast.office)


@pytest.mark.parametrize("rows", [
    [NEW_ROWS[0], NEW_ROWS[0]],  # a plain row twice
    [NEW_ROWS[1], [*NEW_ROWS[1][:7], "文本", *NEW_ROWS[1][8:]]],  # a plain row, then its key with a text
    [[*NEW_ROWS[2][:7], None, *NEW_ROWS[2][8:]], NEW_ROWS[2]],  # a plain row after a row of its key with a text
    [NEW_ROWS[0], ["S01", "", "E202701", "", "", 1200, None, None, 1100, None, "区定"]],  # a stored key again
    [NEW_ROWS[0], ["", "", "E202701", "", "", 5, None, None, None, None, "区定"], NEW_ROWS[1]],  # a key cell empty
    [NEW_ROWS[0], ["NOPE", "", "E202701", "", "", 5, None, None, None, None, "区定"]],  # unknown unit beside it
    [["S01V01", "", "E202701", "", "", -50, None, None, None, None, "区定"]],  # negative: not plain, refused
    [["S01V01", "", "I01", "", "", 50, None, None, None, None, "区定"]],  # an interval without its upper bound
])
def test_bad_rows_beside_plain_ones_get_the_general_paths_answer(cast, world, rows):
    found = assert_as_plain(with_rows(world[2], rows))
    assert isinstance(found, list) and found  # refused, with the same messages in the same order


@pytest.mark.parametrize("status", ["scoring", "published"])
def test_a_cycle_closed_to_new_targets_refuses_every_new_row(cast, status):
    cycle, _scheme = bw.build(cast, status=status)
    found = assert_as_plain(with_rows(bw.export(cycle), NEW_ROWS[:2]))
    assert sum("目标值不能再修改" in message for message in found) == 2


@pytest.mark.parametrize(("rows", "refused"), [
    # A decomposition given a plain new child: 1200 + 800 + 50 still covers 2000 (higher better).
    ([["S01V01", "", "E202700", "", "", 50, None, None, None, None, "区定"], ["E202700", "", "D01", "", "S01V01", ""]],
     False),
    # A plain new parent of 2000 covered by its children's 1200 + 800, and one of 2600 that is not.
    ([["D01", "", "E202701", "", "", 2000, None, None, None, None, "区定"], ["E202701", "", "D01", "", "S01", ""],
      ["E202701", "", "D01", "", "S02", ""]], False),
    ([["D01", "", "E202701", "", "", 2600, None, None, None, None, "区定"], ["E202701", "", "D01", "", "S01", ""],
      ["E202701", "", "D01", "", "S02", ""]], True),
    # Milestones of a plain new target.
    ([NEW_ROWS[1], ["B01", "", "E202701", "", 3, 6, 9, 12.5]], False),
])
def test_decompositions_and_milestones_see_plain_new_targets(cast, world, rows, refused):
    def change(workbook):
        for row in rows:
            sheet = {11: "目标值", 6: "目标分解"}.get(len(row), "节点目标")
            workbook[sheet].append(row)

    found = assert_as_plain(bw.edit(world[2], change))
    assert isinstance(found, list) == refused, found
    if refused:
        assert any("分解未覆盖上级目标" in message for message in found)


def test_a_book_parsed_against_other_stored_rows_takes_its_plain_rows_as_rows(cast, world):
    """As with rows taken as stored: a plan that does not see the stored rows the parse saw compares them again."""
    cycle, _scheme, data = world
    edited = with_rows(data, NEW_ROWS[:2])
    book, _preview = schemeplan.read(edited, MB)
    Target.objects.create(cycle=cycle, unit=cast.village, indicator=Target.objects.get(
        cycle=cycle, unit=cast.street, indicator__code="E202701").indicator, target_value=49)
    again = schemeplan.plan(book)
    assert again.counts["targets"] == {"new": 1, "changed": 1, "unchanged": 5}
    assert again.ops["targets"][0].diffs == [("目标值", "49", "50"), ("基数（上年实际）", "", "40.25")]
