"""`manage.py import_stats FILE --user USERNAME [--format nbs|workbook] [--dry-run] [--strategy …] [--source nbs]
[--unit CODE] [--region REG=CODE …] [--json]`: import a statistics bureau's file through the mapping table and the
bulk path, all or nothing (docs/api_stats.md). `import_stats FILE --template` writes the blank bureau workbook."""

import json

from django.core.management.base import BaseCommand, CommandError

from jixiao.accounts.models import User
from jixiao.api.connectors import importer, workbook
from jixiao.api.connectors.records import E_FILE, FileProblem, ImportRefused, conflict
from jixiao.lib import refusals
from jixiao.lib.excel import WorkbookError


class Command(BaseCommand):
    help = "导入统计局数据文件（国家统计局数据查询 JSON 或区统计局数据表），经统计指标对照表换算后批量写入。有任何问题时列出全部问题并且不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="数据文件路径（.json 或 .xlsx）；与 --template 一起时为要生成的模板路径")
        parser.add_argument("--user", help="以该账号的身份导入（用户名），须有写入这些数值的权限")
        parser.add_argument("--format", choices=sorted(importer.FORMATS), help="nbs（国家统计局 JSON）或 workbook"
                                                                              "（区统计局数据表）；默认按扩展名判断")
        parser.add_argument("--dry-run", action="store_true", help="只检查并显示将发生的变更，不写入")
        parser.add_argument("--strategy", choices=importer.STRATEGIES, default="create_and_update",
                            help="导入策略，默认 create_and_update")
        parser.add_argument("--source", default="nbs", help="统计指标对照表中的数据来源，默认 nbs")
        parser.add_argument("--unit", default="", help="文件只涉及一个单位时，这些数据所属的本平台单位编码")
        parser.add_argument("--region", action="append", default=[], metavar="REG=CODE",
                            help="统计地区代码对应的本平台单位编码，可多次给出")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出导入结果")
        parser.add_argument("--template", action="store_true", help="生成空白的区统计局数据表模板到 FILE")

    def handle(self, *args, **options):
        path = options["file"]
        if options["template"]:
            workbook.write_template(path)
            self.stdout.write(f"已生成统计数据模板：{path}")
            return
        user = _user(options["user"])
        fmt = options["format"] or importer.format_of(path)
        try:
            summary = importer.run(importer.read(path), format=fmt, user=user, strategy=options["strategy"],
                                   dry_run=options["dry_run"], source=options["source"].strip().lower(),
                                   unit=options["unit"].strip(), regions=_regions(options["region"]))
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except (FileProblem, WorkbookError, ImportRefused) as exc:
            self._refused(exc, user, path, options["json"])
        self._report(summary, user, path, options["json"])

    def _report(self, summary: dict, user, path: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, default=str))
        else:
            for item in summary.get("conflicts", []):
                self.stderr.write(f"[{item.get('code', '')}] {item.get('message', '')}")
        if summary.get("status") == "ERROR":
            own = [c for c in summary.get("conflicts", []) if c.get("code", "").startswith("E_STATS_")]
            if own and not summary.get("dryRun"):  # the bulk path records the refusals it makes itself
                refusals.record("api.stats_import_refused", None, own[0]["message"], user=user,
                                file=str(path)[-100:], problems=summary.get("conflictCount", len(own)))
            raise CommandError(importer.describe(summary))
        if not as_json:
            self.stdout.write(importer.describe(summary))

    def _refused(self, exc, user, path: str, as_json: bool):
        errors = [str(e) for e in exc.errors] if isinstance(exc, WorkbookError) else [str(exc)]
        refusals.record("api.stats_import_refused", None, errors[0], user=user, file=str(path)[-100:],
                        problems=len(errors))
        if as_json:
            items = [conflict(0, "file", E_FILE, "", message) for message in errors]
            self.stdout.write(json.dumps({"status": "ERROR", "conflicts": items}, ensure_ascii=False))
        else:
            for message in errors:
                self.stderr.write(message)
        raise CommandError(f"无法导入：{errors[0] if len(errors) == 1 else f'共 {len(errors)} 处问题'}，未写入任何数据。")


def _user(username: str | None) -> User:
    if not username:
        raise CommandError("请用 --user 指定以哪个账号的身份导入。")
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在。")
    if not user.is_active:
        raise CommandError(f"账号“{user.username}”已停用，不能导入。")
    return user


def _regions(pairs: list[str]) -> dict[str, str]:
    regions = {}
    for pair in pairs:
        for item in pair.replace("，", ",").split(","):
            region, sep, code = item.partition("=")
            if not sep or not region.strip() or not code.strip():
                raise CommandError(f"--region 应写作 地区代码=单位编码，例如 110105=S01（收到“{item[:40]}”）。")
            regions[region.strip()] = code.strip()
    return regions
