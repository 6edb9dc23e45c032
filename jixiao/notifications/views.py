from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from jixiao.notifications import actions
from jixiao.notifications.models import Notice

# Notices are personal: every lookup is filtered by recipient, so another user's notice id answers 404.


@login_required
@require_GET
def notice_list(request):
    notices = Notice.objects.for_user(request.user)
    if request.GET.get("unread"):
        notices = notices.unread()
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "only_unread": bool(request.GET.get("unread"))})


@login_required
@require_POST
def notice_open(request, pk):
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    actions.mark_read(notice)
    if notice.url and url_has_allowed_host_and_scheme(notice.url, {request.get_host()}, request.is_secure()):
        return redirect(notice.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    actions.mark_all_read(request.user)
    return redirect("notifications:list")
