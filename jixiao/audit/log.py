"""Writing audit events. Call `record` inside the action's transaction: if it fails, the action fails."""

import datetime

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from jixiao.audit import context
from jixiao.audit.models import GENESIS_HASH, ChainHead, Event, Outcome


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of a row, for the before/after columns."""
    data = model_to_dict(obj, fields=fields)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def record(
    code: str,
    obj: models.Model | None = None,
    *,
    outcome: str = Outcome.SUCCESS,
    before: dict | None = None,
    after: dict | None = None,
    user=None,
    object_repr: str | None = None,
) -> Event:
    """Append one event to the chain, attributed to `user` or to the request's actor."""
    actor = context.current()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = Event(
            at=timezone.now(),
            user_id=user.pk if user is not None else actor.user_id,
            username=user.get_username() if user is not None else actor.username,
            role=actor.role if user is None or user.pk == actor.user_id else "",
            unit_code=actor.unit_code if user is None or user.pk == actor.user_id else "",
            code=code,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:200],
            outcome=outcome,
            ip=actor.ip,
            request_id=actor.request_id,
            before=before,
            after=after,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def verify_chain(batch_size: int = 2000):
    """Walk the chain from the start. Returns (checked, first_bad_event_or_None, reason)."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = list(Event.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.prev_hash != expected_prev:
                return checked, event, "prev_hash does not match the previous row (a row was removed or reordered)"
            if event.compute_hash() != event.hash:
                return checked, event, "hash does not match the row's content (the row was altered)"
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.count != checked:
        return checked, None, f"chain head counts {head.count} events but {checked} were found (rows removed at the end)"
    if head is not None and head.last_hash != expected_prev:
        return checked, None, "chain head hash differs from the last row (rows removed at the end)"
    return checked, None, ""
