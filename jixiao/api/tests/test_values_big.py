"""100,000 values with one bad row (issue 19): the dry run names the row, the import writes nothing."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from jixiao.api.tests.helpers import bearer, issue
from jixiao.reporting.models import Submission, Value
from jixiao.reporting.tests.builders import IN_Q1_WINDOW

pytestmark = pytest.mark.django_db
UNITS, INDICATORS, BAD_LINE = 1000, 100, 73_456


def big_world():
    """A published scheme: one group of 1,000 streets, 100 quarterly indicators owned by one assessor unit."""
    from jixiao.accounts.roles import Role
    from jixiao.indicators.models import Indicator, IndicatorVersion, Scheme, SchemeBlock, SchemeItem
    from jixiao.org.models import Cycle, Group, Unit
    from jixiao.reporting import actions
    from tests.cast import grant, make_user

    district = Unit.objects.create(code="D01", name="示范区", kind="district")
    assessor = Unit.objects.create(code="B02", name="区统计局", kind="bureau", parent=district, is_assessor=True)
    units = Unit.objects.bulk_create([Unit(code=f"S{i:04d}", name=f"街道{i}", kind="street", parent=district)
                                      for i in range(UNITS)])
    cycle = Cycle.objects.create(year=2026, name="2026年度", status="running", starts_on=datetime.date(2026, 1, 1),
                                 ends_on=datetime.date(2026, 12, 31))
    group = Group.objects.create(cycle=cycle, code="G1", name="街道")
    group.units.set(units)
    inds = Indicator.objects.bulk_create([Indicator(code=f"E{i:03d}", name=f"指标{i}", category="economic_core",
                                                    direction="higher_better", measure_unit="万元")
                                          for i in range(INDICATORS)])
    versions = IndicatorVersion.objects.bulk_create([IndicatorVersion(indicator=ind, valid_from_year=2026,
                                                                      definition="口径", default_assessor=assessor)
                                                     for ind in inds])
    scheme = Scheme.objects.create(cycle=cycle, assessing_unit=district, code="D01-2026", name="方案",
                                   status="published", published_at=timezone.now())
    block = SchemeBlock.objects.create(scheme=scheme, code="A", name="指标", weight=Decimal(100))
    SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, block=block, group=group, indicator=ind, version=ver,
                                               points=Decimal(1), rule="completion_ratio", assessor=assessor)
                                    for ind, ver in zip(inds, versions, strict=True)])
    user = make_user("tjj")
    grant(user, assessor, Role.ASSESSOR)
    actions.generate_periods(cycle, by=user)
    return user


def test_one_bad_row_in_100000_is_named_by_the_dry_run_and_the_import_writes_nothing(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        secret = issue(big_world())
        rows = [{"dataElement": f"E{i % INDICATORS:03d}", "period": "2026Q1", "orgUnit": f"S{i // INDICATORS:04d}",
                 "value": str(1000 + i % 7)} for i in range(UNITS * INDICATORS)]
        rows[BAD_LINE - 1]["value"] = "一千"
        body = json.dumps({"dataValues": rows})
        for query in ("?async=false&dryRun=true", "?async=false"):
            response = client.post(f"/api/v1/datavaluesets{query}", data=body, content_type="application/json",
                                   **bearer(secret))
            summary = response.json()
            assert (response.status_code, summary["status"], summary["conflictCount"]) == (200, "ERROR", 1)
            assert [(c["line"], c["object"], c["code"], c["value"]) for c in summary["conflicts"]] == [
                (BAD_LINE, "value", "E_VALUE_INVALID", "一千")]
            assert summary["importCount"]["ignored"] == UNITS * INDICATORS
        assert not Value.objects.exists() and not Submission.objects.exists()
