"""Every demo role walks every page it can reach: no server error, no raw code, no English, no UTC time, and
never two sidebar items highlighted at once.

The demo district is built once for the module (inside a transaction rolled back at the end) on the demo
day; each role then crawls from its home page (tests/crawl.py) and every page it reads is checked. Skipped
when JIXIAO_SKIP_CRAWLS=1 (the PostgreSQL pass of .ci/run): nothing it checks depends on the database engine.
"""

import pytest
import time_machine

from jixiao.demo.accounts import DEMO_ACCOUNTS
from tests import crawl
from tests.browser.conftest import DEMO_DAY

pytestmark = pytest.mark.skipif(crawl.SKIP_CRAWLS, reason=crawl.SKIPPED_BECAUSE)
ROLES = [(account.username, role) for account in DEMO_ACCOUNTS for role, _ in account.memberships]


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    """The whole demo district on the demo day, built once for all roles and rolled back afterwards."""
    from django.db import transaction
    from django.test import override_settings

    from jixiao.demo import build

    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), \
            time_machine.travel(DEMO_DAY, tick=False):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            build.load()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def checks(demo_district, db):
    """What every page is checked for; the activity feed also for login names shown instead of names."""
    from jixiao.accounts.models import User

    usernames = set(User.objects.exclude(full_name="").values_list("username", flat=True))
    # A login name ("supervisor") may equal a role code; in a column of logins it is right, so it is checked
    # only where a name belongs (the feed).
    codes = crawl.enum_values() - usernames

    def check(page):
        problems = [f"HTTP {page.status}"] if page.status >= 500 else []
        problems += crawl.problems_in(page.text, codes)
        if len(page.highlighted) > 1:
            problems.append(f"侧栏同时高亮 {len(page.highlighted)} 项 {page.highlighted}")
        problems += [f"登录名代替姓名 {name!r}" for name in crawl.usernames_shown(feed_text(page.text), usernames)]
        return problems

    return check


def feed_text(text: str) -> str:
    """The lines of the activity feed on a page (the office's 最近业务动态), where people appear by name."""
    if "最近业务动态" not in text:
        return ""
    return text.split("最近业务动态", 1)[1]


@pytest.mark.parametrize(("username", "role"), ROLES, ids=[f"{u}-{r}" for u, r in ROLES])
def test_role_reads_no_raw_code_on_any_page(username, role, checks):
    target = next(r for r in crawl.demo_roles() if r.username == username and r.role == role)
    pages = list(crawl.walk(crawl.client_for(target), check=checks))
    failures = [f"{page.url}: {'; '.join(page.problems)}" for page in pages if page.problems]
    assert len(pages) > 1, f"{target.label} reached no page beyond its home"
    assert failures == [], f"{target.label}: {len(failures)} of {len(pages)} pages\n" + "\n".join(failures)


@pytest.mark.parametrize("elder", [False, True], ids=["ordinary", "elder"])
def test_public_reads_no_raw_code_on_any_portal_page(elder, checks):
    """The portal's visitor, in each layout: every public page reached from /p/ is in plain Chinese, no error."""
    client = crawl.public_client(elder)
    assert ("elder.css" in client.get("/p/").content.decode()) == elder  # the walk reads the layout it names
    pages = list(crawl.walk_public(client, check=checks))
    failures = [f"{page.url}: {'; '.join(page.problems)}" for page in pages if page.problems]
    reached = {crawl.shape(page.url) for page in pages if page.html}
    assert len(reached) > 10, f"the portal's visitor reached only {sorted(reached)}"
    assert failures == [], f"{len(failures)} of {len(pages)} public pages\n" + "\n".join(failures)
