"""The office's review of re-rating comments (整改复评意见审核): the comments residents left on completed,
disclosed rectification items, waiting or approved; approving one shows it on the item's public page, withdrawing
it hides it again. Office admins only (`portal.publish`); each decision is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from jixiao.accounts import access
from jixiao.audit import log
from jixiao.results.models import RectificationRating

ACTION = "portal.publish"
LIMIT = 200


@transaction.atomic
def set_approved(rating: RectificationRating, approved: bool, *, by) -> None:
    """Show (approved) or hide a re-rating comment on the portal, audited."""
    before = rating.comment_approved
    rating.comment_approved = approved
    rating.save(update_fields=["comment_approved"])
    log.record("rectification.rerating_comment_reviewed", rating, user=by,
               before={"comment_approved": before}, after={"comment_approved": approved})


@login_required
@require_GET
def office_list(request):
    access.require(request.user, ACTION)
    waiting = request.GET.get("show") != "approved"
    rows = (RectificationRating.objects.exclude(comment="").filter(comment_approved=not waiting)
            .select_related("rectification__unit").order_by("-created_at", "-id")[:LIMIT])
    return render(request, "portal/rectification_office/list.html", {"rows": rows, "waiting": waiting})


@login_required
@require_POST
def office_review(request, pk: int):
    access.require(request.user, ACTION)
    rating = RectificationRating.objects.exclude(comment="").filter(pk=pk).first()
    if rating is None:
        raise Http404("没有这条复评意见。")
    approved = request.POST.get("approve") == "1"
    set_approved(rating, approved, by=request.user)
    messages.success(request, "意见已公开。" if approved else "意见已撤回，门户不再显示。")
    return redirect("portal_reratings:list")


app_name = "portal_reratings"
urlpatterns = [
    path("", office_list, name="list"),
    path("<int:pk>/review/", office_review, name="review"),
]
