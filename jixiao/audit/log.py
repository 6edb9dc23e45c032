"""Writing and verifying audit events. Call `record` inside the action's transaction: if it fails, the action fails."""

import datetime
import decimal
import hmac
import ipaddress
import json
import re
import time
import uuid
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from jixiao.audit import anchors, context, keys
from jixiao.audit.models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    ChainCheck,
    ChainHead,
    Event,
    Outcome,
    canonical_text,
)

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of a row, for the before/after columns."""
    data = model_to_dict(obj, fields=fields)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value):
    """Plain JSON values that read back from both databases exactly as written (the hash depends on it)."""
    if value.__class__ is str:  # the common case (an import's event lists thousands of keys) tested first
        return value.replace("\x00", "")
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v.replace("\x00", "") if v.__class__ is str else _jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        # PostgreSQL's jsonb writes 1e20 back as an integer and refuses NaN: store such floats as text.
        return value if value == value and abs(value) < 1e15 else str(value)
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID, FieldFile)):
        return str(value)
    return _clean_text(str(value))


def _clean_text(text: str, limit: int | None = None) -> str:
    # PostgreSQL text cannot hold NUL; a too long value would fail the whole business transaction.
    text = str(text).replace("\x00", "")
    return text[:limit] if limit else text


def _clean_ip(value: str | None) -> str | None:
    """The address as the database will store it (IPv6 compressed), or None when it is not an address."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None
    return str(address)


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
    if not CODE_PATTERN.fullmatch(code) or len(code) > 60:
        raise ValueError(f"audit event code {code!r} must be dotted lower case, e.g. 'unit.created'")
    if outcome not in Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    actor = context.current()
    same_person = user is None or user.pk == actor.user_id
    if object_repr is None:
        object_repr = str(obj) if obj is not None else ""
    key = keys.current()
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event = Event(
            # Taken under the lock, so times never go backwards along the chain.
            at=timezone.now(),
            user_id=user.pk if user is not None else actor.user_id,
            username=_clean_text(user.get_username() if user is not None else actor.username, 150),
            role=_clean_text(actor.role, 20) if same_person else "",
            unit_code=_clean_text(actor.unit_code, 20) if same_person else "",
            code=code,
            object_type=obj._meta.label if obj is not None else "",
            object_id=_clean_text(obj.pk, 40) if obj is not None and obj.pk is not None else "",
            object_repr=_clean_text(object_repr, 200),
            outcome=str(outcome),
            ip=_clean_ip(actor.ip),
            request_id=_clean_text(actor.request_id, 36),
            before=_jsonable(before),
            after=_jsonable(after),
            key_id=key.id,
            prev_hash=head.last_hash,
        )
        event.hash = key.sign(event.canonical())
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


# --- Verification ---------------------------------------------------------------------------------

ALTERED = "altered"
UNKNOWN_KEY = "unknown_key"
BROKEN_LINK = "broken_link"
MISSING_TAIL = "missing_tail"
HEAD_MISMATCH = "head_mismatch"
UNREGISTERED = "unregistered"
ANCHOR_MISMATCH = "anchor_mismatch"
ANCHOR_BEYOND = "anchor_beyond"

PROBLEMS = {
    ALTERED: "该条记录的内容与其密钥签名不符（记录被修改，或其哈希被不持有审计密钥的人重算）",
    UNKNOWN_KEY: "该条记录所署的密钥编号不在已配置的审计密钥中（记录被伪造，或密钥轮换后旧密钥未列入 JIXIAO_AUDIT_KEYS_OLD）",
    BROKEN_LINK: "该条记录的前一条哈希与上一条记录不符（中间有记录被删除、插入或调换）",
    MISSING_TAIL: "链头登记的条数多于实际条数（末尾有记录被删除）",
    HEAD_MISMATCH: "链头登记的最后哈希与该条记录不符（末尾记录被替换）",
    UNREGISTERED: "该条记录未在链头登记（末尾有记录被插入）",
    ANCHOR_MISMATCH: "该条记录与外部锚点登记的哈希不符（此处及之前有记录被替换、插入或删除）",
    ANCHOR_BEYOND: "外部锚点登记的条数多于库中实际条数（末尾有记录被删除，链头也被改写）",
}
# Problems found at the end of the chain name the last intact row, not a broken one.
TAIL_PROBLEMS = {MISSING_TAIL, ANCHOR_BEYOND}


