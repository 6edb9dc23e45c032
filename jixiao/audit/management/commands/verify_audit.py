"""`manage.py verify_audit`: walk the audit hash chain and name the first broken row."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.audit import log


class Command(BaseCommand):
    help = "校验审计日志哈希链：完整时返回 0，发现篡改时返回非 0 并指出首条异常记录。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果（供程序读取）")
        parser.add_argument("--batch-size", type=int, default=2000, help="每批读取的记录条数")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 须为正整数。")
        verdict = log.verify_chain(options["batch_size"])
        log.save_check(verdict)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(verdict), ensure_ascii=False))
        elif verdict.intact:
            self.stdout.write(self.style.SUCCESS(log.describe(verdict)))
            self.stdout.write(f"最后一条记录编号 {verdict.last_id or '-'}，链头哈希 {verdict.last_hash}")
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
        "message": log.describe(verdict),
        "seconds": round(verdict.seconds, 3),
    }
