"""Read the unit workbook and apply it: every row or none (docs/formats.md §1)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jixiao.lib.excel import WorkbookError
from jixiao.lib.uploads import record_refusal
from jixiao.org import actions, unitbook


class Command(BaseCommand):
    help = "从 Excel 文件（.xlsx）导入单位名册。文件有任何问题时列出全部问题并且不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="单位名册文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示将发生的变更，不写入")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            rows, plan = unitbook.read_plan(path, settings.UPLOAD_MAX_BYTES)
            if not options["dry_run"]:
                plan = actions.import_units(rows, by=None)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except WorkbookError as exc:
            record_refusal("unit.import_refused", None, user=None, error=exc, file_name=path)
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：{exc.summary()}，未写入任何数据。") from exc
        for change in plan.changes:
            if change.status != "unchanged" and options["verbosity"] > 1:
                diffs = "；".join(f"{t}：{a or '—'} → {b or '—'}" for t, a, b in change.diffs)
                self.stdout.write(f"第{change.row.row}行 {change.status_label} {change.row.code} {change.row.name} {diffs}")
        counts = plan.counts
        verb = "检查通过（未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(f"{verb}：新增 {counts['new']} 个，修改 {counts['changed']} 个，未变 {counts['unchanged']} 个。")
