"""互动交流 in the back office: the office (portal.publish) sees every message, routes it to a department, answers it
itself, closes it with a reason, and approves or returns replies; a department's reporter or reviewer
(portal.messages) sees the messages routed to their unit and writes the reply. Another unit's message is out of
reach (404); each step is one audited action in hudong_actions.py, each refusal goes through lib/refusals.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.lib import refusals
from jixiao.org.models import Unit
from jixiao.portal import hudong, hudong_actions
from jixiao.portal.messages_models import CloseReason, MessageStatus, PublicMessage

VIEW, DECIDE = "portal.messages", "portal.publish"
LIMIT = 200
TABS = {"new": "新留言", "routed": "办理中", "pending": "答复待审核", "answered": "已答复", "closed": "不予受理"}


def _visible(user):
    qs = PublicMessage.objects.select_related("addressee", "unit")
    if access.can(user, DECIDE):
        return qs
    return qs.filter(unit__in=access.visible_units(user))


@login_required
@require_GET
def office_list(request):
    access.require(request.user, VIEW)
    office = access.can(request.user, DECIDE)
    tab = request.GET.get("show", "new" if office else "routed")
    tab = tab if tab in TABS else "new"
    rows = _visible(request.user).filter(status=tab).order_by("received_at", "id")[:LIMIT]
    tabs = [(key, label, key == tab) for key, label in TABS.items() if office or key != "new"]
    return render(request, "portal/hudong_office/list.html", {"rows": rows, "tabs": tabs, "office": office})


def _message(request, pk: int, action: str = VIEW) -> PublicMessage:
    """403 for a role that may not `action`; 404 for a message outside the user's reach (another unit's)."""
    access.require(request.user, action)
    return access.get_for_user(request.user, PublicMessage, pk, action, queryset=_visible(request.user))


@login_required
@require_GET
def office_detail(request, pk: int):
    message = _message(request, pk)
    office = access.can(request.user, DECIDE)
    return render(request, "portal/hudong_office/detail.html", {
        "m": message, "office": office, "statuses": MessageStatus, "reasons": CloseReason.choices,
        "units": hudong.addressees(), "can_reply": message.status in (MessageStatus.NEW, MessageStatus.ROUTED)
        and (office or message.status == MessageStatus.ROUTED)})


def _act(request, pk: int, action: str, do, done: str):
    message = _message(request, pk, action)
    try:
        do(message)
    except ValidationError as error:
        refusals.refuse(request, "hudong.refused", message, error)
    else:
        messages.success(request, done)
    return redirect("portal_hudong:detail", pk=message.pk)


@login_required
@require_POST
def route(request, pk: int):
    unit = Unit.objects.filter(pk__in=hudong.addressees().values("pk"), code=request.POST.get("unit", "")).first()
    return _act(request, pk, DECIDE, lambda m: hudong_actions.route(m, unit, by=request.user), "留言已转办。")


@login_required
@require_POST
def close(request, pk: int):
    return _act(request, pk, DECIDE, lambda m: hudong_actions.close(
        m, request.POST.get("reason", ""), request.POST.get("note", ""), by=request.user), "留言已办结（不予受理）。")


@login_required
@require_POST
def reply(request, pk: int):
    def do(m):
        if m.status == MessageStatus.NEW and not access.can(request.user, DECIDE):
            raise ValidationError("该留言尚未转办到本单位。")
        hudong_actions.write_reply(m, request.POST.get("reply", ""), by=request.user)
    return _act(request, pk, VIEW, do, "答复已提交，等待考核办审核。")


@login_required
@require_POST
def approve(request, pk: int):
    return _act(request, pk, DECIDE, lambda m: hudong_actions.approve_reply(
        m, publish=request.POST.get("publish") == "1", by=request.user), "答复已审核通过。")


@login_required
@require_POST
def return_reply(request, pk: int):
    return _act(request, pk, DECIDE, lambda m: hudong_actions.return_reply(
        m, request.POST.get("reason", ""), by=request.user), "答复已退回。")


app_name = "portal_hudong"
urlpatterns = [
    path("", office_list, name="list"),
    path("<int:pk>/", office_detail, name="detail"),
    path("<int:pk>/route/", route, name="route"),
    path("<int:pk>/close/", close, name="close"),
    path("<int:pk>/reply/", reply, name="reply"),
    path("<int:pk>/approve/", approve, name="approve"),
    path("<int:pk>/return/", return_reply, name="return"),
]
