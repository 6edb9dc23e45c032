from django.core.management.base import BaseCommand
from django.utils import timezone

from jixiao.results import actions


class Command(BaseCommand):
    help = "Remind units of overdue rectification items (once per item per week; safe to run again)."

    def handle(self, *args, **options):
        sent = actions.remind_overdue(timezone.localdate())
        self.stdout.write(f"reminders sent: {sent}")
