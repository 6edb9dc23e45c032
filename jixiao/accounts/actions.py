"""State changes of users and memberships: atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.models import Membership, PasswordHistory, User
from jixiao.accounts.roles import SEPARATED_ROLES
from jixiao.audit import log


@transaction.atomic
def set_password(user: User, raw_password: str, *, by: User, forced_change: bool = False) -> None:
    """Set a password, remember the old hash, and force a change at next login when an admin set it."""
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = forced_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    code = "user.password_reset" if by.pk != user.pk else "user.password_changed"
    log.record(code, user, after={"must_change_password": forced_change})


@transaction.atomic
def grant_role(user: User, unit, role: str, *, by: User) -> Membership:
    """Give `user` a role in `unit`, keeping the three admin roles apart from every other role."""
    held = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    if role in SEPARATED_ROLES and held - {role}:
        raise ValidationError("系统、安全、审计管理员角色须由专人担任，该用户已有其他角色。")
    if held & SEPARATED_ROLES and role not in held:
        raise ValidationError("该用户已担任系统、安全或审计管理员，不能再授予其他角色。")
    if Membership.objects.active().filter(user=user, unit=unit, role=role).exists():
        raise ValidationError("该用户在此单位已有此角色。")
    membership = Membership.objects.create(user=user, unit=unit, role=role, granted_by=by)
    log.record("membership.granted", membership, after={"user": user.username, "unit": unit.code, "role": role})
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, by: User) -> None:
    if membership.revoked_at is not None:
        raise ValidationError("该授权已撤销。")
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    log.record(
        "membership.revoked",
        membership,
        before={"user": membership.user.username, "unit": membership.unit.code, "role": membership.role},
    )
