"""`manage.py export_results --cycle YEAR --format xlsx|json [FILE]`: the standing result of every scheme."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.indicators.models import Scheme
from jixiao.scoring import export
from jixiao.scoring.queries import current_run


class Command(BaseCommand):
    help = "导出某考核年度的考核结果（已发布结果优先，其次最终结果、初步结果）。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument("--format", choices=["xlsx", "json"], required=True, help="导出格式")
        parser.add_argument("file", nargs="?", help="输出文件（json 可省略，输出到屏幕）")

    def handle(self, *args, **options):
        schemes = Scheme.objects.filter(cycle__year=options["cycle"]).order_by("code")
        runs = [run for run in (current_run(s) for s in schemes) if run is not None]
        if not runs:
            raise CommandError(f"{options['cycle']}年度尚无考核结果，请先运行 compute_scores")
        target = options["file"]
        if options["format"] == "xlsx":
            if not target:
                raise CommandError("导出 Excel 必须指定输出文件")
            data = export.workbook(runs)
        else:
            data = json.dumps(export.as_json(runs), ensure_ascii=False, indent=1).encode()
        if target:
            path = Path(target)
            if not path.parent.exists():
                raise CommandError(f"目录“{path.parent}”不存在")
            path.write_bytes(data)
            self.stdout.write(f"已导出 {sum(r.unit_count for r in runs)} 个单位的结果到 {path}")
        else:
            self.stdout.write(data.decode())
