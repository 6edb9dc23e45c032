"""Every URL of the API (namespace api-v1) × every role of the cast that can hold a token, anonymous callers, a
token without the scope the method needs, and tokens limited to another unit's subtree — and nothing left out.

API_MATRIX names, for each URL name, how to build the request and which roles' tokens it admits; a token of any
other role gets `denied`. The three separated administrators and a user without a role cannot hold a token at all
(`test_no_token_for_the_roles_that_cannot_hold_one`). `test_api_matrix_covers_every_api_url` fails when an API URL
appears without an entry, and the project-wide matrix (tests/test_access_matrix.py) requires the same.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jixiao.api import tokens
from jixiao.api.tests import read_world
from jixiao.api.tests.helpers import bearer, issue

pytestmark = pytest.mark.django_db

NAMESPACE = "api-v1"
TOKEN_ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater"]
NO_TOKEN_ROLES = ["sysadmin", "secadmin", "auditor", "outsider"]
EVERY_TOKEN_ROLE = set(TOKEN_ROLES)
# Who reads what (accounts/access.py ACTIONS), as the pages that show the same data admit them.
READS_UNITS = EVERY_TOKEN_ROLE  # org.view or org.view_own_unit
READS_LIBRARY = {"office", "leader", "assessor"}  # indicators.view
READS_TARGETS = {"office", "leader", "assessor", "reporter", "reviewer", "street_reporter"}  # targets.view_*
READS_VALUES = {"office", "leader", "assessor", "reporter", "reviewer", "street_reporter"}  # reporting.view/verify
COMPARES = {"office", "leader"}  # analysis.view


@dataclass
class ApiCase:
    allowed: set  # roles whose read token gets `ok`
    kwargs: object = None  # callable(world) -> URL kwargs
    params: object = field(default_factory=dict)  # a dict, or callable(world) -> dict of query parameters
    method: str = "get"
    ok: int = 200
    denied: int = 403
    anonymous: int = 401  # a caller without a token
    public: bool = False  # no token needed: the answer to anonymous callers is `ok`
    unit_keys: tuple = ("unit_code", "unit")  # keys of the items that name a unit, for the subtree check
    write_only_token: int = 403  # a token without the read scope on a GET; a read-only one on a write
    body: object = None  # a write's body: bytes, or callable(world) -> bytes
    content_type: str = "application/json"


def _targets_kwargs(world):
    return {"scheme_id": world["published"].scheme_id}


def _reporters_job(world):
    """A finished import job of B01's reporter: only its owner reads it (values_api.job_status)."""
    from jixiao.api.models import ExchangeJob

    job = ExchangeJob.objects.create(user=world["cast"].reporter, body_digest="0" * 64, content_type="json",
                                     strategy="create_and_update", dry_run=True, state="done")
    return {"job_id": job.pk}


# One row of B01's 2026 Q2 figure, imported as a dry run: checked, rolled back, nothing written.
DRY_RUN_ROW = json.dumps({"dataValues": [
    {"dataElement": "E202600", "period": "2026Q2", "orgUnit": "B01", "value": "5"}]}).encode()
WRITERS = {"reporter", "street_reporter", "assessor"}  # reporting.enter, reporting.verify (exchange.writer_of)


API_MATRIX: dict[str, ApiCase] = {
    "api-v1:openapi-json": ApiCase(EVERY_TOKEN_ROLE, public=True, anonymous=200, write_only_token=200, unit_keys=()),
    "api-v1:openapi-view": ApiCase(EVERY_TOKEN_ROLE, public=True, anonymous=200, write_only_token=200, unit_keys=()),
    # ninja's root only names the docs: a 404 to everyone.
    "api-v1:api-root": ApiCase(set(), denied=404, anonymous=404, write_only_token=404, unit_keys=()),
    "api-v1:me": ApiCase(EVERY_TOKEN_ROLE),
    "api-v1:units": ApiCase(READS_UNITS, unit_keys=("code",)),
    "api-v1:indicators": ApiCase(READS_LIBRARY, unit_keys=()),
    "api-v1:schemes": ApiCase(READS_LIBRARY, unit_keys=()),
    "api-v1:scheme_targets": ApiCase(READS_TARGETS, kwargs=_targets_kwargs),
    "api-v1:values": ApiCase(READS_VALUES),
    "api-v1:results": ApiCase(EVERY_TOKEN_ROLE, public=True, anonymous=200),
    "api-v1:comparisons": ApiCase(COMPARES, params={"cycle": 2026, "indicator": "E202600", "peers": "G1"}),
    # The exchange's export: the values the caller's reporting pages show; a role whose pages show none is refused.
    "api-v1:export_values": ApiCase(READS_VALUES, unit_keys=("orgUnit",)),
    "api-v1:import_values": ApiCase(WRITERS, method="post", params={"dryRun": "true"}, body=DRY_RUN_ROW),
    "api-v1:job_status": ApiCase({"reporter"}, kwargs=_reporters_job, denied=404),
}


