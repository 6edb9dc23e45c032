"""Write a pre-filled value template of one period for a unit or an assessor unit (docs/formats.md)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.lib.excel import WorkbookError
from jixiao.org.models import Unit
from jixiao.reporting import imports


class Command(BaseCommand):
    help = "导出某报送期的数值填报模板（单位模板或考核责任单位直报模板）。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2026")
        parser.add_argument("--period", required=True, help="报送期代码：M01–M12、Q1–Q4、H1、H2、Y")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit", help="被考核单位编码")
        who.add_argument("--assessor", help="考核责任单位编码")
        parser.add_argument("file", help="输出文件路径（.xlsx）")

    def handle(self, *args, **options):
        try:
            period = imports.cycle_period(options["cycle"], options["period"].upper())
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        code = options["unit"] or options["assessor"]
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"单位编码“{code}”不存在。")
        if options["assessor"] and not unit.is_assessor:
            raise CommandError(f"“{unit.name}”不是考核责任单位。")
        kwargs = {"assessor": unit} if options["assessor"] else {"unit": unit}
        try:
            rows = imports.export_template(options["file"], period, **kwargs)
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc}") from exc
        self.stdout.write(f"已导出 {period} {unit.name} 的模板：{rows} 行 → {options['file']}")
