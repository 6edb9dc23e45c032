"""Send deadline and lateness reminders (站内信 and e-mail); each unit gets each reminder once."""

from django.core.management.base import BaseCommand

from jixiao.reporting import reminders


class Command(BaseCommand):
    help = "发送报送提醒：截止前 3 天内提醒未报送单位，逾期后提醒未报送单位及其审核人（可重复运行，不会重复发送）。"

    def handle(self, *args, **options):
        sent = reminders.send_reminders()
        self.stdout.write(f"已发送 {sent} 条提醒。")
