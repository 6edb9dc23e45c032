"""External anchors (外部锚点) of the audit chain: its head, appended daily to a file outside the database.

A database administrator can trim the tail of the chain and rewrite the chain head to match; what they
cannot rewrite is a line already written to this file (kept on the application host, or shipped to a log
server). `verify_audit` compares the chain with every anchor: the row at an anchored position must carry
the anchored hash, and the chain must be at least as long as the longest anchor.

One JSON object per line, each signed with the audit key it names, so a damaged or hand-made line is
told apart from a chain that disagrees with a good one. Format: docs/decisions/0004-audit-log.md.
"""

import datetime
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from jixiao.audit import keys

FIELDS = ("day", "at", "count", "last_id", "hash", "key_id")


class AnchorFileError(Exception):
    """The anchor file cannot be trusted as written (message in Chinese, for the operator)."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment: `count` rows, the last with id `last_id` and MAC `hash`."""

    day: str  # the local calendar day it was taken for (YYYY-MM-DD): one anchor per day
    at: str  # when, ISO 8601 in UTC
    count: int
    last_id: int | None
    hash: str
    key_id: str  # the key that signs this line

    def body(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def line(self, key: keys.Key) -> str:
        return json.dumps({**asdict(self), "mac": key.sign(self.body())}, ensure_ascii=False, sort_keys=True) + "\n"


def path() -> Path | None:
    """The configured anchor file; None when there is none (tests, or a deployment `check --deploy` warns about)."""
    return Path(settings.AUDIT_ANCHOR_FILE) if settings.AUDIT_ANCHOR_FILE else None


def read(file: Path | None = None) -> list[Anchor]:
    """Every anchor in the file, in order; none when the file does not exist yet."""
    file = file or path()
    if file is None:
        return []
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorFileError(f"外部锚点文件 {file} 无法读取：{error}") from None
    ring = keys.ring()
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(_parse(line, ring))
        except ValueError as problem:
            raise AnchorFileError(
                f"外部锚点文件 {file} 第 {number} 行已损坏：{problem}。请从备份或日志服务器上的副本恢复该文件。"
            ) from None
    _check_consistent(anchors, file)
    return anchors


def _parse(line: str, ring: dict[str, keys.Key]) -> Anchor:
    try:
        data = json.loads(line)
        anchor = Anchor(**{name: data[name] for name in FIELDS})
        mac = data["mac"]
    except (ValueError, KeyError, TypeError):
        raise ValueError("不是完整的锚点记录（内容缺失或格式错误）") from None
    if not isinstance(anchor.count, int) or anchor.count < 0 or not isinstance(mac, str):
        raise ValueError("条数或签名格式错误")
    key = ring.get(anchor.key_id)
    if key is None:
        raise ValueError(f"所署密钥编号 {anchor.key_id} 不在已配置的密钥中")
    if not hmac.compare_digest(key.sign(anchor.body()), mac):
        raise ValueError("内容与签名不符（被改动或截断）")
    return anchor


def _check_consistent(anchors: list[Anchor], file: Path) -> None:
    seen: dict[int, Anchor] = {}
    for anchor in anchors:
        earlier = seen.setdefault(anchor.count, anchor)
        if earlier.hash != anchor.hash:
            raise AnchorFileError(
                f"外部锚点文件 {file} 自相矛盾：{earlier.day} 与 {anchor.day} 对第 {anchor.count} 条记录登记了不同的哈希。"
            )


def by_position(anchors: list[Anchor]) -> dict[int, Anchor]:
    """The anchors that pin a row, by its position in the chain (1 = first row)."""
    return {anchor.count: anchor for anchor in anchors if anchor.count}


def append(anchor: Anchor, file: Path | None = None) -> None:
    """Add one line and force it to disk: an anchor that a crash can lose protects nothing."""
    file = file or path()
    if file is None:
        raise AnchorFileError("未配置外部锚点文件（JIXIAO_AUDIT_ANCHOR_FILE）。")
    data = anchor.line(keys.lookup(anchor.key_id)).encode("utf-8")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise AnchorFileError(f"外部锚点文件 {file} 无法写入：{error.strerror or error}。") from None


def make(day: datetime.date, count: int, last_id: int | None, last_hash: str) -> Anchor:
    at = timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds")
    return Anchor(day=day.isoformat(), at=at, count=count, last_id=last_id, hash=last_hash, key_id=keys.current().id)
