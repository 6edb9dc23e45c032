"""`manage.py create_api_token --user USERNAME --scope SCOPE[,SCOPE] [--units CODE,…] [--days N] [--name NAME]
[--role ROLE --unit CODE]`: issue an API token for another system and print it once (docs/api.md)."""

from django.core.management.base import BaseCommand, CommandError

from jixiao.accounts.models import Membership, User
from jixiao.api import tokens
from jixiao.org.models import Unit


class Command(BaseCommand):
    help = "为对接系统签发接口令牌（只显示一次，系统中只保存其摘要）。"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="令牌所属账号的用户名")
        parser.add_argument("--scope", required=True, help="权限范围：read、write，以逗号分隔")
        parser.add_argument("--units", default="", help="限定的单位编码（含其下级），以逗号分隔；不填则为该角色可见的全部单位")
        parser.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS, help="有效天数，默认 90 天")
        parser.add_argument("--name", default="", help="令牌名称，例如“统计局数据对接”")
        parser.add_argument("--role", default="", help="账号有多个角色时，令牌代表的角色（如 assessor）")
        parser.add_argument("--unit", default="", help="与 --role 一起指定该角色所在单位的编码")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"账号“{options['user']}”不存在。")
        membership = None
        if options["role"]:
            found = Membership.objects.active().filter(user=user, role=options["role"])
            if options["unit"]:
                found = found.filter(unit__code=options["unit"])
            membership = found.first()
            if membership is None:
                raise CommandError(f"账号“{user.username}”没有角色“{options['role']}”{options['unit']}。")
        codes = [c.strip() for c in options["units"].replace("，", ",").split(",") if c.strip()]
        units = list(Unit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {u.code for u in units})
        if missing:
            raise CommandError(f"单位编码不存在：{'、'.join(missing)}")
        try:
            issued = tokens.issue(user=user, scopes=tokens.parse_scopes(options["scope"]), name=options["name"],
                                  by=None, membership=membership, units=units, days=options["days"])
        except tokens.TokenError as error:
            raise CommandError(str(error)) from None
        token = issued.token
        self.stderr.write(f"已签发令牌“{token.name}”：代表 {user.username}（{token.membership.get_role_display()}，"
                          f"{token.membership.unit.name}），权限 {token.scopes}，到期 {token.expires_at:%Y-%m-%d %H:%M}。"
                          "令牌只显示这一次，请妥善保存：")
        self.stdout.write(issued.secret)
