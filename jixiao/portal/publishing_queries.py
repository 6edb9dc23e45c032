"""Reading portal items: what the public sees (computed from the clock), the office's list with each item's
state, and an item's history from the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils import timezone

from jixiao.audit.feed import name_events
from jixiao.audit.models import Event
from jixiao.portal.models import Article, Kind, Revision, RevisionStatus

NOT_FOUND = "该信息不存在或尚未发布。"


def public(kind: str | None = None, now=None):
    """The revisions the public reads now, each with `first_published` (when its article first appeared),
    newest first."""
    now = now or timezone.now()
    first = (Revision.objects.filter(article=OuterRef("article"), status=RevisionStatus.APPROVED, publish_at__lte=now)
             .order_by("publish_at").values("publish_at")[:1])
    revisions = Revision.objects.public(now).annotate(first_published=Subquery(first)).select_related("article")
    if kind:
        revisions = revisions.filter(article__kind=kind)
    return revisions.order_by("-first_published", "-article_id")


def public_revision(pk: int, now=None) -> Revision:
    """The public revision of article `pk`; 404 (in Chinese) for a draft, a withdrawn, a scheduled or an unknown
    item alike, so an id reveals nothing."""
    revision = public(now=now).filter(article_id=pk).first()
    if revision is None:
        raise Http404(NOT_FOUND)
    return revision


def next_scheduled(now=None):
    """The next time a scheduled revision appears (None when none waits): a cache of the public pages must not
    outlive it, since "published" is computed from the clock and no event fires at that moment."""
    now = now or timezone.now()
    return (Revision.objects.filter(status=RevisionStatus.APPROVED, publish_at__gt=now).order_by("publish_at")
            .values_list("publish_at", flat=True).first())


def public_ids(article_ids, now=None) -> set[int]:
    """Which of these articles the public can read now (for links to replacing or explained documents)."""
    ids = [pk for pk in article_ids if pk]
    if not ids:
        return set()
    return set(Revision.objects.public(now).filter(article_id__in=ids).values_list("article_id", flat=True))


def explanations_of(article: Article, now=None) -> list[Revision]:
    """The public explanations (政策解读) of a policy document."""
    return list(public(Kind.EXPLANATION, now).filter(explains=article))


def filter_policies(revisions, *, topic: str = "", issuing_body: str = "", validity: str = "", year: int | None = None):
    """The policy library's filters: 主题分类, 发布机构, 有效性 and the year written (成文日期)."""
    where = Q()
    if topic:
        where &= Q(topic=topic)
    if issuing_body:
        where &= Q(issuing_body=issuing_body)
    if validity:
        where &= Q(validity=validity)
    if year:
        where &= Q(written_on__year=year)
    return revisions.filter(where)


def policy_choices(now=None) -> dict:
    """The issuing bodies and years that public policy documents have, for the filter's choices."""
    rows = public(Kind.POLICY, now).values_list("issuing_body", "written_on")
    bodies = sorted({body for body, _ in rows if body})
    years = sorted({written.year for _, written in rows if written}, reverse=True)
    return {"bodies": bodies, "years": years}


# --- The office's view --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """Where an item stands for the office: a status code and label, its newest and its public revision."""

    code: str
    label: str
    latest: Revision
    live: Revision | None

    @property
    def live_is_older(self) -> bool:
        return self.live is not None and self.live.pk != self.latest.pk


LABELS = {"draft": "草稿", "returned": "已退回", "pending": "待审核", "published": "已发布", "scheduled": "定时发布",
          "withdrawn": "已撤回"}


def state(revisions: list[Revision], now) -> State:
    """The state of an item from its revisions (any order): its newest revision decides, and the public one is the
    approved revision of the latest time already come (as `RevisionQuerySet.public` computes it in SQL)."""
    latest = max(revisions, key=lambda r: r.number)
    live_ones = [r for r in revisions if r.status == RevisionStatus.APPROVED and r.publish_at <= now]
    live = max(live_ones, key=lambda r: (r.publish_at, r.pk), default=None)
    if latest.status == RevisionStatus.APPROVED:
        code = "published" if latest.publish_at <= now else "scheduled"
    else:
        code = latest.status
    return State(code, LABELS[code], latest, live)


def office_rows(kind: str = "", status: str = "", now=None) -> list[dict]:
    """Every item for the office list, newest first, each with its state; two queries whatever the count."""
    now = now or timezone.now()
    articles = Article.objects.select_related("created_by").prefetch_related(
        Prefetch("revisions", queryset=Revision.objects.select_related("created_by")))
    if kind:
        articles = articles.filter(kind=kind)
    rows = [{"article": a, "state": state(list(a.revisions.all()), now)} for a in articles if a.revisions.all()]
    return [r for r in rows if not status or r["state"].code == status]


def history(article: Article) -> list[Event]:
    """Every audited step of the item, oldest first, with the Chinese event name and the person by name."""
    return name_events(list(Event.objects.filter(object_type=Article._meta.label, object_id=str(article.pk))
                            .order_by("id")))
