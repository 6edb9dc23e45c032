"""`manage.py compute_scores --cycle YEAR [--scheme CODE] [--stage preliminary|final]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.indicators.models import Scheme
from jixiao.scoring import actions
from jixiao.scoring.models import Stage


class Command(BaseCommand):
    help = "计算某考核年度各方案的考核结果并保存快照。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument("--scheme", help="方案编码（默认本年度全部方案）")
        parser.add_argument("--stage", default=Stage.PRELIMINARY, help="preliminary（初步结果）或 final（最终结果）")

    def handle(self, *args, **options):
        if options["stage"] not in Stage.values:
            raise CommandError(f"阶段“{options['stage']}”无效，应为 preliminary 或 final")
        schemes = Scheme.objects.filter(cycle__year=options["cycle"]).select_related("cycle").order_by("code")
        if options["scheme"]:
            schemes = schemes.filter(code=options["scheme"])
        schemes = list(schemes)
        if not schemes:
            raise CommandError(f"{options['cycle']}年度没有{'方案' + options['scheme'] if options['scheme'] else '考核方案'}")
        try:
            runs = [actions.compute(s, options["stage"], by=None) for s in schemes]
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        for run in runs:
            self.stdout.write(f"{run.scheme.code} {run.scheme.name}：{run.get_stage_display()} #{run.pk}，"
                              f"{run.unit_count} 个单位，摘要 {run.digest[:12]}")
            for warning in run.warnings:
                self.stdout.write(f"  提示：{warning}")
