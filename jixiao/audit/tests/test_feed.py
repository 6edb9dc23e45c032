"""The business trail names people, not logins, and leaves sign-ins to the audit admin."""

from jixiao.audit import context, feed, log


def write(user, code, username=None):
    token = context.bind(context.Actor(user_id=user.pk if user else None,
                                       username=username if username is not None else (user.username if user else ""),
                                       request_id="r"))
    try:
        return log.record(code, object_repr="区统计局")
    finally:
        context.reset(token)


def test_the_trail_names_the_person_and_the_event_in_chinese(cast):
    cast.office.full_name = "林静怡"
    cast.office.save(update_fields=["full_name"])
    write(cast.office, "unit.updated")
    [event] = feed.recent()
    assert (event.actor, event.label) == ("林静怡", "修改单位")


def test_a_login_without_a_name_stays_and_the_system_is_named(cast, db):
    cast.reporter.full_name = ""
    cast.reporter.save(update_fields=["full_name"])
    write(cast.reporter, "unit.updated")
    write(None, "scoring.computed")
    actors = [event.actor for event in feed.recent()]
    assert actors == [feed.SYSTEM, cast.reporter.username]


def test_sign_ins_are_not_business(cast):
    write(cast.office, "auth.login")
    write(cast.office, "unit.created")
    assert [event.code for event in feed.recent()] == ["unit.created"]


def test_the_audit_list_shows_the_name_beside_the_login(cast, login):
    cast.office.full_name = "林静怡"
    cast.office.save(update_fields=["full_name"])
    event = write(cast.office, "unit.updated")
    client = login(cast.auditor)
    listed = client.get("/audit/events/").content.decode()
    detail = client.get(f"/audit/events/{event.pk}/").content.decode()
    assert f"林静怡 <span class=\"text-muted small\">（{cast.office.username}）</span>" in listed
    assert "林静怡" in detail and "UTC" not in detail


def test_the_change_table_names_fields_and_coded_values_in_chinese(cast, login):
    event = log.record("cycle.status_changed", cast.cycle, before={"status": "planning", "year": 2026},
                       after={"status": "running", "year": 2026, "steps": {"org": "单位 3 个"}, "reset": False})
    page = login(cast.auditor).get(f"/audit/events/{event.pk}/").content.decode()
    assert '状态 <code class="small text-body">status</code>' in page
    assert '筹备中 <code class="small text-body">planning</code>' in page and '考核中 <code class="small text-body">running</code>' in page
    assert '否 <code class="small text-body">False</code>' in page
    assert '<code class="small text-body">{&quot;org&quot;: &quot;单位 3 个&quot;}</code>' in page
