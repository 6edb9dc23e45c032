"""`manage.py verify_audit`: 0 when the chain is intact; non-zero naming the first broken row after tampering."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from jixiao.audit import log
from jixiao.audit.models import ChainCheck, Event
from jixiao.audit.tests import tamper

CODES = ["auth.login", "unit.created", "unit.updated", "membership.granted", "auth.logout"]
# 02:00 UTC is 10:00 in Beijing: the command speaks Beijing time.
FROZEN = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def events(db):
    with time_machine.travel(FROZEN, tick=False):
        return [log.record(code, object_repr=f"对象{n}", after={"n": n}) for n, code in enumerate(CODES)]


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def assert_names(text: str, event: Event) -> None:
    assert f"编号 {event.pk}" in text
    assert "2026-03-01 10:00:00" in text
    assert event.code in text


def test_an_intact_chain_exits_zero_and_says_how_many(events):
    code, out, err = run()
    assert code == 0 and err == ""
    assert "已校验 5 条记录" in out
    assert events[-1].hash in out
    assert ChainCheck.objects.get().intact


def test_an_empty_log_is_intact(db):
    code, out, _ = run()
    assert code == 0
    assert "已校验 0 条记录" in out


def test_a_changed_field_is_named(events):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过的对象", events[2].pk])
    code, out, err = run()
    assert code == 1 and out == ""
    assert_names(err, events[2])
    assert "记录被修改" in err
    assert "此前已校验 2 条记录完好" in err


def test_a_changed_field_with_its_mac_recomputed_by_a_key_holder_breaks_the_next_link(events):
    tamper.lift_guard()
    victim = Event.objects.get(pk=events[1].pk)
    victim.object_repr = "改过的对象"
    tamper.sql("UPDATE audit_event SET object_repr = %s, hash = %s WHERE id = %s",
               [victim.object_repr, victim.compute_hash(), victim.pk])
    code, _, err = run()
    assert code == 1
    assert_names(err, events[2])
    assert "前一条哈希与上一条记录不符" in err


def test_a_row_deleted_in_the_middle_is_found_at_the_next_row(events):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id = %s", [events[2].pk])
    code, _, err = run()
    assert code == 1
    assert_names(err, events[3])
    assert "中间有记录被删除" in err


def test_a_row_deleted_at_the_end_is_found_through_the_chain_head(events):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    code, _, err = run()
    assert code == 1
    assert_names(err, events[-2])  # the last row still intact
    assert "末尾有记录被删除" in err


def test_all_rows_deleted_is_found(events):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event")
    code, _, err = run()
    assert code == 1
    assert "末尾有记录被删除" in err


def test_two_rows_swapped_are_found(events):
    tamper.lift_guard()
    a, b = events[1].pk, events[2].pk
    # Move the two rows out of the way, then put each under the other's id.
    tamper.sql("UPDATE audit_event SET id = %s WHERE id = %s", [-1, a])
    tamper.sql("UPDATE audit_event SET id = %s WHERE id = %s", [a, b])
    tamper.sql("UPDATE audit_event SET id = %s WHERE id = %s", [b, -1])
    code, _, err = run()
    assert code == 1
    swapped_in = Event.objects.get(pk=a)
    assert swapped_in.code == events[2].code
    assert f"编号 {a}" in err and events[2].code in err
    assert "中间有记录被删除、插入或调换" in err


def test_a_row_replaced_in_the_middle_is_found(events):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id = %s", [events[2].pk])
    tamper.forge(after=events[1], pk=events[2].pk)
    code, _, err = run()
    assert code == 1
    assert_names(err, events[3])
    assert "前一条哈希与上一条记录不符" in err


def test_a_row_inserted_at_the_end_is_found(events):
    tamper.lift_guard()
    fake = tamper.forge(after=events[-1], pk=events[-1].pk + 1)
    code, _, err = run()
    assert code == 1
    assert_names(err, fake)
    assert "末尾有记录被插入" in err


def test_a_tail_replaced_behind_the_chain_head_is_found(events):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    fake = tamper.forge(after=events[-2], pk=events[-1].pk)
    code, _, err = run()
    assert code == 1
    assert_names(err, fake)
    assert "链头登记的最后哈希与该条记录不符" in err


def test_json_output_for_machines(events):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET code = %s WHERE id = %s", ["user.created", events[3].pk])
    code, out, _ = run("--json")
    assert code == 1
    result = json.loads(out)
    assert result["intact"] is False
    assert result["checked"] == 3
    assert result["problem"] == "altered"
    assert result["event"]["id"] == events[3].pk
    assert result["event"]["code"] == "user.created"
    assert result["event"]["at"].startswith("2026-03-01T10:00:00")
    assert "编号" in result["message"]


def test_json_output_when_intact(events):
    code, out, _ = run("--json")
    assert code == 0
    assert json.loads(out) | {"seconds": 0} == {
        "intact": True, "checked": 5, "last_id": events[-1].pk, "last_hash": events[-1].hash, "problem": None,
        "reason": None, "event": None, "anchors": 0, "anchored": 0, "anchor": None, "seconds": 0,
        "message": "审计日志完整：已校验 5 条记录，哈希链无断点。未配置外部锚点文件，未与外部锚点核对。",
    }


def test_small_batches_walk_the_same_chain(events):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET username = %s WHERE id = %s", ["someone", events[4].pk])
    code, _, err = run("--batch-size", "2")
    assert code == 1
    assert_names(err, events[4])
