"""Lock the verified submissions of periods whose verification deadline has passed (run daily)."""

from django.core.management.base import BaseCommand

from jixiao.reporting import actions


class Command(BaseCommand):
    help = "锁定核定截止日期已过的已核定报件（每日运行，可重复运行）。"

    def handle(self, *args, **options):
        count = actions.lock_due_submissions()
        self.stdout.write(f"已锁定 {count} 份报件。")
