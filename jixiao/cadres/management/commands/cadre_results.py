"""`manage.py cadre_results --cycle YEAR [--json]`: the cycle's team and cadre grades, as computed and calibrated.

Prints what the office computed on the 班子和干部考核 page (or with `--compute`, computes first): per team the
score and grade, per cadre the unit, post, score, computed and standing grade, and the reasons."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.cadres import actions
from jixiao.cadres.models import CadreAssessment, TeamAssessment
from jixiao.org.models import Cycle


def _num(value):
    return None if value is None else str(value)


def as_json(cycle) -> dict:
    teams = TeamAssessment.objects.filter(cycle=cycle).select_related("unit").order_by("unit__sort_order", "unit__code")
    cadres = (CadreAssessment.objects.filter(cycle=cycle).select_related("cadre", "unit")
              .order_by("unit__sort_order", "unit__code", "post", "cadre__tenure_from", "cadre_id"))
    return {
        "cycle": cycle.year,
        "teams": [{"unit": t.unit.code, "unit_name": t.unit.name, "performance": _num(t.performance_score),
                   "democratic": _num(t.democratic_score), "score": _num(t.score), "grade": t.grade,
                   "grade_label": t.get_grade_display(), "reasons": t.reasons} for t in teams],
        "cadres": [{"cadre": c.cadre_id, "name": c.cadre.name, "unit": c.unit.code, "unit_name": c.unit.name,
                    "post": c.post, "post_label": "主要领导" if c.post == "main" else "班子成员", "title": c.title,
                    "unit_score": _num(c.unit_score), "keytask_score": _num(c.keytask_score),
                    "democratic": _num(c.democratic_score), "score": _num(c.score),
                    "computed_grade": c.computed_grade, "grade": c.grade, "grade_label": c.get_grade_display(),
                    "calibration_reason": c.calibration_reason, "reasons": c.reasons} for c in cadres],
    }


class Command(BaseCommand):
    help = "输出某考核年度领导班子和领导干部的考核得分、等次及定等理由。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（供程序读取）")
        parser.add_argument("--compute", action="store_true", help="先按本年度考核依据重新计算（清除已有校准）")

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"没有 {options['cycle']} 考核年度。")
        if options["compute"]:
            try:
                actions.assess(cycle, by=None)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
        data = as_json(cycle)
        if not data["teams"]:
            raise CommandError(f"{cycle.year}年度尚未计算班子和干部考核结果（在“班子和干部考核”页面计算，或加 --compute）。")
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{cycle.year}年度领导班子考核（{len(data['teams'])} 个）")
        for t in data["teams"]:
            self.stdout.write(f"  {t['unit']:<8} {t['unit_name']:<14} {t['score'] or '—':>7}  {t['grade_label'] or '未定等次'}")
        self.stdout.write(f"{cycle.year}年度领导干部考核（{len(data['cadres'])} 名）")
        for c in data["cadres"]:
            self.stdout.write(f"  {c['unit_name']:<14} {c['name']:<6} {c['post_label']:<5} {c['score'] or '—':>7}  "
                              f"{c['grade_label'] or '未定等次'}  {'；'.join(c['reasons'])}")
