from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from jixiao.accounts import sealing
from jixiao.accounts.roles import Role


class CaseInsensitiveUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in; what they may do comes from their memberships."""

    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    # The authenticator's secret, sealed with SM4-GCM (see sealing.py); read and set it as `totp_secret`.
    totp_sealed = models.CharField("动态口令密钥（加密）", max_length=200, blank=True)
    totp_confirmed = models.BooleanField("已绑定动态口令", default=False)
    # The last 30-second time step a code was accepted for, so a code cannot be replayed.
    totp_last_step = models.BigIntegerField("动态口令最近使用时间片", default=0)
    is_demo = models.BooleanField("示范账号", default=False)
    # The cadre posts (org.Cadre rows) this person holds or held: one person, several posts over the years. It
    # is what joins a cadre's posts into one performance file (实绩档案) and lets the cadre read their own.
    cadre_posts = models.ManyToManyField("org.Cadre", blank=True, related_name="accounts",
                                         verbose_name="任职记录（本人）")

    objects = CaseInsensitiveUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [models.UniqueConstraint(Lower("username"), name="user_username_ci_unique")]

    def __str__(self):
        return self.full_name or self.username

    @property
    def totp_secret(self) -> str:
        return sealing.unseal(self.totp_sealed)

    @totp_secret.setter
    def totp_secret(self, secret: str) -> None:
        self.totp_sealed = sealing.seal(secret)

    @property
    def display_name(self):
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """An earlier password hash of a user, kept so the last five cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"password of {self.user_id} set {self.created_at:%Y-%m-%d}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Membership(models.Model):
    """A user's role in one unit; a user may hold several and switches between them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", default=timezone.now)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="授予人"
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="membership_active_unique",
            )
        ]

    def __str__(self):
        return f"{self.unit.name} · {self.get_role_display()}"

    @property
    def is_active(self):
        return self.revoked_at is None
