"""The one-time switch of an existing, unkeyed chain to the keyed one (migration 0005).

The first version chained rows with plain SHA-256, which anyone who reads the code can recompute. Keeping
those rows verifiable the old way would let an administrator pass off a rewritten chain as "old rows"; so
there is no unkeyed path in the verifier at all. Instead, once, while migrating: the old chain is verified
the old way, every row is signed with the current key (content untouched: only key_id, prev_hash and
hash change), and an `audit.rekeyed` event at the end of the chain records how many rows the old chain had,
its last hash and any problem found. A broken old chain is refused unless the operator accepts it with
JIXIAO_AUDIT_REKEY_BROKEN=true — then the problem is written into that event for good.

Works on the historical models of a migration and on the live ones (tests): rows are changed with plain
SQL, with the append-only triggers lifted for the moment.
"""

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from jixiao.audit import guard, keys
from jixiao.audit.models import GENESIS_HASH, LEGACY_FIELDS, canonical_text

COLUMNS = ("id", "hash", *LEGACY_FIELDS)


class RekeyRefused(Exception):
    """The unkeyed chain cannot be re-keyed as it is (message in Chinese, for the operator)."""


def rekey_legacy(event_model: type[Model], head_model: type[Model], connection) -> int:
    """Sign every unkeyed row with the current key; the number of rows re-keyed (0 when there were none)."""
    if not event_model.objects.filter(key_id="").exists():
        return 0
    rows = list(event_model.objects.order_by("pk").values_list(*COLUMNS))
    problem = legacy_problem(rows, head_model.objects.filter(pk=1).first())
    if problem and not settings.AUDIT_REKEY_BROKEN:
        raise RekeyRefused(
            f"现有审计日志（未加密钥的 SHA-256 哈希链，{len(rows)} 条）校验不通过：{problem}。"
            "请先查明原因；确需在此状态下改用密钥签名，设置 JIXIAO_AUDIT_REKEY_BROKEN=true 后重新运行 migrate，"
            "该问题将写入“审计日志改用密钥签名”事件。"
        )
    if not settings.AUDIT_KEY:
        raise RekeyRefused(f"未设置审计密钥 JIXIAO_AUDIT_KEY：现有 {len(rows)} 条审计记录须用密钥重新签名，请设置后重新运行 migrate。")
    key = keys.current()
    guard.remove(connection)
    try:
        head = _resign(rows, key, connection)
        head = _record(event_model, key, head, legacy={"count": len(rows), "last_hash": rows[-1][1],
                                                       "problem": problem or None})
        head_model.objects.update_or_create(pk=1, defaults={"last_hash": head, "count": len(rows) + 1})
    finally:
        guard.install(connection)
    return len(rows)


def legacy_problem(rows: list[tuple], head) -> str:
    """What is wrong with the unkeyed chain (rows as COLUMNS), in Chinese; "" when it verifies."""
    expected = GENESIS_HASH
    for pk, stored, *fields in rows:
        if fields[-1] != expected:
            return f"编号 {pk} 的记录的前一条哈希与上一条记录不符"
        if keys.legacy_hash(canonical_text(**dict(zip(LEGACY_FIELDS, fields, strict=True)))) != stored:
            return f"编号 {pk} 的记录内容与其哈希不符"
        expected = stored
    if head is None or head.count != len(rows) or head.last_hash != expected:
        return "链头登记的条数或最后哈希与记录不符（末尾有记录被删除、插入或替换）"
    return ""


def _resign(rows: list[tuple], key: keys.Key, connection) -> str:
    """Re-chain the rows under the key in id order; the new last hash."""
    previous, changes = GENESIS_HASH, []
    for pk, _, *fields in rows:
        values = dict(zip(LEGACY_FIELDS, fields, strict=True)) | {"key_id": key.id, "prev_hash": previous}
        mac = key.sign(canonical_text(**values))
        changes.append((key.id, previous, mac, pk))
        previous = mac
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE audit_event SET key_id = %s, prev_hash = %s, hash = %s WHERE id = %s", changes)
    return previous


def _record(event_model: type[Model], key: keys.Key, previous: str, legacy: dict) -> str:
    """Append the `audit.rekeyed` event after the re-keyed rows; its hash."""
    values = {
        "at": timezone.now(), "user_id": None, "username": "数据库迁移", "role": "", "unit_code": "",
        "code": "audit.rekeyed", "object_type": "", "object_id": "", "object_repr": "审计日志哈希链",
        "outcome": "success", "ip": None, "request_id": "",
        "before": {"scheme": "SHA-256", **legacy}, "after": {"scheme": "HMAC-SM3", "key_id": key.id},
        "key_id": key.id, "prev_hash": previous,
    }
    mac = key.sign(canonical_text(**values))
    event_model(**values, hash=mac).save()
    return mac
