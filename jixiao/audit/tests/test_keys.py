"""The audit key ring: rotation keeps old rows verifiable, and `check --deploy` refuses a missing or public key."""

import hmac

import pytest
from django.core import checks as django_checks

from jixiao.audit import checks, keys, log
from jixiao.audit.models import Event
from jixiao.audit.tests import tamper

FIRST = "1" * 64
SECOND = "2" * 64


def test_the_key_id_names_the_key_without_revealing_it():
    assert keys.key_id(FIRST) == keys.key_id(FIRST.encode()) != keys.key_id(SECOND)
    assert len(keys.key_id(FIRST)) == 12 and FIRST[:12] not in keys.key_id(FIRST)


def test_a_row_is_signed_with_hmac_sm3_of_its_content(db, settings):
    settings.AUDIT_KEY = FIRST
    event = log.record("unit.created", object_repr="甲")
    assert event.key_id == keys.key_id(FIRST)
    assert event.hash == hmac.new(FIRST.encode(), event.canonical().encode(), "sm3").hexdigest()


def test_rows_signed_before_a_rotation_verify_with_the_old_key(db, settings):
    settings.AUDIT_KEY = FIRST
    before = [log.record("unit.created", object_repr=f"旋转前{n}") for n in range(2)]
    settings.AUDIT_KEY, settings.AUDIT_KEYS_OLD = SECOND, [FIRST]
    after = [log.record("unit.updated", object_repr=f"旋转后{n}") for n in range(2)]
    assert {e.key_id for e in before} == {keys.key_id(FIRST)} and {e.key_id for e in after} == {keys.key_id(SECOND)}
    assert after[0].prev_hash == before[-1].hash  # one chain across the rotation
    verdict = log.verify_chain()
    assert verdict.intact and verdict.checked == 4
    assert all(log.signature_ok(e) for e in Event.objects.all())


def test_an_old_key_left_out_after_a_rotation_is_named(db, settings):
    settings.AUDIT_KEY = FIRST
    first = log.record("unit.created", object_repr="旋转前")
    settings.AUDIT_KEY = SECOND  # the old key was not moved to JIXIAO_AUDIT_KEYS_OLD
    log.record("unit.updated", object_repr="旋转后")
    verdict = log.verify_chain()
    assert verdict.problem == log.UNKNOWN_KEY and verdict.event.pk == first.pk
    assert "JIXIAO_AUDIT_KEYS_OLD" in log.describe(verdict)
    assert log.signature_ok(Event.objects.get(pk=first.pk)) is None


def test_a_row_relabelled_with_another_configured_key_is_altered(db, settings):
    settings.AUDIT_KEY, settings.AUDIT_KEYS_OLD = SECOND, [FIRST]
    event = log.record("unit.created", object_repr="甲")
    tamper.lift_guard()
    tamper.sql("UPDATE audit_event SET key_id = %s WHERE id = %s", [keys.key_id(FIRST), event.pk])
    verdict = log.verify_chain()
    assert (verdict.problem, verdict.event.pk) == (log.ALTERED, event.pk)


def test_without_a_key_nothing_is_written(db, settings):
    settings.AUDIT_KEY = ""
    with pytest.raises(Exception, match="JIXIAO_AUDIT_KEY is not set"):
        log.record("unit.created", object_repr="甲")
    assert Event.objects.count() == 0


def ids() -> set[str]:
    return {message.id for message in checks.audit_key()}


@pytest.mark.parametrize("key, old, anchor_file, expected", [
    ("", [], "/var/lib/jixiao/audit-anchors.jsonl", {"jixiao.audit.E001"}),
    (None, [], "/var/lib/jixiao/audit-anchors.jsonl", {"jixiao.audit.E002"}),
    ("short-key", [], "/var/lib/jixiao/audit-anchors.jsonl", {"jixiao.audit.E003"}),
    (FIRST, [None], "/var/lib/jixiao/audit-anchors.jsonl", {"jixiao.audit.E004"}),
    (FIRST, [], "", {"jixiao.audit.W001"}),
    (SECOND, [FIRST], "/var/lib/jixiao/audit-anchors.jsonl", set()),
])
def test_the_deploy_check_refuses_a_missing_or_public_key(settings, key, old, anchor_file, expected):
    development = settings.AUDIT_DEVELOPMENT_KEY
    settings.AUDIT_KEY = development if key is None else key
    settings.AUDIT_KEYS_OLD = [development if k is None else k for k in old]
    settings.AUDIT_ANCHOR_FILE = anchor_file
    assert ids() == expected


def test_the_check_runs_only_with_deploy(settings):
    settings.AUDIT_KEY = ""
    deploy = {m.id for m in django_checks.run_checks(include_deployment_checks=True, tags=["security"])}
    plain = {m.id for m in django_checks.run_checks(tags=["security"])}
    assert "jixiao.audit.E001" in deploy and "jixiao.audit.E001" not in plain
