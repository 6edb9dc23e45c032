"""The crawler: every page a demo role reaches from its home page, and what a user must never read on one.

Shared by the crawler test (tests/test_crawl.py), the accessibility crawl in the browser
(tests/browser/test_axe_crawl.py) and the page bench (bench/pages.py), so all three walk the same pages.

The walk is breadth-first over the internal links of each HTML page, GET only. It never follows logout, a
download or a form, and it visits at most `PER_SHAPE` addresses of one shape (the path with its numbers
replaced, e.g. /reporting/units/#/periods/#/), so 71 units' pages count as a few and the walk stays short.
"""

import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

# The two whole-site crawls check page text and accessibility, which do not depend on the database engine:
# .ci/run's second pass, on PostgreSQL, sets JIXIAO_SKIP_CRAWLS=1 so that they run once, in its SQLite pass.
SKIP_CRAWLS = os.environ.get("JIXIAO_SKIP_CRAWLS") == "1"
SKIPPED_BECAUSE = ("page text and accessibility do not depend on the database engine; "
                   "the crawl runs in the SQLite pass (JIXIAO_SKIP_CRAWLS=1)")
PER_SHAPE = 3
MAX_PAGES = 300
# Addresses that end the session, leave the site, stream a file or only answer htmx fragments.
SKIP_PREFIXES = ("/logout", "/static/", "/media/", "/login", "/healthz")
SKIP_PARTS = ("download", "export", ".xlsx", ".docx", ".pdf", ".csv", ".zip", ".png", "qrcode", "/qr", "evidence/",
              "-files/")
# Tags whose text a reader never sees.
HIDDEN_TAGS = {"script", "style", "template", "noscript", "head"}
# Text marked up as code is a code shown on purpose beside its Chinese name (an event code, a stored value in
# the audit log); it is not checked. Everything else a reader sees must be words.
CODE_TAGS = {"code", "kbd", "samp"}
SIDEBAR_ID = "sidebar"  # base.html's main navigation: one item at most is the current page
# Attributes a reader sees (tooltips, placeholders) or hears (screen readers).
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


@dataclass(frozen=True)
class Role:
    """One demo account acting in one of its memberships (the multi-unit account gives two)."""

    username: str
    membership_id: int
    role: str
    label: str  # "office", "multi:reviewer"


@dataclass
class Page:
    url: str
    status: int
    html: bool = False
    text: str = ""  # the text a reader sees or hears, one line per text node
    highlighted: list = field(default_factory=list)  # sidebar items shown as the current page
    problems: list = field(default_factory=list)


class _PageReader(HTMLParser):
    """The links and the readable text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.highlighted: list[str] = []  # the hrefs of the sidebar items marked as the current page
        self._hidden = 0
        self._sidebar = 0  # depth of <nav> elements inside the sidebar

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN_TAGS or tag in CODE_TAGS:
            self._hidden += 1
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(attrs["href"])
        if tag == "nav" and (self._sidebar or attrs.get("id") == SIDEBAR_ID):
            self._sidebar += 1
        if self._sidebar and tag == "a" and "active" in (attrs.get("class") or "").split():
            self.highlighted.append(attrs.get("href", ""))
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "nav" and self._sidebar:
            self._sidebar -= 1
        if (tag in HIDDEN_TAGS or tag in CODE_TAGS) and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def read_page(html: str) -> tuple[list[str], str, list[str]]:
    """The page's links, its readable text and the sidebar items it highlights."""
    reader = _PageReader()
    reader.feed(html)
    return reader.links, "\n".join(reader.text), reader.highlighted


def shape(url: str) -> str:
    """The address with its numbers replaced and its query reduced to its names: pages built the same way."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "#", parts.path)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(names) if names else "")


def internal(base: str, href: str) -> str | None:
    """The site-relative address of a link worth following, or None."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP_PREFIXES) or any(part in path.lower() for part in SKIP_PARTS):
        return None
    return path


# ---- What a reader must never see -------------------------------------------------------------------------

MODEL_REPR = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+ #\d+|<[A-Z][A-Za-z]+:|\b[A-Z][A-Za-z]+ object \(\d+\)")
MODEL_ID = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*:\d+\b")
UTC_TIME = re.compile(r"\bUTC\b|[+-]00:?00\b|\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?Z\b")