class ChainBroken(Exception):
    """The chain failed verification; the message is `describe(verdict)`."""


@dataclass
class Verdict:
    """The result of walking the chain. Unpacks as (checked, event, reason) like the first version."""

    checked: int
    event: Event | None = None  # the first broken row; for a removed tail, the last intact row
    problem: str = ""  # one of PROBLEMS, "" when intact
    last_id: int | None = None  # the last row checked and found intact
    last_hash: str = ""
    seconds: float = 0.0
    full: bool = True  # walked from the first row, not on from an earlier check
    anchor_count: int | None = None  # external anchors given to the walk; None when not walked against any
    anchored: int = 0  # anchored positions the walk reached and found equal
    anchor: anchors.Anchor | None = None  # the anchor that disagrees, or the last one that agreed

    @property
    def intact(self) -> bool:
        return not self.problem

    @property
    def reason(self) -> str:
        return PROBLEMS.get(self.problem, "")

    def __iter__(self):
        return iter((self.checked, self.event, self.reason))


def verify_chain(
    batch_size: int = 2000, *, start: ChainCheck | None = None, against: list[anchors.Anchor] | None = None,
) -> Verdict:
    """Walk the chain in id order from the start (or on from an earlier intact check) and stop at the first break.

    Each row must link to the previous one and carry the MAC of its content under the key it names; a row at
    an anchored position must carry the anchored hash. The chain head is read first: rows appended while we
    walk are checked too, and are not mistaken for rows inserted behind the head's back.
    """
    started = time.monotonic()
    head = ChainHead.objects.filter(pk=1).first()
    expected_prev, checked, last_id = GENESIS_HASH, 0, 0
    if start is not None and start.intact and start.last_event_id:
        expected_prev, checked, last_id = start.last_hash, start.checked, start.last_event_id
        still = Event.objects.filter(pk=last_id).values_list("hash", flat=True).first()
        if still != expected_prev:  # the check's last row itself changed: only a full walk can say where
            return verify_chain(batch_size, against=against)
    ring, pinned = keys.ring(), anchors.by_position(against or [])
    verdict = Verdict(checked=checked, last_id=last_id or None, last_hash=expected_prev, full=not last_id,
                      anchor_count=None if against is None else len(against))
    fields = ("id", "hash", *HASHED_FIELDS)
    while True:
        rows = list(Event.objects.filter(pk__gt=last_id).order_by("pk").values_list(*fields)[:batch_size])
        if not rows:
            break
        for row in rows:
            pk, stored_hash = row[0], row[1]
            problem = _row_problem(row, expected_prev, ring)
            if problem:
                return _broken(verdict, pk, problem, started)
            checked += 1
            if head is not None and checked == head.count and stored_hash != head.last_hash:
                return _broken(verdict, pk, HEAD_MISMATCH, started)
            if checked in pinned:
                verdict.anchor = pinned[checked]
                if verdict.anchor.hash != stored_hash:
                    return _broken(verdict, pk, ANCHOR_MISMATCH, started)
                verdict.anchored += 1
            expected_prev, last_id = stored_hash, pk
            verdict.checked, verdict.last_id, verdict.last_hash = checked, pk, stored_hash
    return _check_tail(verdict, head, pinned, started)


def _row_problem(row: tuple, expected_prev: str, ring: dict[str, keys.Key]) -> str:
    """Why one row (id, hash, *HASHED_FIELDS) is broken, or "" when it is intact."""
    stored_hash, key_id, prev_hash = row[1], row[-2], row[-1]
    if prev_hash != expected_prev:
        return BROKEN_LINK
    key = ring.get(key_id)
    if key is None:
        return UNKNOWN_KEY
    mac = key.sign(canonical_text(**dict(zip(HASHED_FIELDS, row[2:], strict=True))))
    return "" if hmac.compare_digest(mac, stored_hash) else ALTERED


