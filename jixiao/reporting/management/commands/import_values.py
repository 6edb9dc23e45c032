"""Import a filled value template: every row or none (docs/formats.md)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.accounts.models import User
from jixiao.lib.excel import WorkbookError
from jixiao.reporting import actions, imports, tasks


class Command(BaseCommand):
    help = "导入填好的数值模板。文件有任何问题时列出全部问题并且不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="模板文件路径（.xlsx）")
        parser.add_argument("--user", help="记为该用户的操作（用户名）；不填则记为命令行操作")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在。")
        path = options["file"]
        try:
            summary = tasks.import_in_own_process(path, by=user)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except WorkbookError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            actions.refusal("values.import_refused", None, user, str(exc.errors[0]), file=str(path)[-100:],
                            problems=exc.total)
            raise CommandError(f"导入失败：{exc.summary()}，未写入任何数据。") from exc
        self.stdout.write(f"{imports.describe(summary)}（{summary['units']} 个单位）")
