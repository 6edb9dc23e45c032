"""Fixtures for evaluation tests: an open five-level campaign over the cast's departments, at a frozen time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jixiao.evaluation import actions
from jixiao.evaluation.models import Scale

TZ = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=TZ)
NOW = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
CLOSES = datetime.datetime(2026, 11, 30, 18, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft_campaign(cast, clock):
    return actions.create_campaign(cycle=cast.cycle, assessing_unit=cast.district, name="2026年度综合评议",
                                   opens_at=OPENS, closes_at=CLOSES, scale_kind=Scale.FIVE_LEVEL, by=cast.office)


@pytest.fixture
def campaign(draft_campaign, cast):
    return actions.open_campaign(draft_campaign, by=cast.office)


def group(campaign, kind):
    return campaign.groups.get(kind=kind)


@pytest.fixture
def issue(cast):
    def _issue(campaign, kind, n=1, unit=None):
        return actions.issue_codes(campaign, group(campaign, kind), size=n, unit=unit, by=cast.office)[1]

    return _issue


def values_for(campaign, units, value=80) -> dict:
    return {(u.pk, d.pk): value for u in units for d in campaign.dimensions.all()}
