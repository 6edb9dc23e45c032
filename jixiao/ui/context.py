from django.conf import settings

from jixiao.accounts import access
from jixiao.notifications.models import Notice
from jixiao.ui import nav


def shell(request):
    """Header, navigation and active unit for every page of the shell."""
    user = getattr(request, "user", None)
    base = {"district_name": settings.DISTRICT_NAME, "demo_mode": settings.DEMO_MODE}
    if user is None or not user.is_authenticated:
        return base
    active = access.active_membership(request)
    return {
        **base,
        "active_membership": active,
        "all_memberships": access.memberships(user),
        "nav_sections": nav.items_for(user, request.path),
        "unread_notices": Notice.objects.for_user(user).unread().count(),
    }
