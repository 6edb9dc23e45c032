"""`manage.py verify_audit`: walk the keyed audit chain against the external anchors and name the first broken row.

Exit 0 when intact, 1 when the chain is broken, 2 when it cannot be checked (no key, damaged anchor file).
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.audit import anchors, log


class Command(BaseCommand):
    help = (
        "校验审计日志：逐条核对密钥签名（HMAC-SM3）、哈希链与外部锚点。完整时返回 0；"
        "发现篡改时返回 1 并指出首条异常记录；无法校验（未设置密钥、锚点文件损坏）时返回 2。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果（供程序读取）")
        parser.add_argument("--batch-size", type=int, default=2000, help="每批读取的记录条数")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 须为正整数。")
        if not settings.AUDIT_KEY:
            raise CommandError("未设置审计密钥 JIXIAO_AUDIT_KEY，无法校验审计日志。", returncode=2)
        try:
            verdict = log.verify_against_anchors(options["batch_size"])
        except anchors.AnchorFileError as error:
            raise CommandError(str(error), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(as_json(verdict), ensure_ascii=False))
        elif verdict.intact:
            self.stdout.write(self.style.SUCCESS(log.describe(verdict)))
            self.stdout.write(f"最后一条记录编号 {verdict.last_id or '-'}，链头哈希 {verdict.last_hash}")
            self.stdout.write(f"外部锚点文件：{anchors.path() or '未配置（JIXIAO_AUDIT_ANCHOR_FILE）'}")
        else:
            self.stderr.write(self.style.ERROR(log.describe(verdict)))
        if not verdict.intact:
            raise SystemExit(1)


def as_json(verdict: log.Verdict) -> dict:
    event = verdict.event
    return {
        "intact": verdict.intact,
        "checked": verdict.checked,
        "last_id": verdict.last_id,
        "last_hash": verdict.last_hash,
        "problem": verdict.problem or None,
        "reason": verdict.reason or None,
        "event": None if event is None else {
            "id": event.pk,
            "at": timezone.localtime(event.at).isoformat(),
            "code": event.code,
            "hash": event.hash,
            "prev_hash": event.prev_hash,
        },
        "anchors": verdict.anchor_count,
        "anchored": verdict.anchored,
        "anchor": None if verdict.anchor is None else vars(verdict.anchor),
        "message": log.describe(verdict),
        "seconds": round(verdict.seconds, 3),
    }