def _check_tail(verdict: Verdict, head: ChainHead | None, pinned: dict, started: float) -> Verdict:
    furthest = max(pinned, default=0)
    if head is not None and verdict.checked < head.count:
        verdict.event, verdict.problem = _last_intact(verdict), MISSING_TAIL
    elif furthest > verdict.checked:
        verdict.event, verdict.problem, verdict.anchor = _last_intact(verdict), ANCHOR_BEYOND, pinned[furthest]
    else:
        head_now = ChainHead.objects.filter(pk=1).first()
        registered = head_now.count if head_now is not None else 0
        if verdict.checked > registered:
            verdict.event = Event.objects.order_by("pk")[registered]
            verdict.problem = UNREGISTERED
    verdict.seconds = time.monotonic() - started
    return verdict


def _last_intact(verdict: Verdict) -> Event | None:
    return Event.objects.filter(pk=verdict.last_id).first() if verdict.last_id else None


def _broken(verdict: Verdict, pk: int, problem: str, started: float) -> Verdict:
    verdict.event = Event.objects.get(pk=pk)
    verdict.problem = problem
    verdict.seconds = time.monotonic() - started
    return verdict


def describe(verdict: Verdict) -> str:
    """Chinese sentences naming the first broken row (id, Beijing time, event code, why) and the anchors."""
    if verdict.intact:
        return f"审计日志完整：已校验 {verdict.checked} 条记录，哈希链无断点。{_describe_anchors(verdict)}"
    event = verdict.event
    if event is None:
        return (f"审计日志异常：{verdict.reason}。已校验 {verdict.checked} 条记录，库中已无任何记录。"
                f"{_describe_anchor(verdict.anchor)}")
    at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
    where = "最后一条完好记录" if verdict.problem in TAIL_PROBLEMS else "首条异常记录"
    return (
        f"审计日志异常：{where} 编号 {event.pk}，时间 {at}，事件 {event.code}；原因：{verdict.reason}。"
        f"此前已校验 {verdict.checked} 条记录完好。"
        f"{_describe_anchor(verdict.anchor) if verdict.problem in (ANCHOR_MISMATCH, ANCHOR_BEYOND) else ''}"
    )


def _describe_anchors(verdict: Verdict) -> str:
    if anchors.path() is None:
        return "未配置外部锚点文件，未与外部锚点核对。"
    if verdict.anchor_count is None:
        return "未与外部锚点核对。"
    if not verdict.anchor_count:
        return "外部锚点文件中尚无锚点。"
    if verdict.anchor is None:
        return f"外部锚点 {verdict.anchor_count} 个，本次校验范围内无锚点。"
    return f"与外部锚点一致（共 {verdict.anchor_count} 个，最近一个为 {verdict.anchor.day} 的第 {verdict.anchor.count} 条）。"


def _describe_anchor(anchor: anchors.Anchor | None) -> str:
    if anchor is None:
        return ""
    return (f"外部锚点（{anchor.day} 记录）：第 {anchor.count} 条，编号 {anchor.last_id}，"
            f"哈希 {anchor.hash[:16]}…，库中已有记录被删除或改写。")


def verify_against_anchors(batch_size: int = 2000, against: list[anchors.Anchor] | None = None) -> Verdict:
    """The full walk against the anchor file (AnchorFileError when it is damaged), remembered as a check."""
    verdict = verify_chain(batch_size, against=anchors.read() if against is None else against)
    save_check(verdict)
    return verdict


def anchor_daily(day: datetime.date) -> str:
    """Verify the whole chain and append its head to the anchor file, once per day; never a broken chain's."""
    written = anchors.read()
    done = [anchor for anchor in written if anchor.day == day.isoformat()]
    if done:
        return f"{day} 已记录外部锚点（第 {done[-1].count} 条），未重复记录"
    verdict = verify_against_anchors(against=written)
    if not verdict.intact:
        raise ChainBroken(describe(verdict) + "未记录外部锚点。")
    if anchors.path() is None:
        return f"审计日志完整（{verdict.checked} 条）；未配置外部锚点文件（JIXIAO_AUDIT_ANCHOR_FILE），未记录锚点"
    anchor = anchors.make(day, verdict.checked, verdict.last_id, verdict.last_hash)
    anchors.append(anchor)
    return f"审计日志完整（{verdict.checked} 条），已记录外部锚点：第 {anchor.count} 条，哈希 {anchor.hash[:16]}…"


