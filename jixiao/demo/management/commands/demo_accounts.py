from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "打印示范账号。Print the demo accounts."

    def handle(self, *args, **options):
        self.stdout.write("示范账号：尚未创建")
