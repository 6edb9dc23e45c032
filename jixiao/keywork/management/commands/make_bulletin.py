"""manage.py make_bulletin --cycle YEAR --period CODE FILE [--publish] [--date YYYY-MM-DD]

Writes the key-work bulletin of a period as .docx (GB/T 9704). Without --publish the file is a draft numbered
with the next free sequence and nothing is stored; with --publish the bulletin is also archived (numbered,
stored, listed on the bulletins page, audited). On any error: a Chinese message, exit status 1, no file.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.audit import context
from jixiao.keywork import actions, bulletins, periods
from jixiao.org.models import Cycle


class Command(BaseCommand):
    help = "生成重点工作推进情况通报（.docx，GB/T 9704 版式）"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2026")
        parser.add_argument("--period", required=True, help="期次：Q1、Q2、Q3、Q4 或 Y")
        parser.add_argument("file", help="输出的 .docx 文件")
        parser.add_argument("--publish", action="store_true", help="同时发布并归档（编号、存档、列入通报列表）")
        parser.add_argument("--date", help="成文日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"没有 {options['cycle']} 考核年度。")
        code = options["period"].upper()
        if not periods.is_valid(code):
            raise CommandError("期次无效，应为 Q1、Q2、Q3、Q4 或 Y。")
        issued_on = self._date(options["date"])
        target = Path(options["file"])
        if not target.parent.exists():
            raise CommandError(f"目录不存在：{target.parent}")
        if options["publish"]:
            data = self._publish(cycle, code, issued_on)
        else:
            if issued_on <= periods.period_end(cycle.year, code):
                raise CommandError(f"{cycle.year}年{periods.label(code)}尚未结束，不能通报。")
            number = bulletins.number_for(cycle, actions.next_sequence(cycle))
            data = bulletins.render(bulletins.collect(cycle, code), doc_number=number, issued_on=issued_on)
        target.write_bytes(data)
        self.stdout.write(f"已生成通报：{target}（{len(data) // 1024} KB）")

    def _publish(self, cycle, code, issued_on) -> bytes:
        token = context.bind(context.Actor(username="make_bulletin", request_id=context.new_request_id()))
        try:
            bulletin = actions.publish_bulletin(cycle, code, by=None, issued_on=issued_on)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        finally:
            context.reset(token)
        with bulletin.file.open("rb") as handle:
            return handle.read()

    @staticmethod
    def _date(value) -> datetime.date:
        if not value:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"日期无效：{value}，应为 YYYY-MM-DD。") from None
