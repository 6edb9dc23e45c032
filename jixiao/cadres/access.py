"""Who may read and change cadre data (personal data under PIPL). Every cadres view starts here.

The office (`cadres.manage`) runs the assessment; the office, the committee (leaders) and the organisation
department (`cadres.view`) read every team and cadre; a cadre reads their own file, whatever their active role,
through the posts linked to their account (`User.cadre_posts`). Nobody else reads anything: a role without
reading gets 403 on the lists, and 404 on a cadre's id (so ids reveal nothing); a cadre reading another cadre's
id gets 404 too. The public portal never imports this app (decision 0014).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from jixiao.accounts import access
from jixiao.org.models import Cadre

NOT_FOUND = "对象不存在或无权访问"


def can_read(user) -> bool:
    """Whether the user's active role reads every team and cadre (office, committee, organisation department)."""
    return access.can(user, "cadres.view")


def can_manage(user) -> bool:
    """Whether the user's active role changes cadre data (the office)."""
    return access.can(user, "cadres.manage")


def require_read(user) -> None:
    if not can_read(user):
        raise PermissionDenied("您当前的角色无权查看干部考核信息")


def require_manage(user) -> None:
    access.require(user, "cadres.manage")


def own_post_ids(user) -> set[int]:
    """The ids of the cadre posts (org.Cadre) linked to the user's account: the posts the user holds or held."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_jixiao_cadre_posts", None)
    if cached is None:
        cached = set(user.cadre_posts.values_list("pk", flat=True))
        user._jixiao_cadre_posts = cached
    return cached


def can_read_cadre(user, cadre: Cadre) -> bool:
    """Whether the user reads this cadre's file: a reading role, or the cadre themself."""
    return can_read(user) or cadre.pk in own_post_ids(user)


def get_cadre(user, pk) -> Cadre:
    """The cadre of a file page: 404 when absent or another person's, 403 for a role that reads no cadre at all."""
    if not can_read(user) and not own_post_ids(user):
        raise PermissionDenied("您当前的角色无权查看干部考核信息")
    try:
        cadre = Cadre.objects.select_related("unit").get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not can_read_cadre(user, cadre):
        raise Http404(NOT_FOUND)
    return cadre
