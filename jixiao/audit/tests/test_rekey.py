"""Migration 0005: a chain of the first, unkeyed version is verified the old way, then signed with the key, once."""

import pytest
from django.db import connection

from jixiao.audit import guard, keys, log, rekey
from jixiao.audit.models import ChainHead, Event
from jixiao.audit.tests import tamper


@pytest.fixture
def legacy(db):
    """Four rows as the first version wrote them: no key id, plain SHA-256, the head in step."""
    events = [log.record("unit.updated", object_repr=f"旧记录{n}", after={"n": n}) for n in range(4)]
    tamper.lift_guard()
    tamper.recompute_without_key(0, legacy=True)
    guard.install(connection)
    return events


def run() -> int:
    return rekey.rekey_legacy(Event, ChainHead, connection)


def test_an_intact_unkeyed_chain_is_signed_and_the_switch_recorded(legacy):
    old_head = ChainHead.objects.get(pk=1).last_hash
    assert log.verify_chain().problem == log.UNKNOWN_KEY  # before: the verifier knows no unkeyed rows
    assert run() == 4
    verdict = log.verify_chain()
    assert verdict.intact and verdict.checked == 5
    rows = list(Event.objects.order_by("pk"))
    assert [e.object_repr for e in rows[:4]] == [e.object_repr for e in legacy]  # content untouched
    assert {e.key_id for e in rows} == {keys.current().id}
    switch = rows[-1]
    assert switch.code == "audit.rekeyed" and switch.username == "数据库迁移"
    assert switch.before == {"scheme": "SHA-256", "count": 4, "last_hash": old_head, "problem": None}
    assert switch.after == {"scheme": "HMAC-SM3", "key_id": keys.current().id}
    assert ChainHead.objects.get(pk=1).count == 5
    assert guard.installed(connection)
    assert run() == 0  # once only


def test_a_broken_unkeyed_chain_is_refused_and_left_as_it_was(legacy):
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过", legacy[1].pk])
    with pytest.raises(rekey.RekeyRefused, match=f"编号 {legacy[1].pk} 的记录内容与其哈希不符.*JIXIAO_AUDIT_REKEY_BROKEN"):
        run()
    assert set(Event.objects.values_list("key_id", flat=True)) == {""}


def test_a_trimmed_unkeyed_chain_is_refused(legacy):
    tamper.lift_guard()
    tamper.sql("DELETE FROM audit_event WHERE id = %s", [legacy[-1].pk])
    with pytest.raises(rekey.RekeyRefused, match="链头登记的条数或最后哈希与记录不符"):
        run()


def test_a_broken_chain_accepted_by_the_operator_keeps_the_finding(legacy, settings):
    settings.AUDIT_REKEY_BROKEN = True
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过", legacy[1].pk])
    assert run() == 4
    assert log.verify_chain().intact
    assert Event.objects.get(code="audit.rekeyed").before["problem"] == f"编号 {legacy[1].pk} 的记录内容与其哈希不符"


def test_without_a_key_the_migration_says_what_to_set(legacy, settings):
    settings.AUDIT_KEY = ""
    with pytest.raises(rekey.RekeyRefused, match="未设置审计密钥 JIXIAO_AUDIT_KEY：现有 4 条审计记录"):
        run()


def test_a_new_database_has_nothing_to_rekey(db):
    assert run() == 0
    assert not Event.objects.exists()
