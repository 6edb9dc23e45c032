"""门户信息发布: the back office's pages where office users draft portal items and another office user approves them.

Every page needs `portal.publish` (Role.OFFICE_ADMIN). The state changes are `publishing_actions`; a refusal
(one's own revision, a missing reason, a bad file) is shown in Chinese and audited through `lib/refusals`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.accounts import access
from jixiao.lib import refusals
from jixiao.lib.responses import download
from jixiao.portal import publishing_actions as actions
from jixiao.portal import publishing_html
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import OPEN, Article, Attachment, Kind, RevisionStatus
from jixiao.portal.publishing_forms import ApproveForm, ArticleForm, OfficeFilter, ReasonForm, initial_of

PER_PAGE = 50


def _article(request, pk) -> Article:
    access.require(request.user, "portal.publish")
    return get_object_or_404(Article, pk=pk)


@login_required
@require_GET
def article_list(request):
    access.require(request.user, "portal.publish")
    form = OfficeFilter(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = queries.office_rows(chosen.get("kind", ""), chosen.get("status", ""))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/office/list.html", {
        "form": form, "page": page, "query": query.urlencode(), "kinds": Kind.choices, "user_id": request.user.pk})


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request, kind):
    access.require(request.user, "portal.publish")
    if kind not in Kind.values:
        raise Http404("没有这个栏目。")
    form = ArticleForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            article = actions.draft(kind, form.content(), by=request.user, files=request.FILES.getlist("files"))
        except ValidationError as error:
            refusals.refuse(request, "article.draft_refused", None, error, form=form, kind=kind)
        else:
            messages.success(request, "草稿已保存。检查无误后请提交审核。")
            return redirect("publishing:article", pk=article.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "portal/office/form.html", {
        "form": form, "kind_label": Kind(kind).label, "article": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = _article(request, pk)
    current = actions.open_revision(article) or article.revisions.order_by("-number").first()
    if current.status == RevisionStatus.PENDING or (current.status in OPEN and current.created_by_id != request.user.pk):
        messages.info(request, "该信息正在审核中，不能修改。" if current.status == RevisionStatus.PENDING
                      else "这份草稿由其他人撰写，只有撰稿人可以修改。")
        return redirect("publishing:article", pk=article.pk)
    if request.method == "GET":
        form = ArticleForm(initial=initial_of(current), kind=article.kind, article=article)
    else:
        form = ArticleForm(request.POST, kind=article.kind, article=article)
        if form.is_valid():
            try:
                actions.edit(article, form.content(), by=request.user, files=request.FILES.getlist("files"),
                             remove=request.POST.getlist("remove"), based_on=form.cleaned_data["based_on"])
            except ValidationError as error:
                refusals.refuse(request, "article.edit_refused", article, error, form=form)
            else:
                messages.success(request, "修改已保存为草稿。检查无误后请提交审核。")
                return redirect("publishing:article", pk=article.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "portal/office/form.html", {
        "form": form, "kind_label": article.get_kind_display(), "article": article, "current": current,
        "attachments": list(current.attachments.all()) if current.status in ("draft", "returned") else [],
        "new_revision": current.status not in ("draft", "returned")}, status=status)


@login_required
@require_GET
def article_detail(request, pk):
    article = _article(request, pk)
    revisions = list(article.revisions.select_related("created_by", "reviewed_by").order_by("-number"))
    now = timezone.now()
    state = queries.state(revisions, now)
    shown = state.latest
    if request.GET.get("version", "").isdigit():
        shown = next((r for r in revisions if r.number == int(request.GET["version"])), shown)
    mine = state.latest.created_by_id == request.user.pk
    return render(request, "portal/office/detail.html", {
        "article": article, "revisions": revisions, "state": state, "shown": shown, "now": now,
        "attachments": list(shown.attachments.all()), "shown_body": publishing_html.display(shown.body),
        "history": queries.history(article), "mine": mine,
        "can_submit": mine and state.latest.status in (RevisionStatus.DRAFT, RevisionStatus.RETURNED),
        "can_review": not mine and state.latest.status == RevisionStatus.PENDING,
        "can_recall": mine and state.latest.status == RevisionStatus.PENDING,
        "can_withdraw": any(r.status == RevisionStatus.APPROVED for r in revisions),
        "approve_form": ApproveForm(), "reason_form": ReasonForm()})


def _step(request, article, code: str, done: str, action) -> None:
    try:
        action()
    except ValidationError as error:
        refusals.refuse(request, code, article, error)
    else:
        messages.success(request, done)


@login_required
@require_POST
def article_submit(request, pk):
    article = _article(request, pk)
    _step(request, article, "article.submit_refused", "已提交审核，请另一位绩效办管理员审核。",
          lambda: actions.submit(article, by=request.user))
    return redirect("publishing:article", pk=article.pk)


@login_required
@require_POST
def article_recall(request, pk):
    article = _article(request, pk)
    _step(request, article, "article.recall_refused", "已收回，可修改后重新提交审核。",
          lambda: actions.recall(article, by=request.user))
    return redirect("publishing:article", pk=article.pk)


@login_required
@require_POST
def article_approve(request, pk):
    article = _article(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        refusals.refuse(request, "article.approve_refused", article,
                        ValidationError([e for errors in form.errors.values() for e in errors]))
        return redirect("publishing:article", pk=article.pk)
    at = form.cleaned_data["publish_at"]
    done = f"审核通过，将于 {timezone.localtime(at):%Y-%m-%d %H:%M} 发布。" if at else "审核通过，已发布。"
    _step(request, article, "article.approve_refused", done,
          lambda: actions.approve(article, by=request.user, publish_at=at))
    return redirect("publishing:article", pk=article.pk)


@login_required
@require_POST
def article_return(request, pk):
    article = _article(request, pk)
    _step(request, article, "article.return_refused", "已退回撰稿人修改。",
          lambda: actions.return_revision(article, by=request.user, reason=request.POST.get("reason", "")))
    return redirect("publishing:article", pk=article.pk)


@login_required
@require_POST
def article_withdraw(request, pk):
    article = _article(request, pk)
    _step(request, article, "article.withdraw_refused", "已撤回，门户网站上不再显示该信息。",
          lambda: actions.withdraw(article, by=request.user, reason=request.POST.get("reason", "")))
    return redirect("publishing:article", pk=article.pk)


@login_required
@require_GET
def attachment(request, pk, attachment_pk):
    article = _article(request, pk)
    row = get_object_or_404(Attachment, pk=attachment_pk, revision__article=article)
    return download(row.file.open("rb"), row.original_name, kind=row.kind)


app_name = "publishing"
urlpatterns = [
    path("", article_list, name="list"),
    path("new/<str:kind>/", article_create, name="create"),
    path("<int:pk>/", article_detail, name="article"),
    path("<int:pk>/edit/", article_edit, name="edit"),
    path("<int:pk>/submit/", article_submit, name="submit"),
    path("<int:pk>/recall/", article_recall, name="recall"),
    path("<int:pk>/approve/", article_approve, name="approve"),
    path("<int:pk>/return/", article_return, name="return"),
    path("<int:pk>/withdraw/", article_withdraw, name="withdraw"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachment, name="attachment"),
]
