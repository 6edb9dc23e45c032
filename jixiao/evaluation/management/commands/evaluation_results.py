"""`manage.py evaluation_results --cycle YEAR [--json]`: per-department satisfaction of a cycle's campaign."""

import json

from django.core.management.base import BaseCommand, CommandError

from jixiao.evaluation import campaign_results
from jixiao.evaluation.models import Campaign


class Command(BaseCommand):
    help = "输出某考核年度综合评议各单位满意度（加权）。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（供程序读取）")

    def handle(self, *args, **options):
        campaigns = list(Campaign.objects.satisfaction().filter(cycle__year=options["cycle"]).select_related("cycle"))
        if not campaigns:
            raise CommandError(f"{options['cycle']}年度没有评议活动。")
        outcome = [campaign_results.as_json(campaign_results.campaign_results(c)) for c in campaigns]
        if options["json"]:
            self.stdout.write(json.dumps(outcome[0] if len(outcome) == 1 else outcome, ensure_ascii=False))
            return
        for data in outcome:
            self.stdout.write(f"{data['campaign']}（{data['cycle']}年度，待审疑点答卷 {data['pending_review']} 份）")
            for d in data["departments"]:
                score = f"{d['score']:.2f}" if d["score"] is not None else "—"
                self.stdout.write(f"{d['rank'] or '-':>3}  {d['code']:<6} {d['name']:<16} {score:>7}  答卷 {d['raters']}")