def api_url_names() -> set[str]:
    """Every URL name of the API's namespace."""
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace == NAMESPACE:
                names.add(f"{NAMESPACE}:{p.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_api_matrix_covers_every_api_url():
    missing = sorted(api_url_names() - set(API_MATRIX))
    assert missing == [], f"API URLs without an access decision in jixiao/api/tests/test_access_matrix.py: {missing}"
    assert sorted(set(API_MATRIX) - api_url_names()) == [], "entries for URLs that no longer exist"


@pytest.fixture
def world(cast, settings):
    settings.API_RATE_PER_MINUTE = 1_000_000
    return {**read_world.build(cast), "cast": cast}


def _request(client, name, case: ApiCase, world, secret=None):
    url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
    params = case.params(world) if callable(case.params) else case.params
    headers = bearer(secret) if secret else {}
    if case.method == "get":
        return client.get(url, params, **headers)
    body = case.body(world) if callable(case.body) else case.body
    return getattr(client, case.method)(f"{url}?{urlencode(params)}", body, content_type=case.content_type, **headers)


def _units_named(body, keys) -> set[str]:
    """The units a list answer names: the items of a page, the rows of a comparison, the exported values."""
    if not isinstance(body, dict):
        return set()
    items = body.get("items") or body.get("units") or body.get("dataValues") or []
    return {item[key] for item in items for key in keys if isinstance(item, dict) and item.get(key)}


@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_every_role(name, world, cast, client):
    """The URL for an anonymous caller, each role's read token, a token without the scope the method needs."""
    case = API_MATRIX[name]
    wrong = []
    status = _request(client, name, case, world).status_code
    if status != case.anonymous:
        wrong.append(("anonymous", status, "expected", case.anonymous))
    for role in TOKEN_ROLES:
        scopes = ["read"] if case.method == "get" else ["read", "write"]
        response = _request(client, name, case, world, issue(getattr(cast, role), scopes=scopes))
        expected = case.ok if role in case.allowed else case.denied
        if response.status_code != expected:
            wrong.append((role, response.status_code, "expected", expected))
    other_scope = ["write"] if case.method == "get" else ["read"]
    status = _request(client, name, case, world, issue(cast.office, scopes=other_scope)).status_code
    if status != case.write_only_token:
        wrong.append(("office, token without the scope", status, "expected", case.write_only_token))
    assert wrong == [], wrong


@pytest.mark.parametrize("name", sorted(n for n, c in API_MATRIX.items() if c.ok == 200 and c.unit_keys))
def test_a_token_limited_to_another_units_subtree_reads_only_that_subtree(name, world, cast, client):
    """The office's and B01's reporter's tokens limited to 金桥街道 (S02): allowed as their role is, and no item
    names a unit outside S02's subtree — B01's reporter, whose role sees only B01, reads nothing of S02 either,
    but what is published (`public`)."""
    case = API_MATRIX[name]
    for role, inside in (("office", {"S02"}), ("reporter", {"S02"} if case.public else set())):
        if role not in case.allowed:
            continue
        response = _request(client, name, case, world, issue(getattr(cast, role), units=[cast.other_street]))
        assert response.status_code == case.ok, (role, response.status_code)
        named = _units_named(response.json(), case.unit_keys)
        assert named <= inside, (role, named)
        if name != "api-v1:me":
            assert named == inside, (role, "the limited token still reads what it may of S02", named)


def test_no_token_for_the_roles_that_cannot_hold_one(cast):
    for role in NO_TOKEN_ROLES:
        with pytest.raises(tokens.TokenError):
            issue(getattr(cast, role))
