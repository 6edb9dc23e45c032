"""Every URL × every role of the cast: allowed, 403 or 404 — and nothing left out.

MATRIX names, for each URL name, how to build the URL (objects of *another* unit where the URL takes an
id), which method to use, and which roles are allowed. Roles not allowed must get `denied` (403 by
default, 404 where an object outside the user's reach must not even be confirmed to exist). Anonymous
visitors are sent to the login page unless the URL is public. `test_matrix_covers_every_url` fails when
a new URL appears without an entry, so a view cannot ship without its access decision written down.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jixiao.audit.tests.access_cases import CASES as AUDIT_CASES
from jixiao.evaluation.tests.access_cases import CASES as EVALUATION_CASES
from jixiao.indicators.tests.access_cases import CASES as INDICATOR_CASES
from jixiao.keywork.tests.access_cases import CASES as KEYWORK_CASES
from jixiao.org.tests.access_cases import CASES as ORG_CASES
from jixiao.reporting.tests.access_cases import CASES as REPORTING_CASES
from jixiao.results.tests.access_cases import CASES as RESULTS_CASES
from jixiao.scoring.tests.access_cases import CASES as SCORING_CASES

ROLES = ["office", "leader", "reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater",
         "sysadmin", "secadmin", "auditor", "outsider"]
UNIT_ROLES = {"reporter", "reviewer", "assessor", "street_reporter", "supervisor", "rater"}
EVERYONE = set(ROLES)
LOGGED_IN = EVERYONE


@dataclass
class Case:
    allowed: set
    kwargs: object = None  # callable(cast) -> dict of URL kwargs
    method: str = "get"
    data: object = field(default_factory=dict)  # a dict, or callable(cast) -> dict of the request's data
    denied: int = 403
    denied_by_role: dict = field(default_factory=dict)  # role -> status, where it differs from `denied`
    ok: tuple = (200,)
    public: bool = False


MATRIX: dict[str, Case] = {
    "ui:home": Case(LOGGED_IN),
    "ui:healthz": Case(EVERYONE, public=True),
    "ui:system": Case({"sysadmin"}),
    "notifications:list": Case(LOGGED_IN),
    # A notice is personal: someone else's notice id answers 404 to everyone (the cast has no notices).
    "notifications:open": Case(set(), kwargs=lambda c: {"pk": 999999}, method="post", denied=404),
    "notifications:mark_all_read": Case(LOGGED_IN, method="post", ok=(302,)),
    "accounts:login": Case(EVERYONE, public=True),
    "accounts:logout": Case(LOGGED_IN, method="post", ok=(302,), public=True),
    "accounts:switch_unit": Case(LOGGED_IN, method="post", data={"membership": "0"}, ok=(302,)),
    "accounts:password_change": Case(LOGGED_IN),
    # Without a password given first, the code page sends everyone back to the login page.
    "accounts:totp": Case(EVERYONE, ok=(302,), public=True),
    "accounts:user_list": Case({"secadmin"}),
    "accounts:user_create": Case({"secadmin"}),
    "accounts:user_detail": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}),
    "accounts:user_grant": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}, method="post", ok=(422,)),
    "accounts:user_revoke": Case({"secadmin"}, method="post", ok=(302,), kwargs=lambda c: {
        "pk": c.reporter.pk, "membership_pk": c.reporter.memberships.get().pk}),
    "accounts:user_reset_password": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}, method="post",
                                         ok=(422,)),
    "accounts:user_unlock": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}, method="post", ok=(302,)),
    "accounts:user_set_active": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}, method="post",
                                     data={"active": "1"}, ok=(302,)),
    "accounts:user_reset_totp": Case({"secadmin"}, kwargs=lambda c: {"pk": c.reporter.pk}, method="post",
                                     ok=(302,)),
}

# The indicators app keeps its cases next to its own tests (jixiao/indicators/tests/access_cases.py).
MATRIX.update({name: Case(**spec) for name, spec in INDICATOR_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in ORG_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in REPORTING_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in EVALUATION_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in AUDIT_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in KEYWORK_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in RESULTS_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in SCORING_CASES.items()})

# URL names that are not pages a role reaches (redirect helpers, etc.), each with the reason.
NOT_APPLICABLE: dict[str, str] = {}


def all_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith(("ninja:", "api-"))}


def test_matrix_covers_every_url():
    missing = sorted(all_url_names() - set(MATRIX) - set(NOT_APPLICABLE))
    assert missing == [], f"URLs without an access decision in tests/test_access_matrix.py: {missing}"


def _url(cast, name, case):
    from django.urls import reverse

    return reverse(name, kwargs=case.kwargs(cast) if case.kwargs else None)


def _data(cast, case: Case) -> dict:
    return case.data(cast) if callable(case.data) else case.data


def _expected(case: Case, role: str) -> tuple:
    if role in case.allowed:
        return case.ok
    return (case.denied_by_role.get(role, case.denied),)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous(name, cast, client):
    case = MATRIX[name]
    url = _url(cast, name, case)
    response = getattr(client, case.method)(url, _data(cast, case))
    if case.public:
        assert response.status_code in case.ok + (302,), (url, response.status_code)
    else:
        assert response.status_code == 302 and "/login/" in response["Location"], (url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role(name, role, cast, login):
    case = MATRIX[name]
    client = login(getattr(cast, role))
    url = _url(cast, name, case)
    response = getattr(client, case.method)(url, _data(cast, case))
    assert response.status_code in _expected(case, role), (role, url, response.status_code)
