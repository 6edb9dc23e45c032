"""schemathesis against the exchange's operations with the tokens that may write (test_schema.py runs every
operation with tokens that read): generated bodies and parameters, inside and outside the document, forced to a
dry run, answer by their schema and never with a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from jixiao.api.tests.helpers import bearer, issue
from jixiao.api.tests.test_schema import CHECKS, OPERATIONS, wsgi_in_the_test_transaction  # noqa: F401
from jixiao.reporting.tests.builders import world

pytestmark = pytest.mark.django_db
MINE = [op for op in OPERATIONS if op.path in ("/api/v1/datavaluesets", "/api/v1/jobs/{job_id}")]


@pytest.fixture
def writers(cast, settings, wsgi_in_the_test_transaction):  # noqa: F811
    settings.API_RATE_PER_MINUTE = 1_000_000
    world(cast)
    header = lambda secret: {"Authorization": bearer(secret)["HTTP_AUTHORIZATION"]}  # noqa: E731
    return [("street reporter", header(issue(cast.street_reporter))), ("assessor", header(issue(cast.assessor)))]


def test_the_exchange_is_in_the_document():
    assert {(op.method.upper(), op.path) for op in MINE} == {
        ("POST", "/api/v1/datavaluesets"), ("GET", "/api/v1/datavaluesets"), ("GET", "/api/v1/jobs/{job_id}")}


@pytest.mark.parametrize("operation", MINE, ids=lambda operation: operation.label)
def test_writers_get_answers_by_the_schema(operation, writers):
    @settings(max_examples=25, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        for label, headers in writers:
            if operation.method.upper() == "POST":
                case.query = {**(case.query or {}), "dryRun": "true"}
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as error:
                error.add_note(f"caller: {label}")
                raise

    run()
