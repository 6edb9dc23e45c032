"""Bulletins (通报): the archive of published bulletins, publishing one, downloading the issued file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.keywork import actions, board
from jixiao.keywork.forms import BulletinForm
from jixiao.keywork.models import Bulletin
from jixiao.lib import refusals
from jixiao.lib.responses import download
from jixiao.org.models import Cycle


@login_required
@require_GET
def bulletin_list(request):
    access.require(request.user, "keywork.bulletins")
    cycle = board.pick_cycle(request.GET.get("cycle"))
    return render(request, "keywork/bulletin_list.html", {
        "cycle": cycle, "cycles": Cycle.objects.order_by("-year"),
        "bulletins": Bulletin.objects.filter(cycle=cycle).select_related("cycle", "published_by"),
        "form": BulletinForm(), "can_publish": access.can(request.user, "keywork.publish"),
    })


@login_required
@require_POST
def bulletin_publish(request):
    access.require(request.user, "keywork.publish")
    cycle = board.pick_cycle(request.POST.get("cycle"))
    form = BulletinForm(request.POST)
    if cycle is None or not form.is_valid():
        messages.error(request, "请选择考核年度和期次。")
        return redirect("keywork:bulletin_list")
    try:
        bulletin = actions.publish_bulletin(cycle, form.cleaned_data["period_code"], by=request.user)
    except ValidationError as error:
        refusals.refuse(request, "bulletin.refused", cycle, error)
    else:
        messages.success(request, f"已发布通报 {bulletin.doc_number}。")
    return redirect(f"{reverse('keywork:bulletin_list')}?cycle={cycle.year}")


@login_required
@require_GET
def bulletin_download(request, pk):
    access.require(request.user, "keywork.bulletins")
    bulletin = Bulletin.objects.filter(pk=pk).select_related("cycle").first()
    if bulletin is None:
        raise Http404("通报不存在")
    return download(bulletin.file.open("rb"), f"{bulletin.doc_number}{bulletin.title}.docx")
