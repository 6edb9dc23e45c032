"""互动交流's state changes, each atomic and audited: a resident's message in; the office routes it, answers it or
closes it with a reason; the department (or the office) writes a reply; the office approves it for the public or
returns it with a reason. A reply is never shown before approval: only `approve_reply` sets status 已答复."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.evaluation import privacy
from jixiao.lib import crypto
from jixiao.portal.messages_models import CloseReason, MessageStatus, PublicMessage

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed without doubt
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(code: str) -> str:
    key = crypto.derive_key(privacy._master(), "portal.hudong-code", 32)
    return crypto.hmac_sm3(key, code.strip().upper().encode())


def by_code(code: str) -> PublicMessage | None:
    code = code.strip().upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return PublicMessage.objects.select_related("addressee", "unit").filter(code_hash=code_hash(code)).first()


@transaction.atomic
def submit(*, kind: str, addressee, title: str, text: str, phone: str = "") -> tuple[PublicMessage, str]:
    """Store a resident's message; returns it and its 查询码, which exists nowhere else afterwards."""
    code = new_code()
    message = PublicMessage.objects.create(
        kind=kind, addressee=addressee, title=title.strip(), text=text.strip(), code_hash=code_hash(code),
        phone_key=privacy.phone_key(phone) if phone else "", received_at=timezone.now())
    log.record("hudong.received", message, after={"kind": kind, "addressee": addressee.pk if addressee else None,
                                                  "phone": bool(phone)})
    return message, code


def _lock(message: PublicMessage) -> PublicMessage:
    return PublicMessage.objects.select_for_update().get(pk=message.pk)


def _require(message, *statuses, says: str):
    if message.status not in statuses:
        raise ValidationError(says)


@transaction.atomic
def route(message: PublicMessage, unit, *, by) -> PublicMessage:
    """The office hands a new (or returned-to-office) message to a department to answer."""
    message = _lock(message)
    _require(message, MessageStatus.NEW, MessageStatus.ROUTED, says="该留言已答复或已办结，不能再转办。")
    if unit is None:
        raise ValidationError("请选择承办单位。")
    before = {"status": message.status, "unit": message.unit_id}
    message.status, message.unit = MessageStatus.ROUTED, unit
    message.save(update_fields=["status", "unit"])
    log.record("hudong.routed", message, user=by, before=before, after={"status": message.status, "unit": unit.pk})
    return message


@transaction.atomic
def close(message: PublicMessage, reason: str, note: str = "", *, by) -> PublicMessage:
    """The office closes a message it will not answer, with a reason the resident reads at the 查询码."""
    message = _lock(message)
    _require(message, MessageStatus.NEW, MessageStatus.ROUTED, says="该留言已答复或已办结，不能再办结。")
    if reason not in CloseReason.values:
        raise ValidationError("请选择不予受理的原因。")
    if reason == CloseReason.OTHER and not note.strip():
        raise ValidationError("选择“其他”时请写明原因。")
    before = {"status": message.status}
    message.status, message.close_reason, message.close_note = MessageStatus.CLOSED, reason, note.strip()[:200]
    message.closed_at = timezone.now()
    message.save(update_fields=["status", "close_reason", "close_note", "closed_at"])
    log.record("hudong.closed", message, user=by, before=before, after={"status": message.status, "reason": reason})
    return message


@transaction.atomic
def write_reply(message: PublicMessage, text: str, *, by) -> PublicMessage:
    """The department handling it (or the office, answering itself) submits a reply for the office's approval."""
    message = _lock(message)
    _require(message, MessageStatus.NEW, MessageStatus.ROUTED, says="该留言当前不能答复（答复待审核、已答复或已办结）。")
    text = text.strip()
    if not text:
        raise ValidationError("请填写答复内容。")
    if len(text) > 4000:
        raise ValidationError("答复请不超过 4000 字。")
    before = {"status": message.status}
    message.status, message.reply, message.replied_by = MessageStatus.PENDING, text, by
    message.replied_at, message.returned_reason = timezone.now(), ""
    message.save(update_fields=["status", "reply", "replied_by", "replied_at", "returned_reason"])
    log.record("hudong.replied", message, user=by, before=before, after={"status": message.status})
    return message


@transaction.atomic
def approve_reply(message: PublicMessage, *, publish: bool, by) -> PublicMessage:
    """The office approves a pending reply: the resident reads it at the 查询码, and the public list if `publish`."""
    message = _lock(message)
    _require(message, MessageStatus.PENDING, says="该留言没有待审核的答复。")
    message.status, message.approved_by, message.answered_at = MessageStatus.ANSWERED, by, timezone.now()
    message.published = bool(publish)
    message.save(update_fields=["status", "approved_by", "answered_at", "published"])
    log.record("hudong.reply_approved", message, user=by, before={"status": MessageStatus.PENDING},
               after={"status": message.status, "published": message.published})
    return message


@transaction.atomic
def return_reply(message: PublicMessage, reason: str, *, by) -> PublicMessage:
    """The office sends a pending reply back to whoever handles the message, with a reason."""
    message = _lock(message)
    _require(message, MessageStatus.PENDING, says="该留言没有待审核的答复。")
    reason = reason.strip()
    if not reason:
        raise ValidationError("请写明退回原因。")
    message.status = MessageStatus.ROUTED if message.unit_id else MessageStatus.NEW
    message.returned_reason = reason[:200]
    message.save(update_fields=["status", "returned_reason"])
    log.record("hudong.reply_returned", message, user=by, before={"status": MessageStatus.PENDING},
               after={"status": message.status, "reason": message.returned_reason})
    return message
