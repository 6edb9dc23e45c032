"""Read a scheme workbook and apply it: every row or none (docs/formats.md §2)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.indicators import actions, schemeplan
from jixiao.lib.excel import WorkbookError
from jixiao.lib.uploads import record_refusal


class Command(BaseCommand):
    help = "从 Excel 工作簿导入考核方案与目标值。文件有任何问题时列出全部问题（工作表, 行, 列: 问题）并且不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="考核方案工作簿路径（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将发生的变更，不写入")
        parser.add_argument("--reason", default="", help="修改已锁定方案时必填的修改理由（记入审计日志）")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if options["dry_run"]:
                _book, plan = schemeplan.read(path, settings.UPLOAD_MAX_BYTES)
            else:
                plan = actions.import_scheme_file(path, settings.UPLOAD_MAX_BYTES, by=None, reason=options["reason"],
                                                  file_name=path)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except WorkbookError as exc:
            record_refusal("scheme.import_refused", None, user=None, error=exc, file_name=path)
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：{exc.summary()}，未写入任何数据。") from exc
        except ValidationError as exc:
            raise CommandError(f"导入失败：{'；'.join(exc.messages)}。未写入任何数据。") from exc
        if options["verbosity"] > 1:
            for op in plan.changes:
                diffs = "；".join(f"{t}：{a or '—'} → {b or '—'}" for t, a, b in op.diffs)
                self.stdout.write(f"{op.sheet} 第{op.row['row']}行 {op.status_label} {op.key} {diffs}")
        totals = plan.totals
        verb = "检查通过（未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(f"{verb}：新增 {totals['new']} 行，修改 {totals['changed']} 行，未变 {totals['unchanged']} 行。")
