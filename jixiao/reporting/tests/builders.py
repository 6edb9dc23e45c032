"""A reporting world on top of the fixed cast: a published 2026 scheme for the two streets, its periods."""

import datetime
from decimal import Decimal

from django.utils import timezone

from jixiao.accounts.roles import Role
from jixiao.indicators import actions as indicator_actions
from jixiao.indicators.models import SchemeStatus
from jixiao.indicators.tests import builders
from jixiao.reporting import actions
from jixiao.reporting.models import Period
from tests.cast import grant, make_user

# Inside the Q1 2026 window: Q1 opens 31 March, is due 10 April (grace 3 days), verified by 28 April.
IN_Q1_WINDOW = datetime.datetime(2026, 4, 2, 10, 0, tzinfo=datetime.UTC)


def world(cast, n_indicators=2):
    """Scheme (published) with `n_indicators` quarterly indicators for 华明街道 and 金桥街道, assessed by 统计局."""
    if getattr(cast, "_reporting_world", None) is None:
        scheme = builders.valid_scheme(cast, n_indicators=n_indicators)
        scheme.status, scheme.published_at = SchemeStatus.PUBLISHED, timezone.now()
        scheme.save(update_fields=["status", "published_at"])
        items = list(scheme.items.select_related("indicator", "version").filter(group__code="G1")
                     .order_by("indicator__code"))
        for item in items:
            for unit in (cast.street, cast.other_street):
                indicator_actions.set_target(cycle=cast.cycle, unit=unit, indicator=item.indicator, by=cast.office,
                                             target_value=Decimal("1000"))
        actions.generate_periods(cast.cycle, by=cast.office)
        street_reviewer = make_user("street_reviewer")
        grant(street_reviewer, cast.street, Role.REVIEWER)
        cast.street_reviewer = street_reviewer
        cast._reporting_world = {"scheme": scheme, "items": items, "q1": Period.objects.get(cycle=cast.cycle,
                                                                                              code="Q1")}
    return cast._reporting_world


def fill(cast, unit, period, items, by, numbers=None):
    """Save a value for every item (default 100, 200, …)."""
    values = []
    for i, item in enumerate(items):
        number = Decimal(numbers[i]) if numbers else Decimal(100 * (i + 1))
        values.append(actions.save_value(unit, period, item, by=by, number=number))
    return values


def history(cast, w, by_year: dict):
    """Verified Q1 figures of the first indicator of 华明街道 for earlier years (creating those cycles)."""
    from jixiao.org.models import Cycle
    from jixiao.reporting.models import Submission, Value

    for year, number in by_year.items():
        cycle, _ = Cycle.objects.get_or_create(year=year, defaults={
            "name": f"{year}年度", "starts_on": datetime.date(year, 1, 1), "ends_on": datetime.date(year, 12, 31)})
        period = Period.objects.create(cycle=cycle, code="Q1", kind="quarter",
                                       **actions.default_dates(year, "Q1"))
        sub = Submission.objects.create(unit=cast.street, period=period, cycle=cycle, status="locked")
        Value.objects.create(submission=sub, cycle=cycle, unit=cast.street, indicator=w["items"][0].indicator,
                             number=Decimal(number), verified_at=timezone.now())
