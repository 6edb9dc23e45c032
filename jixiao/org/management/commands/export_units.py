"""Write the unit workbook (单位名册, docs/formats.md §1)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.org import examples, unitbook
from jixiao.org.models import Unit


class Command(BaseCommand):
    help = "导出单位名册到 Excel 文件（.xlsx）。--example 写出文档所附的示例文件（不读数据库）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件路径，例如 units.xlsx")
        parser.add_argument("--example", action="store_true", help="写出示例单位名册，而不是数据库中的单位")

    def handle(self, *args, **options):
        units = examples.units() if options["example"] else list(Unit.objects.all())
        try:
            unitbook.write(options["file"], units)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {options['file']}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已导出 {len(units)} 个单位到 {options['file']}")