def signature_ok(event: Event) -> bool | None:
    """Whether one row carries the MAC of its content; None when its key is not configured here."""
    try:
        return hmac.compare_digest(event.compute_hash(), event.hash)
    except keys.UnknownKey:
        return None


def build_check(verdict: Verdict) -> ChainCheck:
    """A verification run as a (not yet saved) ChainCheck row."""
    return ChainCheck(
        at=timezone.now(), full=verdict.full, intact=verdict.intact, checked=verdict.checked,
        last_event_id=verdict.last_id, last_hash=verdict.last_hash if verdict.last_id else "",
        broken_event_id=verdict.event.pk if verdict.event is not None and not verdict.intact else None,
        problem=verdict.problem, message=describe(verdict)[:300], seconds=round(verdict.seconds, 3),
    )


def save_check(verdict: Verdict) -> ChainCheck:
    """Remember a verification run, so the audit page can show the last known state."""
    check = build_check(verdict)
    check.save()
    return check


def as_text(value) -> str:
    """A before/after value as one line of readable text (JSON for lists and dicts)."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def diff(before: dict | None, after: dict | None) -> list[dict]:
    """Rows of a before/after table: field, old, new, and whether it changed."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [{"field": "", "before": as_text(before), "after": as_text(after), "changed": before != after}]
    keys = sorted(set(before) | set(after))
    return [
        {"field": key, "before": as_text(before.get(key)), "after": as_text(after.get(key)),
         "changed": key not in before or key not in after or before[key] != after[key]}
        for key in keys
    ]


# The chain page verifies at most this many new rows inline (about half a second); beyond that it shows
# the last known state and leaves the full walk to `manage.py verify_audit`.
INLINE_LIMIT = 10_000


@dataclass
class ChainStatus:
    """What the chain page shows: the check it relies on, and whether it ran it just now."""

    total: int
    check: ChainCheck | None
    last_full: ChainCheck | None
    ran_now: bool
    pending: int  # rows not covered by the check shown
    anchor_list: list[anchors.Anchor] = field(default_factory=list)
    anchor_error: str = ""  # why the anchor file could not be used


def chain_status(limit: int | None = None) -> ChainStatus:
    """A full walk for a small log; for a large one only the rows since the last intact check, when few.

    Otherwise the last recorded check is shown and the full walk is left to `manage.py verify_audit`.
    """
    limit = INLINE_LIMIT if limit is None else limit
    head = ChainHead.objects.filter(pk=1).first()
    total = head.count if head is not None else 0
    last = ChainCheck.objects.order_by("-id").first()
    try:
        against, anchor_error = anchors.read(), ""
    except anchors.AnchorFileError as error:
        against, anchor_error = None, str(error)
    if total <= limit:
        verdict = verify_chain(against=against)
    elif last is not None and last.intact and total - last.checked <= limit:
        verdict = verify_chain(start=last, against=against)
    else:
        covered = last.checked if last is not None and last.intact else 0
        return ChainStatus(total, last, _last_full(), ran_now=False, pending=max(total - covered, 0),
                           anchor_list=against or [], anchor_error=anchor_error)
    check = build_check(verdict)
    if last is None or _summary(check) != _summary(last):
        check.save()
    return ChainStatus(total, check, _last_full(), ran_now=True, pending=max(total - verdict.checked, 0),
                       anchor_list=against or [], anchor_error=anchor_error)


def _last_full() -> ChainCheck | None:
    return ChainCheck.objects.filter(full=True).order_by("-id").first()


def _summary(check: ChainCheck) -> tuple:
    return (check.full, check.intact, check.checked, check.last_event_id, check.broken_event_id, check.problem)
