"""The public pages of what the office publishes (信息发布): a list per kind, 20 to a page; the policy library with
its filters; an item's page with its metadata, attachments and linked documents.

Only what `publishing_queries.public` returns is ever shown: a draft, an item waiting for approval, a withdrawn
one or one scheduled for later answers the same Chinese 404 as an id that never existed.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET

from jixiao.lib.responses import download
from jixiao.portal import cache, publishing_feed, publishing_html
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import Kind
from jixiao.portal.publishing_forms import PolicyFilter

PER_PAGE = 20
LIST_URLS = {Kind.NOTICE: "portal:notices", Kind.NEWS: "portal:news", Kind.POLICY: "portal:policies",
             Kind.EXPLANATION: "portal:explanations", Kind.RESULT: "portal:result_notices",
             Kind.RECTIFICATION: "portal:rectification_notices"}


@require_GET
@cache.public_page("page", "topic", "issuing_body", "validity", "year")
def article_list(request, kind):
    revisions = queries.public(kind)
    context = {"district_name": settings.DISTRICT_NAME, "kind": kind, "kind_label": Kind(kind).label}
    if kind == Kind.POLICY:
        choices = queries.policy_choices()
        form = PolicyFilter(request.GET or None, **choices)
        if form.is_bound and form.is_valid():
            revisions = queries.filter_policies(revisions, **{k: v for k, v in form.cleaned_data.items() if v})
        context.update(form=form, filtered=form.is_bound)
    page = Paginator(revisions, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, query=query.urlencode())
    return render(request, "portal/publishing/list.html", context)


@require_GET
@cache.public_page()
def article_detail(request, pk):
    revision = queries.public_revision(pk)
    article = revision.article
    linked = queries.public_ids([revision.replaced_by_id, revision.explains_id])
    context = {
        "district_name": settings.DISTRICT_NAME, "revision": revision, "article": article,
        "kind_label": article.get_kind_display(), "list_url": LIST_URLS[article.kind],
        "attachments": list(revision.attachments.all()), "body": publishing_html.display(revision.body),
        "replaced_by": queries.public_revision(revision.replaced_by_id)
        if revision.replaced_by_id in linked else None,
        "explains": queries.public_revision(revision.explains_id) if revision.explains_id in linked else None,
        "explanations": queries.explanations_of(article) if article.kind == Kind.POLICY else [],
    }
    return render(request, "portal/publishing/detail.html", context)


@require_GET
def attachment(request, pk, attachment_pk):
    revision = queries.public_revision(pk)
    row = get_object_or_404(revision.attachments, pk=attachment_pk)
    return download(row.file.open("rb"), row.original_name, kind=row.kind)


urlpatterns = [
    path("tongzhi/", article_list, {"kind": Kind.NOTICE}, name="notices"),
    path("dongtai/", article_list, {"kind": Kind.NEWS}, name="news"),
    path("zhengce/", article_list, {"kind": Kind.POLICY}, name="policies"),
    path("jiedu/", article_list, {"kind": Kind.EXPLANATION}, name="explanations"),
    path("jieguo/", article_list, {"kind": Kind.RESULT}, name="result_notices"),
    path("zhenggai/", article_list, {"kind": Kind.RECTIFICATION}, name="rectification_notices"),
    path("tongzhi/atom.xml", publishing_feed.notices_feed, name="notices_feed"),
    path("xinxi/<int:pk>/", article_detail, name="article"),
    path("xinxi/<int:pk>/fujian/<int:attachment_pk>/", attachment, name="article_attachment"),
]
