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


def wide_world(units: int, indicators: int):
    """A published scheme over one group of `units` streets (S0000…) with `indicators` quarterly indicators
    (E000…) all owned by one assessor unit (B02 区统计局): the 50,000-value template of bench/import_values.py and
    bench/api_values.py, and the 100,000 rows of api/tests/test_values_big.py. Returns (assessor, cycle); the caller
    makes its user and the cycle's periods (`actions.generate_periods`)."""
    from jixiao.indicators.models import Indicator, IndicatorVersion, Scheme, SchemeBlock, SchemeItem
    from jixiao.org.models import Cycle, Group, Unit

    district = Unit.objects.create(code="D01", name="示范区", kind="district")
    assessor = Unit.objects.create(code="B02", name="区统计局", kind="bureau", parent=district, is_assessor=True)
    streets = Unit.objects.bulk_create([Unit(code=f"S{i:04d}", name=f"街道{i}", kind="street", parent=district)
                                        for i in range(units)])
    cycle = Cycle.objects.create(year=2026, name="2026年度", status="running", starts_on=datetime.date(2026, 1, 1),
                                 ends_on=datetime.date(2026, 12, 31))
    group = Group.objects.create(cycle=cycle, code="G1", name="街道")
    group.units.set(streets)
    inds = Indicator.objects.bulk_create([Indicator(code=f"E{i:03d}", name=f"指标{i}", category="economic_core",
                                                    direction="higher_better", measure_unit="万元")
                                          for i in range(indicators)])
    versions = IndicatorVersion.objects.bulk_create([IndicatorVersion(indicator=ind, valid_from_year=2026,
                                                                      definition="口径", default_assessor=assessor)
                                                     for ind in inds])
    scheme = Scheme.objects.create(cycle=cycle, assessing_unit=district, code="D01-2026", name="方案",
                                   status="published", published_at=timezone.now())
    block = SchemeBlock.objects.create(scheme=scheme, code="A", name="指标", weight=Decimal(100))
    SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, block=block, group=group, indicator=ind, version=ver,
                                               points=Decimal(1), rule="completion_ratio", assessor=assessor)
                                    for ind, ver in zip(inds, versions, strict=True)])
    return assessor, cycle
