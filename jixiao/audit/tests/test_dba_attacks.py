"""What a database administrator can do without the audit key, and how `verify_audit` still finds it.

The administrator can drop the append-only triggers, read the code, recompute every hash and rewrite the
chain head. What they cannot do is compute the keyed MAC (the key lives in the environment of the
application, never in the database) or rewrite the anchor file (outside the database).
"""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from jixiao.audit import log
from jixiao.audit.tests import tamper
from jixiao.schedule import jobs

FROZEN = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)
CODES = ["auth.login", "unit.created", "unit.updated", "membership.granted", "auth.logout", "unit.retired"]


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def events(db):
    with time_machine.travel(FROZEN, tick=False):
        return [log.record(code, object_repr=f"对象{n}", after={"n": n}) for n, code in enumerate(CODES)]


def verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


def anchor_today() -> None:
    # The daily job; its own behaviour is tested in jixiao/schedule/tests and test_anchors.
    jobs.run_all(FROZEN.date(), only={"audit_anchor"})


@pytest.mark.parametrize("legacy", [False, True], ids=["keyed-form", "legacy-form"])
def test_a_chain_recomputed_without_the_key_is_found(events, legacy):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过的对象", events[2].pk])
    tamper.recompute_without_key(2, legacy=legacy)
    code, text = verify()
    assert code == 1
    assert f"编号 {events[2].pk}" in text and events[2].code in text
    assert "审计日志完整" not in text


def test_a_tail_trimmed_with_its_head_is_found_through_the_anchor(events):
    anchor_today()
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id >= %s", [events[4].pk])
    tamper.sql("UPDATE audit_chainhead SET count = %s, last_hash = %s WHERE id = 1", [4, events[3].hash])
    code, text = verify()
    assert code == 1
    assert "末尾有记录被删除" in text
    assert f"编号 {events[3].pk}" in text  # the last intact row
    assert "外部锚点" in text
