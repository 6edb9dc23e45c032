from django.core.management.base import BaseCommand, CommandError

from jixiao.demo import build


class Command(BaseCommand):
    help = "载入示范区（合成数据）。Load the synthetic demo district, deterministically."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="只在数据库中尚无单位时载入")
        parser.add_argument("--reset", action="store_true", help="清空后重新载入（仅示范模式）")
        parser.add_argument("--only", default="", help="只载入这些步骤（逗号分隔，如 org,accounts），用于测试")

    def handle(self, *args, if_empty=False, reset=False, only="", **options):
        from django.conf import settings

        if not settings.DEMO_MODE:
            raise CommandError("示范数据只能在示范模式下载入（设置 JIXIAO_DEMO_MODE=true）。")
        if if_empty and build.already_loaded():
            self.stdout.write("示范数据已存在，跳过载入。")
            return
        if build.already_loaded() and not reset:
            raise CommandError("数据库中已有数据。使用 --if-empty 跳过，或 --reset 清空后重载。")
        steps = [name.strip() for name in only.split(",") if name.strip()] or None
        try:
            summary = build.load(reset=reset, stdout=self.stdout, only=steps)
        except ValueError as error:
            raise CommandError(f"未知的示范数据步骤：{error}") from error
        self.stdout.write(self.style.SUCCESS(f"示范数据载入完成：{summary}"))
