"""The daily audit job: verifies the chain and anchors its head outside the database, once per day."""

import io

import pytest
from django.core.management import CommandError, call_command

from jixiao.audit import anchors, log
from jixiao.audit.tests import tamper


@pytest.fixture
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


def run(day: str) -> str:
    out = io.StringIO()
    call_command("run_schedule", "--only", "audit_anchor", "--date", day, stdout=out)
    return out.getvalue()


def test_the_job_anchors_once_per_day(db, anchor_file):
    events = [log.record("unit.updated", object_repr=f"对象{n}") for n in range(3)]
    assert "✓ 校验审计日志并记录外部锚点：审计日志完整（3 条），已记录外部锚点：第 3 条" in run("2026-04-29")
    assert "未重复记录" in run("2026-04-29")
    assert anchor_file.read_text(encoding="utf-8").count("\n") == 1
    log.record("unit.updated", object_repr="次日")
    run("2026-04-30")
    assert [(a.day, a.count) for a in anchors.read()] == [("2026-04-29", 3), ("2026-04-30", 4)]
    assert anchors.read()[0].hash == events[-1].hash


def test_the_job_fails_loudly_on_a_broken_chain(db, anchor_file):
    events = [log.record("unit.updated", object_repr=f"对象{n}") for n in range(3)]
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过", events[0].pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match="有定时任务运行失败"):
        call_command("run_schedule", "--only", "audit_anchor", "--date", "2026-04-29", stdout=out)
    assert f"✗ 校验审计日志并记录外部锚点：失败：审计日志异常：首条异常记录 编号 {events[0].pk}" in out.getvalue()
    assert not anchor_file.exists()
