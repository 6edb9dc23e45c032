"""The cadres' performance files (实绩档案): the list, one cadre's file, its .docx export, the account link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jixiao.accounts.models import User
from jixiao.cadres import access, file_actions, file_document
from jixiao.cadres.file import build
from jixiao.lib import refusals
from jixiao.lib.responses import download
from jixiao.org.models import Cadre

LIST_CAP = 300


@login_required
def file_list(request):
    """Every cadre, in office first, found by name or unit; a cadre without a reading role goes to their own file."""
    if not access.can_read(request.user):
        own = access.own_post_ids(request.user)
        if own:
            return redirect("cadres:file_detail", pk=max(own))
        access.require_read(request.user)
    query = request.GET.get("q", "").strip()[:40]
    cadres = Cadre.objects.select_related("unit").order_by("tenure_to", "unit__sort_order", "unit__code", "post",
                                                           "id")
    if request.GET.get("all") != "1":
        cadres = cadres.filter(tenure_to__isnull=True)
    if query:
        cadres = cadres.filter(Q(name__contains=query) | Q(unit__name__contains=query) | Q(title__contains=query))
    rows = list(cadres[:LIST_CAP + 1])
    return render(request, "cadres/file_list.html", {
        "cadres": rows[:LIST_CAP], "capped": len(rows) > LIST_CAP, "q": query, "all": request.GET.get("all") == "1"})


@login_required
def file_detail(request, pk):
    cadre = access.get_cadre(request.user, pk)
    file = build(cadre)
    file_actions.note_reading(cadre, file, by=request.user)
    linked = list(User.objects.filter(cadre_posts=cadre).order_by("username")) if access.can_manage(
        request.user) else []
    return render(request, "cadres/file_detail.html", {
        "cadre": cadre, "file": file, "can_manage": access.can_manage(request.user), "linked": linked,
        "is_own": not access.can_read(request.user)})


@login_required
def file_export(request, pk):
    """The file as a .docx 干部实绩材料 for a promotion review; every export is audited."""
    cadre = access.get_cadre(request.user, pk)
    file = build(cadre)
    file_actions.note_reading(cadre, file, by=request.user, exported=True)
    return download(file_document.performance_material(file), f"干部实绩材料-{cadre.name}.docx")


def _managed_cadre(request, pk) -> Cadre:
    access.require_manage(request.user)
    return get_object_or_404(Cadre.objects.select_related("unit"), pk=pk)


@login_required
@require_POST
def file_link(request, pk):
    """The office links a login account to this post (the same person's posts join into one file)."""
    cadre = _managed_cadre(request, pk)
    try:
        user = file_actions.link_account(cadre, request.POST.get("username", ""), by=request.user)
    except ValidationError as exc:
        refusals.refuse(request, "cadre.link_refused", cadre, exc)
    else:
        messages.success(request, f"已关联账号“{user.username}”。")
    return redirect("cadres:file_detail", pk=cadre.pk)


@login_required
@require_POST
def file_unlink(request, pk, user_pk):
    cadre = _managed_cadre(request, pk)
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404("对象不存在或无权访问")
    try:
        file_actions.unlink_account(cadre, user, by=request.user)
    except ValidationError as exc:
        refusals.refuse(request, "cadre.link_refused", cadre, exc)
    else:
        messages.success(request, f"已取消关联账号“{user.username}”。")
    return redirect("cadres:file_detail", pk=cadre.pk)
