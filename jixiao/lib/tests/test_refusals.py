"""A refusal reads the same to the person and to the audit log, whatever raised it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from jixiao.audit.models import Event, Outcome
from jixiao.evaluation.actions import EvaluationError
from jixiao.lib import refusals
from jixiao.lib.excel import WorkbookError


class NoteForm(forms.Form):
    note = forms.CharField(label="说明")


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize("error, expected", [
    (ValidationError(["时限晚于年度结束日。", "请填写理由。"]), ["时限晚于年度结束日。", "请填写理由。"]),
    (PermissionDenied("您当前的角色无权执行此操作"), ["您当前的角色无权执行此操作"]),
    (EvaluationError("评议已结束。"), ["评议已结束。"]),
    (WorkbookError("第 3 行：单位编码为空"), ["第 3 行：单位编码为空"]),
    ("已被他人修改", ["已被他人修改"]),
])
def test_messages_come_from_every_kind_of_refusal(error, expected):
    assert refusals.messages_of(error) == expected


def test_a_refusal_on_a_form_shows_each_message_and_audits_it(cast):
    form = NoteForm({"note": "x"})
    request = _request(cast.office)
    shown = refusals.refuse(request, "keytask.refused", cast.fgw, ValidationError(["甲不对。", "乙不对。"]),
                            form=form, field="points")
    assert shown == ["甲不对。", "乙不对。"] and form.non_field_errors() == ["甲不对。", "乙不对。"]
    assert list(get_messages(request)) == []
    event = Event.objects.get(code="keytask.refused")
    assert event.outcome == Outcome.FAILURE and event.user_id == cast.office.pk
    assert event.object_repr == str(cast.fgw) and event.after == {"message": "甲不对。；乙不对。", "field": "points"}


def test_a_refusal_without_a_form_goes_to_the_messages_and_may_be_a_denial(cast):
    request = _request(cast.reporter)
    refusals.refuse(request, "keywork.progress_refused", None, PermissionDenied("不能报送其进展。"),
                    outcome=Outcome.DENIED)
    assert [str(m) for m in get_messages(request)] == ["不能报送其进展。"]
    event = Event.objects.get(code="keywork.progress_refused")
    assert event.outcome == Outcome.DENIED and event.object_repr == "" and event.after == {"message": "不能报送其进展。"}


def test_an_unchecked_form_is_cleaned_before_the_refusal_is_added():
    form = NoteForm({"note": ""})
    refusals.show(None, ValidationError("已被他人修改"), form=form)
    assert form.non_field_errors() == ["已被他人修改"] and "note" in form.errors


def test_a_long_workbook_refusal_keeps_only_the_reason(cast):
    from jixiao.lib.uploads import record_refusal

    error = WorkbookError([f"第 {n} 行：单位编码为空" for n in range(2, 400)])
    record_refusal("unit.import_refused", None, user=cast.office, error=error, file_name="units.xlsx")
    event = Event.objects.get(code="unit.import_refused")
    assert event.after == {"message": "第 2 行：单位编码为空", "file": "units.xlsx", "problems": 398}


def test_a_refused_change_of_a_cycle_is_shown_and_audited(cast, login):
    from django.urls import reverse

    response = login(cast.office).post(reverse("org:cycle_status", args=[cast.cycle.pk]), {"status": "archived"},
                                       follow=True)
    shown = [str(m) for m in response.context["messages"]]
    event = Event.objects.get(code="cycle.status_refused")
    assert event.outcome == Outcome.FAILURE and event.user_id == cast.office.pk and event.object_id == str(cast.cycle.pk)
    assert shown == [event.after["message"]] and "不能改为" in shown[0]


def test_a_limit_shows_the_first_messages_and_audits_them_all(cast):
    request = _request(cast.office)
    error = EvaluationError("甲", [f"第{n}条" for n in range(1, 13)])
    shown = refusals.refuse(request, "keytask.refused", None, error, limit=10)
    assert shown == [f"第{n}条" for n in range(1, 11)]
    assert [str(m) for m in get_messages(request)] == shown
    assert Event.objects.get(code="keytask.refused").after["message"].endswith("第11条；第12条")
