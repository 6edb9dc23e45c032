"""State changes of users and memberships: atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.accounts import lockout
from jixiao.accounts.models import Membership, PasswordHistory, User
from jixiao.accounts.roles import SEPARATED_ROLES, Role
from jixiao.audit import log


def _not_self(user: User, by: User, message: str) -> None:
    """Maker-checker: an administrator does not act on their own account."""
    if user.pk == by.pk:
        raise ValidationError(message)


@transaction.atomic
def create_user(*, username: str, full_name: str, phone: str, password: str, by: User) -> User:
    """Open an account with an initial password the person must change at first login."""
    user = User(username=username.strip(), full_name=full_name, phone=phone, must_change_password=True)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    log.record("user.created", user, after={"username": user.username, "full_name": user.full_name})
    return user


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


def reset_password(user: User, raw_password: str, *, by: User) -> None:
    """An administrator sets a temporary password; the person must change it at next login."""
    _not_self(user, by, "不能在此重置自己的密码，请使用“修改密码”。")
    set_password(user, raw_password, by=by, forced_change=True)


@transaction.atomic
def set_active(user: User, active: bool, *, by: User) -> None:
    """Deactivate or reactivate an account; a deactivated user's sessions stop working at once."""
    _not_self(user, by, "不能停用或启用自己的账号。")
    if user.is_active == active:
        raise ValidationError("账号已处于该状态。")
    user.is_active = active
    user.save(update_fields=["is_active"])
    code = "user.reactivated" if active else "user.deactivated"
    log.record(code, user, before={"is_active": not active}, after={"is_active": active})


@transaction.atomic
def unlock(user: User, *, by: User) -> int:
    """Lift a login lockout by forgetting the account's failed attempts."""
    cleared = lockout.clear(user.username)
    log.record("user.unlocked", user, after={"failure_records_cleared": cleared})
    return cleared


@transaction.atomic
def confirm_totp(user: User, secret: str, step: int) -> None:
    """Bind an authenticator app: the person proved it works by entering a code for `step`."""
    user.totp_secret = secret
    user.totp_confirmed = True
    user.totp_last_step = step
    user.save(update_fields=["totp_sealed", "totp_confirmed", "totp_last_step"])
    log.record("user.totp_enrolled", user, user=user)


@transaction.atomic
def reset_totp(user: User, *, by: User) -> None:
    """Unbind a lost authenticator; the person enrolls a new one at next login."""
    _not_self(user, by, "不能重置自己的动态口令。")
    if not user.totp_sealed and not user.totp_confirmed:
        raise ValidationError("该用户尚未绑定动态口令。")
    user.totp_secret = ""
    user.totp_confirmed = False
    user.totp_last_step = 0
    user.save(update_fields=["totp_sealed", "totp_confirmed", "totp_last_step"])
    log.record("user.totp_reset", user, before={"totp_confirmed": True}, after={"totp_confirmed": False})


@transaction.atomic
def grant_role(user: User, unit, role: str, *, by: User) -> Membership:
    """Give `user` a role in `unit`, keeping the three admin roles apart from every other role."""
    _not_self(user, by, "不能给自己授予角色，须由另一名安全管理员办理。")
    if role not in Role.values:
        raise ValidationError("未知角色。")
    # Two grants for one person in the same instant would each read "no other role" and both insert; the
    # person's row is locked until this transaction ends, so the second grant reads the first one's role.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
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
    if membership.user_id == by.pk and membership.role == Role.SECURITY_ADMIN:
        raise ValidationError("不能撤销自己的安全管理员角色，须由另一名安全管理员办理。")
    if membership.revoked_at is not None:
        raise ValidationError("该授权已撤销。")
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    log.record(
        "membership.revoked",
        membership,
        before={"user": membership.user.username, "unit": membership.unit.code, "role": membership.role},
    )
