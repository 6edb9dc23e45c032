"""record() builds a valid chain, and what it stores reads back exactly as it was hashed."""

import datetime
import decimal

import pytest
import time_machine
from django.db import transaction

from jixiao.audit import context, log
from jixiao.audit.models import GENESIS_HASH, ChainHead, Event, Outcome


def test_record_builds_a_linked_chain(db):
    first = log.record("unit.created", object_repr="甲")
    second = log.record("unit.updated", object_repr="乙", before={"name": "甲"}, after={"name": "乙"})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.count, head.last_hash) == (2, second.hash)
    verdict = log.verify_chain()
    assert verdict.intact and verdict.checked == 2 and verdict.last_id == second.pk
    checked, event, reason = verdict  # the first version's 3-tuple still unpacks
    assert (checked, event, reason) == (2, None, "")


def test_record_takes_the_actor_of_the_request(cast):
    token = context.bind(context.Actor(user_id=cast.reporter.pk, username="reporter", role="reporter",
                                       unit_code="B01", ip="2001:DB8:0:0:0:0:0:1", request_id="req-1"))
    try:
        event = log.record("unit.updated", cast.fgw, after={"name": "新名称"})
        other = log.record("user.password_reset", cast.street_reporter, user=cast.secadmin)
    finally:
        context.reset(token)
    event.refresh_from_db()
    assert (event.username, event.role, event.unit_code, event.request_id) == ("reporter", "reporter", "B01", "req-1")
    assert event.ip == "2001:db8::1"  # stored as the database stores it, so the hash still matches
    assert (event.object_type, event.object_id) == ("org.Unit", str(cast.fgw.pk))
    # Attributed to another user than the request's: no role or unit of the request is borrowed.
    assert (other.username, other.role, other.unit_code) == ("secadmin", "", "")
    assert log.verify_chain().intact


def test_values_that_databases_rewrite_are_normalised_before_hashing(db):
    after = {
        "amount": decimal.Decimal("12.50"), "day": datetime.date(2026, 3, 1), "big": 1e20, "ratio": 0.1 + 0.2,
        1: "integer key", "nested": {"tuple": (1, 2)}, "nul": "a\x00b", "nan": float("nan"),
        "keys": ["S01 / E1", "S02\x00 / E1", 3, decimal.Decimal("1.5")],
    }
    event = log.record("unit.updated", object_repr="x\x00" + "长" * 300, after=after)
    stored = Event.objects.get(pk=event.pk)
    assert stored.after == {
        "amount": "12.50", "day": "2026-03-01", "big": "1e+20", "ratio": 0.30000000000000004, "1": "integer key",
        "nested": {"tuple": [1, 2]}, "nul": "ab", "nan": "nan", "keys": ["S01 / E1", "S02 / E1", 3, "1.5"],
    }
    assert len(stored.object_repr) == 200
    assert stored.compute_hash() == stored.hash
    assert log.verify_chain().intact


def test_an_address_that_is_not_an_address_is_not_stored(db):
    token = context.bind(context.Actor(ip="not-an-ip, 10.0.0.1"))
    try:
        event = log.record("auth.login_failed", outcome=Outcome.FAILURE, object_repr="somebody")
    finally:
        context.reset(token)
    assert event.ip is None


@pytest.mark.parametrize("code", ["", "login", "Auth.Login", "auth..login", "auth.login ", "a." + "b" * 60])
def test_malformed_codes_are_refused(db, code):
    with pytest.raises(ValueError):
        log.record(code)
    assert Event.objects.count() == 0


def test_unknown_outcome_is_refused(db):
    with pytest.raises(ValueError):
        log.record("auth.login", outcome="maybe")


def test_the_event_rolls_back_with_the_action(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        log.record("unit.created", object_repr="不会保存")
        raise RuntimeError("the action failed after writing its event")
    assert Event.objects.count() == 0
    assert ChainHead.objects.filter(count__gt=0).count() == 0
    log.record("unit.created", object_repr="保存")
    assert log.verify_chain().intact


def test_time_is_taken_in_utc_and_survives_the_round_trip(db):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 23, 30, 0, 123456, tzinfo=datetime.UTC), tick=False):
        event = log.record("auth.login")
    stored = Event.objects.get(pk=event.pk)
    assert stored.at == datetime.datetime(2026, 3, 1, 23, 30, 0, 123456, tzinfo=datetime.UTC)
    assert stored.compute_hash() == event.hash


def test_snapshot_is_json_safe(cast):
    data = log.snapshot(cast.fgw, ["code", "name", "parent", "valid_from", "is_assessor"])
    assert data == {"code": "B01", "name": "区发展和改革委员会", "parent": cast.district.pk,
                    "valid_from": "2020-01-01", "is_assessor": True}


def test_diff_marks_changed_fields():
    rows = log.diff({"name": "甲", "kind": "street"}, {"name": "乙", "kind": "street", "note": "新"})
    assert rows == [
        {"field": "kind", "before": "street", "after": "street", "changed": False},
        {"field": "name", "before": "甲", "after": "乙", "changed": True},
        {"field": "note", "before": "", "after": "新", "changed": True},
    ]
