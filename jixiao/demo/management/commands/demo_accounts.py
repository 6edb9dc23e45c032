import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand

from jixiao.accounts.roles import Role
from jixiao.demo.accounts import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from jixiao.org.models import Unit

HEADER = ("用户名 Username", "密码 Password", "角色 Role", "单位 Unit")


class Command(BaseCommand):
    help = "打印示范账号（用户名、密码、角色、单位）。Print the demo accounts."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            self.stdout.write("当前不是示范模式，示范账号不可用。Not in demo mode: demo accounts are disabled.")
            return
        names = dict(Unit.objects.values_list("code", "name"))
        rows = [HEADER] + [account_row(acct, names) for acct in DEMO_ACCOUNTS]
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADER))]
        self.stdout.write("示范账号 Demo accounts（示范数据，仅供演示 synthetic, demo only）")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(
            "带 * 的角色需动态口令（TOTP）：示范模式下登录页直接显示当前口令；"
            f"密钥 {DEMO_TOTP_SECRET} 也可加入验证器应用。\n"
            "Roles marked * need a TOTP code: in demo mode the TOTP page shows it."
        )
        if not names:
            self.stdout.write("（尚未载入示范数据：运行 manage.py seed_demo）")


def account_row(acct, names: dict[str, str]) -> tuple[str, str, str, str]:
    roles = "；".join(f"{Role(role).label}{'*' if acct.needs_totp else ''} {role}" for role in acct.roles)
    units = "；".join(f"{names.get(code, code)} ({code})" for _, code in acct.memberships)
    if acct.note:
        units += f"（{acct.note}）"
    return acct.username, acct.password, roles, units


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
