"""The world the read APIs' tests read: the cast with a published 2026 run, a 2024 run whose final the office has
computed and not released, and verified and unverified values of 2026."""

import datetime
from decimal import Decimal

from django.utils import timezone

from jixiao.indicators.models import Indicator
from jixiao.reporting.actions import default_dates
from jixiao.reporting.models import Period, Submission, Value

# A figure no other row holds: a response that shows it shows the unverified value.
UNVERIFIED = "7777.1234"


def value(unit, cycle, indicator, code, number, *, verified=True) -> Value:
    """A value of `unit` in period `code`, its submission locked (verified) or submitted (not yet verified)."""
    kind = {"Q": "quarter", "H": "half", "M": "month"}.get(code[0], "year")
    period, _ = Period.objects.get_or_create(cycle=cycle, code=code,
                                             defaults={"kind": kind, **default_dates(cycle.year, code)})
    submission, _ = Submission.objects.get_or_create(unit=unit, period=period, cycle=cycle,
                                                     defaults={"status": "locked" if verified else "submitted"})
    return Value.objects.create(submission=submission, cycle=cycle, unit=unit, indicator=indicator,
                                number=Decimal(number), verified_at=timezone.now() if verified else None)


def build(cast) -> dict:
    """Published 2026 (scheme D01-2026: G1 = S01, S02; G2 = B01, B02), unreleased 2024 final, values of 2026 Q2."""
    from jixiao.results.tests.builders import scored, unreleased_final

    published = scored(cast, publish=True)
    preliminary_2024, final_2024 = unreleased_final(cast)
    indicator = Indicator.objects.get(code="E202600")
    values = [value(cast.street, cast.cycle, indicator, "Q2", "120.5"),
              value(cast.other_street, cast.cycle, indicator, "Q2", "98"),
              value(cast.fgw, cast.cycle, indicator, "Q2", "101.25")]
    unverified = value(cast.tjj, cast.cycle, indicator, "Q2", UNVERIFIED, verified=False)
    return {"published": published, "preliminary_2024": preliminary_2024, "final_2024": final_2024,
            "indicator": indicator, "values": values, "unverified": unverified,
            "day": datetime.date(2026, 7, 31)}
