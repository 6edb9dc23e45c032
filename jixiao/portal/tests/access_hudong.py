"""Access cases for 互动交流 (see tests/test_access_matrix.py). The public pages are open to everyone; a look-up by
a real 查询码 too. In the back office the office reaches every message; a reporter or reviewer only those routed to
their unit: the message here is routed to 区发改委 (the cast's reporter's unit), so the reviewer (区统计局) and the
street's reporter get 404 for it, and every role without the action 403."""

from jixiao.portal.tests.access_profiles import EVERYONE


def _code(c) -> dict:
    from jixiao.portal import hudong_actions

    _, code = hudong_actions.submit(kind="question", addressee=None, title="咨询", text="请问……")
    return {"code": code}


def _routed(c) -> dict:
    from jixiao.portal import hudong_actions

    message, _ = hudong_actions.submit(kind="suggestion", addressee=c.fgw, title="建议", text="建议……")
    hudong_actions.route(message, c.fgw, by=c.office)
    return {"pk": message.pk}


def _pending(c) -> dict:
    from jixiao.portal import hudong_actions
    from jixiao.portal.messages_models import PublicMessage

    pk = _routed(c)["pk"]
    hudong_actions.write_reply(PublicMessage.objects.get(pk=pk), "答复……", by=c.reporter)
    return {"pk": pk}


OTHER_UNITS = {"reviewer": 404, "street_reporter": 404}
REPLIERS = {"office", "reporter"}
CASES = {
    "portal:hudong": {"allowed": EVERYONE, "public": True},
    "portal:hudong_new": {"allowed": EVERYONE, "public": True},
    "portal:hudong_lookup": {"allowed": EVERYONE, "public": True, "kwargs": _code},
    "portal_hudong:list": {"allowed": {"office", "reporter", "reviewer", "street_reporter"}},
    "portal_hudong:detail": {"allowed": REPLIERS, "kwargs": _routed, "denied_by_role": OTHER_UNITS},
    "portal_hudong:reply": {"allowed": REPLIERS, "kwargs": _routed, "method": "post", "data": {"reply": "答复"},
                            "ok": (302,), "denied_by_role": OTHER_UNITS},
    "portal_hudong:route": {"allowed": {"office"}, "kwargs": _routed, "method": "post", "data": {"unit": "B02"},
                            "ok": (302,)},
    "portal_hudong:close": {"allowed": {"office"}, "kwargs": _routed, "method": "post",
                            "data": {"reason": "duplicate"}, "ok": (302,)},
    "portal_hudong:approve": {"allowed": {"office"}, "kwargs": _pending, "method": "post", "data": {"publish": "1"},
                              "ok": (302,)},
    "portal_hudong:return": {"allowed": {"office"}, "kwargs": _pending, "method": "post", "data": {"reason": "补充"},
                             "ok": (302,)},
}
