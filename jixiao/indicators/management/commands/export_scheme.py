"""Write a cycle's scheme workbook (docs/formats.md §2)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.indicators import schemebook
from jixiao.org.models import Cycle


class Command(BaseCommand):
    help = "把某一年度的考核方案、指标、加减分、一票否决、等次、目标值、节点目标和目标分解导出为一个 Excel 工作簿。"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2026")
        parser.add_argument("file", help="输出文件路径（.xlsx）")

    def handle(self, *args, **options):
        cycle = Cycle.objects.filter(year=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"没有{options['cycle']}年度。")
        try:
            schemebook.write(options["file"], cycle)
        except OSError as exc:
            raise CommandError(f"无法写入文件：{options['file']}（{exc.strerror}）") from exc
        self.stdout.write(f"已导出{cycle.year}年度考核方案工作簿：{options['file']}")
