"""`manage.py stats_mapping --export FILE | --import FILE [--replace] [--user USERNAME] | --list`: keep the
statistics bureau's mapping table (统计指标对照表) as a workbook, one row per indicator (docs/api_stats.md)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.accounts.models import User
from jixiao.api.connectors import mapping
from jixiao.api.models import StatsMapping
from jixiao.lib.excel import WorkbookError
from jixiao.lib.uploads import record_refusal


class Command(BaseCommand):
    help = "导出或导入统计指标对照表（统计局指标编码 → 本平台指标、换算系数）。"

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", metavar="FILE", help="导出对照表（含尚未对照的指标）到 .xlsx")
        action.add_argument("--import", dest="import_file", metavar="FILE", help="从 .xlsx 导入对照表")
        action.add_argument("--list", action="store_true", help="列出对照表")
        parser.add_argument("--replace", action="store_true", help="导入时删除文件中各来源已不再列出的对照")
        parser.add_argument("--user", help="记为该用户的操作（用户名）；不填则记为命令行操作")

    def handle(self, *args, **options):
        if options["export"]:
            count = mapping.export_workbook(options["export"])
            self.stdout.write(f"已导出统计指标对照表：{options['export']}（{count} 行）")
        elif options["list"]:
            for m in StatsMapping.objects.select_related("indicator").order_by("source", "source_code"):
                self.stdout.write(f"{m.source}:{m.source_code} → {m.indicator.code} {m.indicator.name} "
                                  f"×{m.factor.normalize():f} {m.note}".rstrip())
        else:
            self._import(options["import_file"], _user(options["user"]), options["replace"])

    def _import(self, path: str, user, replace: bool) -> None:
        try:
            rows = mapping.read_workbook(path)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except WorkbookError as exc:
            record_refusal("api.stats_mapping_refused", None, user=user, error=exc, file_name=path)
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：{exc.summary()}，未写入任何数据。") from exc
        counts = mapping.save(rows, by=user, replace=replace)
        self.stdout.write(f"导入完成：新增 {counts['created']} 条，修改 {counts['changed']} 条，未变 "
                          f"{counts['unchanged']} 条，删除 {counts['deleted']} 条。")


def _user(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在。")
    return user
