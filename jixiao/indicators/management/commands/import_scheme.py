"""Read a scheme workbook and apply it: every row or none (docs/formats.md §2)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.indicators import schemeimport, schemeplan
from jixiao.lib.excel import WorkbookError
from jixiao.lib.rows import gc_paused
from jixiao.lib.uploads import record_refusal


def import_in_own_process(path, *, dry_run: bool = False, reason: str = ""):
    """Read and plan the workbook at `path` and, unless `dry_run`, apply it (`schemeimport.import_scheme_file`), with
    the cyclic garbage collector paused (`rows.gc_paused`): this command's process runs nothing else meanwhile.
    Never in a server thread: the pause is process-wide and would hold for every request served meanwhile; the
    pages (book_views) import without it. Same rule as the value import's `reporting.tasks.import_in_own_process`.

    The import keeps ≈10,000 rows of cells, dicts and Decimals alive, and every allocation burst sets off
    collections that walk them and free nothing. Measured (bench/import_scheme.py, demo workbook grown to 9,065
    targets, 7,560 new; CPU, both ways alternated in one process with calamine alone, seven runs each, machine
    under load, 2026-12-07): 0.318 s without the pause, 0.275 s with it (calamine's read 0.081 s: ×3.93 against
    ×3.40); in a second run 0.441 s against 0.321 s (calamine 0.120 s: ×3.68 against ×2.68). Re-importing the
    same file unchanged gains less (×2.83 → ×2.43, ×2.22 → ×2.14); see docs/decisions/0005-indicators-schemes.md."""
    with gc_paused():
        if dry_run:
            return schemeplan.read(path, settings.UPLOAD_MAX_BYTES)[1]
        return schemeimport.import_scheme_file(path, settings.UPLOAD_MAX_BYTES, by=None, reason=reason, file_name=path)


class Command(BaseCommand):
    help = "从 Excel 工作簿导入考核方案与目标值。文件有任何问题时列出全部问题（工作表, 行, 列: 问题）并且不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="考核方案工作簿路径（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将发生的变更，不写入")
        parser.add_argument("--reason", default="", help="修改已锁定方案时必填的修改理由（记入审计日志）")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            plan = import_in_own_process(path, dry_run=options["dry_run"], reason=options["reason"])
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