def enum_values() -> set[str]:
    """Every stored value of the platform's choices (month, running, draft, …): codes, never words to show."""
    from django.apps import apps

    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("jixiao."):
            continue
        for model_field in model._meta.get_fields():
            for value, _label in getattr(model_field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    values.add(value)
    return values


def english_words(text: str, codes: set[str]) -> list[str]:
    """The stored codes that stand as words of their own in the text."""
    found = set()
    # A word right before "(" is a formula's function (max(a, b)); one before ".x" is part of a dotted name.
    for word in re.findall(r"(?<![A-Za-z0-9_.@/-])[a-z][a-z_]+(?![A-Za-z0-9_@/(-]|\.[a-z])", text):
        if word in codes:
            found.add(word)
    return sorted(found)


def problems_in(text: str, codes: set[str]) -> list[str]:
    problems = [f"模型表示 {m!r}" for m in MODEL_REPR.findall(text)]
    problems += [f"模型:编号 {m!r}" for m in MODEL_ID.findall(text)]
    problems += [f"UTC 时间 {m!r}" for m in UTC_TIME.findall(text)]
    problems += [f"英文代码 {w!r}" for w in english_words(text, codes)]
    return problems


def usernames_shown(text: str, usernames: set[str]) -> list[str]:
    """Login names standing where a person's name belongs (the activity feed shows names, not logins)."""
    words = set(re.findall(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_.-]*", text))
    return sorted(words & usernames)


# ---- Signing in and walking ----------------------------------------------------------------------------------


def demo_roles() -> list[Role]:
    """Every demo account in each of its memberships."""
    from jixiao.accounts.models import Membership
    from jixiao.demo.accounts import DEMO_ACCOUNTS

    roles = []
    for account in DEMO_ACCOUNTS:
        memberships = list(Membership.objects.active().filter(user__username=account.username).order_by("id"))
        for membership in memberships:
            label = account.username if len(memberships) == 1 else f"{account.username}:{membership.role}"
            roles.append(Role(account.username, membership.pk, membership.role, label))
    return roles


def client_for(role: Role):
    """A test client signed in as the role, past the second factor (its own tests cover the login pages)."""
    from django.test import Client

    from jixiao.accounts import access
    from jixiao.accounts.middleware import AUTH_AT_KEY
    from jixiao.accounts.models import User

    client = Client(raise_request_exception=False)  # a server error is a finding, reported with its page
    client.force_login(User.objects.get(username=role.username))
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session[access.SESSION_KEY] = role.membership_id
    session.save()
    return client


def public_client(elder: bool = False):
    """An anonymous visitor of the portal, in its ordinary layout or in its 长辈版 (the switch's cookie set)."""
    from django.test import Client

    from jixiao.portal import elder as elder_mode

    client = Client(raise_request_exception=False)
    if elder:
        client.cookies[elder_mode.COOKIE] = "1"
    return client


def walk_public(client, limit: int = MAX_PAGES, check=None):
    """Every public page reachable from the portal home, in the layout the client's cookie chose: the walk keeps
    to /p/ and never follows the 长辈版 switch, so one walk reads one layout."""
    from django.urls import reverse

    return walk(client, reverse("portal:index"), limit, check, keep=_public_page)


def _public_page(url: str) -> bool:
    from django.urls import reverse

    return url.startswith(reverse("portal:index")) and not url.startswith(reverse("portal:elder"))


def walk(client, start: str = "/", limit: int = MAX_PAGES, check=None, per_shape_limit: int = PER_SHAPE,
         keep=None):
    """Visit every page reachable from `start` (breadth-first); yield a Page for each, checked by `check`.
    `keep(url)`, when given, says which addresses the walk may visit at all."""
    queue, seen, per_shape = deque([start]), {start}, {}
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        if keep is not None and not keep(url):
            continue
        response = client.get(url)
        visited += 1
        page = Page(url, response.status_code)
        if response.status_code in (301, 302) and response.get("Location"):
            _enqueue(internal(url, response["Location"]), queue, seen, per_shape, per_shape_limit)
        elif "text/html" in response.get("Content-Type", "") and response.status_code < 400:
            page.html = True
            links, page.text, page.highlighted = read_page(response.content.decode())
            for href in links:
                _enqueue(internal(url, href), queue, seen, per_shape, per_shape_limit)
        if check is not None:
            page.problems = check(page)
        yield page


def _enqueue(url, queue, seen, per_shape, limit):
    if url is None or url in seen:
        return
    key = shape(url)
    if per_shape.get(key, 0) >= limit:
        return
    per_shape[key] = per_shape.get(key, 0) + 1
    seen.add(url)
    queue.append(url)
