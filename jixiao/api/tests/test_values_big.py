"""100,000 values with one bad row (issue 19): the dry run names the row, the import writes nothing."""

import json

import pytest
import time_machine

from jixiao.api.tests.helpers import bearer, issue
from jixiao.reporting.models import Submission, Value
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, wide_world

pytestmark = pytest.mark.django_db
UNITS, INDICATORS, BAD_LINE = 1000, 100, 73_456


def big_world():
    """A published scheme: one group of 1,000 streets, 100 quarterly indicators owned by one assessor unit."""
    from jixiao.accounts.roles import Role
    from jixiao.reporting import actions
    from tests.cast import grant, make_user

    assessor, cycle = wide_world(UNITS, INDICATORS)
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
