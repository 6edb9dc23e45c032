"""External anchors: written once a day for an intact chain, read back signed, and held against the chain."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from jixiao.audit import anchors, log
from jixiao.audit.models import Event
from jixiao.audit.tests import tamper

FROZEN = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit-anchors.jsonl"
    return settings.AUDIT_ANCHOR_FILE


@pytest.fixture
def events(db):
    with time_machine.travel(FROZEN, tick=False):
        return [log.record("unit.updated", object_repr=f"对象{n}", after={"n": n}) for n in range(4)]


def verify(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except CommandError as error:  # run from a shell, Django prints it and exits with its return code
        code = error.returncode
        err.write(str(error))
    return code, out.getvalue() + err.getvalue()


def test_an_anchor_records_the_verified_head_once_a_day(events, anchor_file):
    summary = log.anchor_daily(DAY)
    assert "已记录外部锚点：第 4 条" in summary
    assert log.anchor_daily(DAY).startswith("2026-03-01 已记录外部锚点（第 4 条），未重复记录")
    [anchor] = anchors.read()
    assert (anchor.day, anchor.count, anchor.last_id, anchor.hash) == ("2026-03-01", 4, events[-1].pk, events[-1].hash)
    line = json.loads(anchor_file.read_text(encoding="utf-8"))
    assert set(line) == {"day", "at", "count", "last_id", "hash", "key_id", "mac"}
    log.record("unit.updated", object_repr="次日")
    log.anchor_daily(DAY + datetime.timedelta(days=1))
    assert [a.count for a in anchors.read()] == [4, 5]


def test_an_intact_chain_says_it_agrees_with_the_anchors(events):
    log.anchor_daily(DAY)
    code, text = verify()
    assert code == 0
    assert "与外部锚点一致（共 1 个，最近一个为 2026-03-01 的第 4 条）" in text


def test_a_broken_chain_is_not_anchored(events, anchor_file):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过", events[1].pk])
    with pytest.raises(log.ChainBroken, match=f"首条异常记录 编号 {events[1].pk}.*未记录外部锚点"):
        log.anchor_daily(DAY)
    assert not anchor_file.exists()


def test_a_tail_trimmed_and_refilled_by_the_application_is_found_at_the_anchored_row(events):
    log.anchor_daily(DAY)
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id >= %s", [events[2].pk])
    tamper.sql("UPDATE audit_chainhead SET count = 2, last_hash = %s WHERE id = 1", [events[1].hash])
    # The application goes on writing validly signed rows after the trimmed chain.
    refill = [log.record("unit.created", object_repr=f"新{n}") for n in range(3)]
    code, text = verify()
    assert code == 1
    assert f"首条异常记录 编号 {refill[1].pk}" in text  # the row now at position 4, where the anchor pinned another
    assert "与外部锚点登记的哈希不符" in text
    assert f"外部锚点（2026-03-01 记录）：第 4 条，编号 {events[-1].pk}" in text


def test_every_row_removed_with_the_head_reset_is_found(events):
    log.anchor_daily(DAY)
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event")
    tamper.sql("UPDATE audit_chainhead SET count = 0, last_hash = %s WHERE id = 1", ["0" * 64])
    code, text = verify()
    assert code == 1
    assert "外部锚点登记的条数多于库中实际条数" in text and "库中已无任何记录" in text


def write_lines(anchor_file, lines: list[str]) -> None:
    anchor_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.mark.parametrize("damage, message", [
    (lambda lines: lines[:-1] + [lines[-1][:40]], "第 2 行已损坏：不是完整的锚点记录"),
    (lambda lines: lines[:-1] + [lines[-1].replace('"count": 5', '"count": 9')], "第 2 行已损坏：内容与签名不符"),
    (lambda lines: [lines[0].replace('"key_id": "', '"key_id": "x')] + lines[1:], "第 1 行已损坏：所署密钥编号"),
    (lambda lines: lines + ["不是 JSON"], "第 3 行已损坏"),
])
def test_a_damaged_anchor_file_is_named_with_its_line(events, anchor_file, damage, message):
    log.anchor_daily(DAY)
    log.record("unit.updated", object_repr="次日")
    log.anchor_daily(DAY + datetime.timedelta(days=1))
    write_lines(anchor_file, damage(anchor_file.read_text(encoding="utf-8").splitlines()))
    code, text = verify()
    assert code == 2
    assert message in text and str(anchor_file) in text
    assert "请从备份或日志服务器上的副本恢复该文件" in text
    with pytest.raises(anchors.AnchorFileError, match=message):
        log.anchor_daily(DAY + datetime.timedelta(days=2))


def test_two_anchors_that_contradict_each_other_are_refused(events, anchor_file):
    first = anchors.make(DAY, 4, events[-1].pk, events[-1].hash)
    other = anchors.make(DAY + datetime.timedelta(days=1), 4, events[-1].pk, "f" * 64)
    anchors.append(first)
    anchors.append(other)
    code, text = verify()
    assert code == 2
    assert "自相矛盾：2026-03-01 与 2026-03-02 对第 4 条记录登记了不同的哈希" in text


def test_the_chain_page_shows_the_anchors_and_a_damaged_file(cast, login, anchor_file):
    log.anchor_daily(DAY)
    html = login(cast.auditor).get(reverse("audit:chain_status")).content.decode()
    assert "1 个，最近一个记于 2026-03-01" in html and "HMAC-SM3" in html
    anchor_file.write_text("{}\n", encoding="utf-8")
    html = login(cast.auditor).get(reverse("audit:chain_status")).content.decode()
    assert "第 1 行已损坏" in html and 'data-testid="anchor-error"' in html
    assert "未与外部锚点核对" in html and "尚无锚点" not in html  # a damaged file is not an empty one


def test_without_an_anchor_file_the_job_only_verifies(events, settings):
    settings.AUDIT_ANCHOR_FILE = ""
    assert "未配置外部锚点文件" in log.anchor_daily(DAY)
    assert Event.objects.count() == 4


def test_an_anchor_file_that_cannot_be_read_or_written_is_named(events, settings, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    settings.AUDIT_ANCHOR_FILE = blocker / "audit-anchors.jsonl"
    with pytest.raises(anchors.AnchorFileError, match=f"外部锚点文件 {blocker}/audit-anchors.jsonl 无法读取"):
        log.anchor_daily(DAY)
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(anchors.os, "open", refuse)  # root ignores file modes, so refuse the way a mode would
    with pytest.raises(anchors.AnchorFileError, match="audit-anchors.jsonl 无法写入：Permission denied"):
        log.anchor_daily(DAY)


def test_without_a_key_verify_audit_says_so_and_exits_2(events, settings):
    settings.AUDIT_KEY = ""
    code, text = verify()
    assert code == 2
    assert "未设置审计密钥 JIXIAO_AUDIT_KEY，无法校验审计日志" in text
