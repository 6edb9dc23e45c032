"""manage.py keywork_warnings --cycle YEAR --period CODE: flag lagging and stalled tasks at a period's end.

Safe to run again: a task is warned once per period. Run it from cron or the task worker after each quarter.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.audit import context
from jixiao.keywork import actions, periods
from jixiao.org.models import Cycle


class Command(BaseCommand):
    help = "为滞后、停滞的重点工作生成预警（连续两期滞后升级至责任区领导）"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True)
        parser.add_argument("--period", required=True, help="Q1、Q2、Q3 或 Q4")

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"没有 {options['cycle']} 考核年度。")
        code = options["period"].upper()
        if code not in periods.QUARTERS:
            raise CommandError("期次无效，应为 Q1、Q2、Q3 或 Q4。")
        if timezone.localdate() <= periods.period_end(cycle.year, code):
            raise CommandError(f"{cycle.year}年{periods.label(code)}尚未结束。")
        token = context.bind(context.Actor(username="keywork_warnings", request_id=context.new_request_id()))
        try:
            created = actions.raise_warnings(cycle, code)
        finally:
            context.reset(token)
        self.stdout.write(f"新生成预警 {len(created)} 条，其中升级 {sum(w.level == 2 for w in created)} 条。")
