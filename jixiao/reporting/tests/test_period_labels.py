"""The office's periods page speaks Chinese: frequencies by their labels, never the stored English values."""

import re

import pytest
from django.urls import reverse

from jixiao.indicators.models import Indicator
from jixiao.reporting.tests.builders import world

pytestmark = pytest.mark.usefixtures("frozen")
ENGLISH = re.compile(r"\b(month|quarter|half|year)\b")


def test_the_frequencies_in_use_and_the_generated_periods_are_named_in_chinese(cast, login):
    world(cast)
    Indicator.objects.filter(code="E202601").update(frequency="half")
    client = login(cast.office)
    response = client.post(reverse("reporting:generate_periods"), {"cycle": "2026"}, follow=True)
    page = response.content.decode()
    assert "已生成 2 个报送期：上半年、下半年。" in page
    assert "已发布方案中的报送频次：季度、半年" in page
    visible = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1])
    assert not ENGLISH.search(visible), ENGLISH.search(visible)
