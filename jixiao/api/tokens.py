"""API tokens (接口令牌): issue, authenticate, rate-limit and revoke.

A token reads `jx_<prefix>_<secret>`. The database keeps the prefix (to name the token in lists and logs) and the
SHA-256 of the whole token: the secret is random (256 bits), so a plain digest cannot be reversed and needs no
slow password hash. Each request with a known token is counted against its per-minute limit and, within it,
audited: `api.token_used`, or `api.token_refused` when the token is revoked, expired, orphaned or out of scope.
"""

import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jixiao.accounts.models import Membership
from jixiao.accounts.roles import SEPARATED_ROLES
from jixiao.api.models import ApiToken, Scope
from jixiao.audit import log
from jixiao.audit.models import Outcome
from jixiao.org.models import Unit

MAX_DAYS = 366
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_DAYS = 90


class TokenError(Exception):
    """A token cannot be made, or a presented one cannot be used: the message is for the caller, in Chinese."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # the whole token, shown once


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(text: str) -> list[str]:
    scopes = [s.strip().lower() for s in text.replace("，", ",").split(",") if s.strip()]
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes or unknown:
        raise TokenError(f"权限范围无效：{'、'.join(unknown) or '（空）'}。可选 read、write，以逗号分隔。", 400)
    return [s for s in Scope.values if s in scopes]


@transaction.atomic
def issue(*, user, scopes: list[str], name: str, by, membership: Membership | None = None,
          units: list[Unit] | None = None, days: int = DEFAULT_DAYS) -> Issued:
    """Make a token for `user` acting as `membership` (default: the user's first active membership)."""
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"有效期应为 1–{MAX_DAYS} 天。", 400)
    if not user.is_active:
        raise TokenError(f"账号“{user.get_username()}”已停用，不能为其创建令牌。", 400)
    options = list(Membership.objects.active().filter(user=user, unit__valid_to__isnull=True).select_related("unit"))
    if membership is None:
        membership = options[0] if options else None
    if membership is None or membership.pk not in {m.pk for m in options}:
        raise TokenError(f"账号“{user.get_username()}”没有可用的角色，不能创建令牌。", 400)
    if membership.role in SEPARATED_ROLES:
        raise TokenError("系统管理员、安全管理员、审计管理员的账号不能创建接口令牌。", 400)
    name = (name or "").strip()[:80] or f"{user.get_username()} 的接口令牌"
    prefix, now = secrets.token_hex(5), timezone.now()
    secret = f"jx_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=user, membership=membership, scopes=",".join(parse_scopes(",".join(scopes))),
        prefix=prefix, digest=digest_of(secret), created_by=by, created_at=now,
        expires_at=now + datetime.timedelta(days=days))
    if units:
        token.units.set(units)
    log.record("api.token_created", token, user=by, after={
        "name": token.name, "user": user.get_username(), "role": membership.role, "unit": membership.unit.code,
        "scopes": token.scopes, "units": [u.code for u in units or []], "expires_at": token.expires_at.isoformat()})
    return Issued(token, secret)


@transaction.atomic
def revoke(token: ApiToken, *, by) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by"])
        log.record("api.token_revoked", token, user=by, after={"name": token.name, "prefix": token.prefix})
    return token


def authenticate(secret: str, *, method: str, path: str) -> ApiToken:
    """The usable token that `secret` is, counted against its rate limit and audited; TokenError otherwise.

    Every presented token we know counts against its limit, usable or not: a system still calling with a revoked
    token is refused and audited (`api.token_refused`) at most API_RATE_PER_MINUTE times a minute, then answered
    429 without a row. An unknown secret writes nothing (it names no token, and anyone can send one)."""
    try:
        token = ApiToken.objects.select_related("user", "membership__unit").get(digest=digest_of(secret.strip()))
    except ApiToken.DoesNotExist:
        raise TokenError("接口令牌无效。") from None
    now = timezone.now()
    refusal = refusal_of(token, method, now)
    if _count(token, used_at=None if refusal else now) > settings.API_RATE_PER_MINUTE:
        raise TokenError(f"请求过于频繁：每个令牌每分钟最多 {settings.API_RATE_PER_MINUTE} 次，请稍后再试。", 429)
    where = {"prefix": token.prefix, "role": token.membership.role, "unit": token.membership.unit.code,
             "method": method, "path": path[:200]}
    if refusal is not None:
        log.record("api.token_refused", token, user=token.user, outcome=Outcome.DENIED,
                   after={"message": str(refusal), "status": refusal.status, **where})
        raise refusal
    log.record("api.token_used", token, user=token.user, after=where)
    return token


def refusal_of(token: ApiToken, method: str, now) -> TokenError | None:
    """Why `token` may not make a `method` request now (revoked, expired, its person or role gone, out of scope)."""
    if token.revoked_at is not None:
        return TokenError("接口令牌已被吊销。")
    if token.expires_at <= now:
        return TokenError("接口令牌已过期，请联系安全管理员重新签发。")
    membership = token.membership
    if not token.user.is_active or membership.revoked_at is not None or membership.unit.valid_to is not None:
        return TokenError("令牌所属账号或角色已停用。")
    needed = Scope.READ if method in READ_METHODS else Scope.WRITE
    if not token.allows(needed):
        return TokenError(f"该令牌没有“{Scope(needed).label}”权限。", 403)
    return None


def _count(token: ApiToken, *, used_at) -> int:
    """Count one request in the token's fixed one-minute window and return the window's count, in one statement.

    The counter lives in the token's row, so every app server shares it. UPDATE … RETURNING (SQLite ≥ 3.35,
    PostgreSQL) reads back the count this very statement wrote: an UPDATE and then a SELECT could read a count that
    concurrent requests had already raised, refusing a request that was within the limit. Django's `update()`
    returns no columns, hence the one raw statement here. `used_at` None leaves `last_used_at` alone (a refused
    request is counted but is no use)."""
    table, quote = ApiToken._meta.db_table, connection.ops.quote_name
    window = int(time.time()) // 60
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET window_count = CASE WHEN {quote('window')} = %s THEN window_count + 1 "  # noqa: S608
            f"ELSE 1 END, {quote('window')} = %s, last_used_at = COALESCE(%s, last_used_at) WHERE id = %s "
            "RETURNING window_count", [window, window, connection.ops.adapt_datetimefield_value(used_at), token.pk])
        return cursor.fetchone()[0]


def unit_ids(token: ApiToken) -> set[int] | None:
    """The units a token is limited to (each listed unit and everything below it), or None: no limit of its own.

    One query a level of the tree (a district's tree is three or four deep), not the whole tree each request."""
    found = set(token.units.values_list("id", flat=True))
    if not found:
        return None
    level = found
    while level:
        level = set(Unit.objects.filter(parent_id__in=level).values_list("id", flat=True)) - found
        found |= level
    return found
