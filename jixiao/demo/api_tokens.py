"""Demo API tokens (接口令牌, 示范数据): one in use, one revoked and one expired, for the security admin's page.

No demo token can be used: a token is found by the SHA-256 of what a caller presents, and each demo row's digest
holds letters no hexadecimal digest has, so no secret matches it. Bulk-created like the other steps (no audit events).
"""

import datetime

from django.utils import timezone

from jixiao.accounts.models import Membership, User
from jixiao.api.models import ApiToken, Scope
from jixiao.org.models import Unit

# (name, username, scopes, unit codes, days since issued, days valid, days since revoked or None, days since used)
TOKENS = [
    ("区统计局数据对接", "assessor", [Scope.READ, Scope.WRITE], [], 40, 365, None, 0),
    ("旧版统计报表系统", "assessor", [Scope.READ], [], 200, 366, 30, 31),
    ("华明街道台账系统试点", "street_reporter", [Scope.READ], ["S01"], 120, 90, None, 35),
]


def unusable_digest(prefix: str) -> str:
    """A stored digest that no presented secret can have: 'demo' and 'x' are not hexadecimal digits."""
    return f"demo{prefix}".ljust(64, "x")


def build(rng) -> str:
    now = timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in={"secadmin", *(t[1] for t in TOKENS)})}
    memberships = {m.user_id: m for m in Membership.objects.filter(user__in=users.values()).order_by("-id")}
    made = []
    for name, username, scopes, _codes, issued, valid, revoked, used in TOKENS:
        prefix = f"{rng.getrandbits(40):010x}"
        created = now - datetime.timedelta(days=issued, hours=rng.randint(1, 8))
        made.append(ApiToken(
            name=name, user=users[username], membership=memberships[users[username].pk], scopes=",".join(scopes),
            prefix=prefix, digest=unusable_digest(prefix), created_at=created, created_by=users["secadmin"],
            expires_at=created + datetime.timedelta(days=valid),
            revoked_at=now - datetime.timedelta(days=revoked) if revoked is not None else None,
            revoked_by=users["secadmin"] if revoked is not None else None,
            last_used_at=now - datetime.timedelta(days=used, minutes=rng.randint(5, 600))))
    ApiToken.objects.bulk_create(made)
    for token, (_name, _user, _scopes, codes, *_days) in zip(made, TOKENS, strict=True):
        token.units.set(Unit.objects.filter(code__in=codes))
    return f"接口令牌 {len(made)} 个（有效、已吊销、已过期各一，均不可实际使用）"
