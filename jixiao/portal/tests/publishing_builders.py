"""Portal items for tests: a second office user (the checker) and items drafted, approved or scheduled in code."""

import datetime

from jixiao.accounts.roles import Role
from jixiao.portal import publishing_actions as actions
from jixiao.portal.models import Kind, Validity
from tests.cast import grant, make_user

POLICY = {"index_number": "11120110/2026-00001", "issuing_body": "示范区人民政府办公室",
          "document_number": "示政办发〔2026〕1号", "topic": "综合政务", "written_on": datetime.date(2026, 3, 1),
          "validity": Validity.IN_FORCE}


def checker(cast):
    """A second office admin of the office unit: the one who approves what `cast.office` writes."""
    user = make_user("office2", "李审核")
    grant(user, cast.office_unit, Role.OFFICE_ADMIN)
    return user


def fields(kind=Kind.NOTICE, title="关于开展2026年度绩效考核工作的通知", body="<p>各单位：现将有关事项通知如下。</p>",
           **extra) -> dict:
    base = {"title": title, "summary": "", "body": body}
    if kind == Kind.POLICY:
        base.update(POLICY)
    return base | extra


def drafted(cast, kind=Kind.NOTICE, **extra):
    return actions.draft(kind, fields(kind, **extra), by=cast.office)


def published(cast, approver, kind=Kind.NOTICE, publish_at=None, **extra):
    """An item written by the office, approved by `approver` (at `publish_at`, now when None)."""
    article = drafted(cast, kind, **extra)
    actions.submit(article, by=cast.office)
    actions.approve(article, by=approver, publish_at=publish_at)
    return article
