"""Changes and readings around a cadre's performance file, each audited: linking a login account to the posts of
one person (which joins the posts into one file and lets the cadre read their own), and every reading or export
of the file (personal data, PIPL)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.accounts.models import User
from jixiao.audit import log


@transaction.atomic
def link_account(cadre, username: str, *, by) -> User:
    """Link the account `username` to the cadre's post: the account's person holds or held this post."""
    username = (username or "").strip()
    if not username:
        raise ValidationError("请填写要关联的登录账号。")
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise ValidationError(f"没有启用的登录账号“{username}”。")
    if user.cadre_posts.filter(pk=cadre.pk).exists():
        raise ValidationError(f"账号“{username}”已关联该任职记录。")
    before = sorted(user.cadre_posts.values_list("pk", flat=True))
    user.cadre_posts.add(cadre)
    log.record("cadre.account_linked", cadre, before={"user": user.username, "posts": before},
               after={"user": user.username, "posts": sorted(before + [cadre.pk])}, user=by)
    return user


@transaction.atomic
def unlink_account(cadre, user, *, by) -> None:
    if not user.cadre_posts.filter(pk=cadre.pk).exists():
        raise ValidationError("该账号未关联此任职记录。")
    user.cadre_posts.remove(cadre)
    log.record("cadre.account_unlinked", cadre, before={"user": user.username}, user=by)


def note_reading(cadre, file, *, by, exported: bool = False) -> None:
    """Audit one reading of a cadre's file, or its export as a .docx: who read whose file, how many years."""
    log.record("cadre.file_exported" if exported else "cadre.file_viewed", cadre,
               after={"posts": [p.pk for p in file.posts], "years": sorted({r.cycle.year for r in file.rows})},
               user=by)
