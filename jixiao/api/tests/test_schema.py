"""A real client against the OpenAPI document: schemathesis generates requests for every operation the API mounts,
both within the document's parameters and deliberately outside them (wrong types, out of range), and checks each
answer — never a server error, a status the operation declares, a body that matches its schema.

Every operation runs as an anonymous caller and with tokens of roles that read (the office, a unit's reporter, the
office limited to one street); an operation that writes runs anonymous, with a read-only token (refused) and with
a write token only where it offers a dry run, which is then forced on — so nothing is imported. The world is the
read APIs' (`read_world`): published and unreleased runs, verified and unverified values.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

from jixiao.api.api import api
from jixiao.api.tests import read_world
from jixiao.api.tests.helpers import bearer, issue

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
SCHEMA.app = WSGIHandler()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
SAFE = {"GET", "HEAD", "OPTIONS"}
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.response_schema_conformance]
DRY_RUN = ("dryRun", "dry_run")
EXAMPLES = 10


def dry_run_parameter(operation) -> str | None:
    names = {parameter.name for parameter in operation.query}
    return next((name for name in DRY_RUN if name in names), None)


@pytest.fixture
def wsgi_in_the_test_transaction():
    """The WSGI handler closes the database connection around each request, which ends the test's transaction on
    PostgreSQL (SQLite's in-memory database ignores it): keep it open, as Django's test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def callers(cast, settings, wsgi_in_the_test_transaction):
    """(label, headers, writes) of each caller: anonymous, and tokens of roles that read."""
    settings.API_RATE_PER_MINUTE = 1_000_000
    read_world.build(cast)
    header = lambda secret: {"Authorization": bearer(secret)["HTTP_AUTHORIZATION"]}  # noqa: E731
    return [
        ("anonymous", {}, False),
        ("office", header(issue(cast.office, scopes=["read"])), False),
        ("reporter", header(issue(cast.reporter, scopes=["read"])), False),
        ("office limited to S01", header(issue(cast.office, scopes=["read"], units=[cast.street])), False),
        ("office writing", header(issue(cast.office, scopes=["read", "write"])), True),
    ]


def test_the_document_names_every_operation():
    paths = {operation.path for operation in OPERATIONS}
    assert {"/api/v1/units", "/api/v1/indicators", "/api/v1/schemes", "/api/v1/schemes/{scheme_id}/targets",
            "/api/v1/values", "/api/v1/results", "/api/v1/comparisons", "/api/v1/me"} <= paths


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_by_its_schema(operation, callers):
    safe = operation.method.upper() in SAFE
    dry_run = dry_run_parameter(operation)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        for label, headers, writes in callers:
            if writes and (safe or dry_run is None):
                continue  # a write token only where the operation writes and can dry-run
            if writes:
                case.query = {**(case.query or {}), dry_run: "true"}
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as error:
                error.add_note(f"caller: {label}")
                raise

    run()
