"""The Atom feed of notices and announcements (订阅): the latest 20 public 通知公告, 结果公告 and 整改公告.

Django's syndication framework writes the feed; the items are exactly what `publishing_queries.public` shows,
so a withdrawn or scheduled item is never in it. Summaries are plain text, never the body's markup.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from jixiao.portal import publishing_html
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import Kind

KINDS = [Kind.NOTICE, Kind.RESULT, Kind.RECTIFICATION]
SIZE = 20
SUMMARY_CHARS = 200


class NoticeFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return f"{settings.DISTRICT_NAME}绩效管理门户·通知公告"

    def subtitle(self):
        return f"{settings.DISTRICT_NAME}绩效考核办公室发布的通知公告、考核结果公告和整改公告"

    def link(self):
        return reverse("portal:notices")

    def items(self):
        return list(queries.public().filter(article__kind__in=KINDS)[:SIZE])

    def item_title(self, item):
        return f"{item.article.get_kind_display()}：{item.title}" if item.article.kind != Kind.NOTICE else item.title

    def item_description(self, item):
        text = item.summary or publishing_html.plain_text(item.body)
        return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")

    def item_link(self, item):
        return reverse("portal:article", args=[item.article_id])

    def item_guid(self, item):
        return reverse("portal:article", args=[item.article_id])

    def item_pubdate(self, item):
        return item.first_published

    def item_updateddate(self, item):
        return item.publish_at

    def item_author_name(self, item):
        return f"{settings.DISTRICT_NAME}绩效考核办公室"


notices_feed = NoticeFeed()
