"""What the checking buttons say: a verified value is named with its figure and unit of measure, an unlocked one
by its unit and indicator, and a refused unlock (no reason) is shown and audited, through the one
`shared.attempt` every such button uses."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.indicators.models import Indicator
from jixiao.reporting.models import Status, Submission, Value
from jixiao.reporting.tests.test_value_return import approved, value_of
from jixiao.reporting.views.review import said

pytestmark = pytest.mark.usefixtures("frozen")


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("number", "text", "unit", "expected"), [
    (Decimal("12.50"), "", "万元", "12.5 万元"),
    (Decimal("3.2"), "", "%", "3.2%"),
    (Decimal("7"), "", "", "7"),
    (None, "已完成", "", "已完成"),
    (None, "", "", "（空）"),
])
def test_a_value_is_said_with_its_unit_of_measure(number, text, unit, expected):
    value = Value(number=number, text=text, indicator=Indicator(measure_unit=unit))
    assert said(value) == expected


def test_verifying_one_value_names_it_with_its_figure(cast, w, login):
    approved(cast, w)
    value = value_of(w, 0)
    Indicator.objects.filter(pk=value.indicator_id).update(measure_unit="万元")
    response = login(cast.assessor).post(reverse("reporting:verify_value", args=[value.pk]))
    assert response.status_code == 302 and value_of(w, 0).verified_at is not None
    assert told(response) == [f"已核定{cast.street.name}的“{value.indicator.name}”：{value.display} 万元。"]
    assert "·" not in told(response)[0]  # not the model's own str (单位 · 指标)


def test_an_unlock_without_a_reason_is_refused_shown_and_audited(cast, w, login):
    sub = approved(cast, w)
    response = login(cast.office).post(reverse("reporting:unlock_submission", args=[sub.pk]), {"reason": " "})
    assert response.status_code == 302 and told(response) == ["解锁时必须填写理由。"]
    assert Event.objects.filter(code="submission.unlock_refused", outcome="failure").count() == 1
    assert Submission.objects.get(pk=sub.pk).status == Status.APPROVED


def test_unlocking_one_value_names_its_unit_and_indicator(cast, w, login):
    approved(cast, w)
    value = value_of(w, 0)
    response = login(cast.office).post(reverse("reporting:unlock_value", args=[value.pk]), {"reason": "统计年报更正"})
    assert response.status_code == 302 and value_of(w, 0).unlocked
    assert told(response) == [f"已单独解锁{cast.street.name}的“{value.indicator.name}”，单位可更正后重新报送。"]
