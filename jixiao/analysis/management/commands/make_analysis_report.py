"""`python manage.py make_analysis_report --cycle YEAR (--half 1|2 | --quarter 1-4) [--unit CODE] PATH`.

--half writes the half-year analysis report (半年绩效状况分析报告), --quarter the quarterly key-project evaluation
report (重点项目季度评价报告): the district's, or one unit's with --unit, as a .docx at PATH, with the generated
存在问题/改进建议 text (the office edits them on the page before issuing). A PATH ending in .pdf writes the PDF
instead (WeasyPrint). Nothing is written to the database.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jixiao.analysis import report_actions
from jixiao.org.models import Cycle, Unit


class Command(BaseCommand):
    help = "生成半年绩效状况分析报告或重点项目季度评价报告（.docx 或 .pdf）：全区，或用 --unit 指定单位"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2026")
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--half", type=int, choices=[1, 2], help="半年分析报告：1 上半年，2 下半年")
        period.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="重点项目季度评价报告：季度 1–4")
        parser.add_argument("--unit", default="", help="单位编码（默认：全区报告）")
        parser.add_argument("path", help="写入的文件路径：.docx，或 .pdf 写 PDF")

    def handle(self, *args, cycle, half, quarter, unit, path, **options):
        found = Cycle.objects.filter(year=cycle).first()
        if found is None:
            raise CommandError(f"没有 {cycle} 考核年度")
        target = None
        if unit:
            units = report_actions.quarter_units(found) if quarter else report_actions.report_units(found)
            target = units.filter(code=unit).first()
            if target is None:
                exists = Unit.objects.filter(code=unit).exists()
                what = "未牵头重点工作和重大项目" if quarter else "没有指标或重点工作"
                raise CommandError(f"单位 {unit} 在 {cycle} 年度{what}" if exists else f"没有编码为 {unit} 的单位")
        out = Path(path)
        if not out.parent.is_dir():
            raise CommandError(f"目录不存在：{out.parent}")
        try:
            data = report_actions.build_file(found, half, target, pdf=out.suffix.lower() == ".pdf", quarter=quarter)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        if data is None:
            raise CommandError("本机缺少 PDF 排版组件（WeasyPrint 与 pango，见 make system-deps），无法生成 PDF；请改写 .docx 路径")
        out.write_bytes(data)
        self.stdout.write(f"已写入 {out}")
