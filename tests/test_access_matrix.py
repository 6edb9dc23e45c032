"""Every URL × every role of the cast: allowed, 403 or 404 — and nothing left out.

MATRIX names, for each URL name, how to build the URL (objects of *another* unit where the URL takes an
id), which method to use, and which roles are allowed. Roles not allowed must get `denied` (403 by
default, 404 where an object outside the user's reach must not even be confirmed to exist). Anonymous
visitors are sent to the login page unless the URL is public. `test_matrix_covers_every_url` fails when
a new URL appears without an entry, so a view cannot ship without its access decision written down.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jixiao.analysis.tests.access_cases import CASES as ANALYSIS_CASES
from jixiao.api.tests.access_stats import CASES as STATS_MAPPING_CASES
from jixiao.audit.tests.access_cases import CASES as AUDIT_CASES
from jixiao.cadres.tests.access_cases import CASES as CADRES_CASES
from jixiao.cadres.tests.access_use import CASES as CADRES_USE_CASES
from jixiao.evaluation.tests.access_cases import CASES as EVALUATION_CASES
from jixiao.indicators.tests.access_cases import CASES as INDICATOR_CASES
from jixiao.keywork.tests.access_cases import CASES as KEYWORK_CASES
from jixiao.org.tests.access_cases import CASES as ORG_CASES
from jixiao.portal.tests.access_hudong import CASES as PORTAL_HUDONG_CASES
from jixiao.portal.tests.access_profiles import CASES as PORTAL_PROFILE_CASES
from jixiao.portal.tests.access_publishing import CASES as PUBLISHING_CASES
from jixiao.portal.tests.access_rectification import CASES as PORTAL_RECTIFICATION_CASES
from jixiao.portal.tests.access_search import CASES as PORTAL_SEARCH_CASES
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


def _api_token(cast):
    from jixiao.api import tokens

    return tokens.issue(user=cast.reporter, scopes=["read"], name="矩阵令牌", by=cast.secadmin).token


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
    # API tokens: the security admin's page (jixiao/api/views.py); the token is the reporter's.
    "api_tokens:list": Case({"secadmin"}),
    "api_tokens:create": Case({"secadmin"}),
    "api_tokens:detail": Case({"secadmin"}, kwargs=lambda c: {"pk": _api_token(c).pk}),
    "api_tokens:revoke": Case({"secadmin"}, kwargs=lambda c: {"pk": _api_token(c).pk}, method="post",
                              data={"confirm": "1"}, ok=(302,)),
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
MATRIX.update({name: Case(**spec) for name, spec in ANALYSIS_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in PORTAL_PROFILE_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in PORTAL_RECTIFICATION_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in PUBLISHING_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in PORTAL_SEARCH_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in PORTAL_HUDONG_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in CADRES_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in CADRES_USE_CASES.items()})
MATRIX.update({name: Case(**spec) for name, spec in STATS_MAPPING_CASES.items()})

# Each app's cases build that app's own world in the cast; worlds of different apps may not share one database.
CASE_SOURCES = {"indicators": INDICATOR_CASES, "org": ORG_CASES, "reporting": REPORTING_CASES,
                "evaluation": EVALUATION_CASES, "audit": AUDIT_CASES, "keywork": KEYWORK_CASES,
                "results": RESULTS_CASES, "scoring": SCORING_CASES}
CASE_SOURCES["core"] = {name: None for name in MATRIX if not any(name in c for c in CASE_SOURCES.values())}

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
    return {n for n in names if not n.startswith("ninja:")}


def test_matrix_covers_every_url():
    # The API's URLs (api-v1) are answered to tokens, not sessions: their matrix is the API's own.
    from jixiao.api.tests.test_access_matrix import API_MATRIX

    missing = sorted(all_url_names() - set(MATRIX) - set(NOT_APPLICABLE) - set(API_MATRIX))
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


def _answer(client, case: Case, url: str, data: dict) -> tuple[int | str, str]:
    """(status, Location) of one request, made inside a savepoint rolled back afterwards, so that every role meets
    the same world (a role allowed to POST changes nothing the next role sees); a crash is reported, not raised."""
    from django.db import transaction

    from jixiao.evaluation import frozen, privacy

    try:
        with transaction.atomic():
            try:
                response = getattr(client, case.method)(url, data)
                return response.status_code, response.get("Location", "")
            finally:
                transaction.set_rollback(True)
                frozen.clear()  # per-process caches may hold rows of the rolled-back request
                privacy.forget_salts()
    except Exception as error:  # a crash fails the case; the other roles still run
        return f"{type(error).__name__}: {error}"[:300], ""


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_role(name, cast, client, login):
    """One URL for the anonymous visitor and for every role of the cast. The cast and the URL's world are built
    once; each request runs in a savepoint rolled back after it (`_answer`)."""
    case = MATRIX[name]
    url, data = _url(cast, name, case), _data(cast, case)
    wrong = []
    status, location = _answer(client, case, url, data)
    if case.public and status not in case.ok + (302,):
        wrong.append(("anonymous", status))
    if not case.public and (status != 302 or "/login/" not in location):
        wrong.append(("anonymous", status, location))
    for role in ROLES:
        status, _ = _answer(login(getattr(cast, role)), case, url, data)
        if status not in _expected(case, role):
            wrong.append((role, status, "expected", _expected(case, role)))
        client.logout()
    assert wrong == [], (url, wrong)


# --- Results are seen only once released (issue 14) ------------------------------------------------------------
#
# The office has computed a final run with distinctive figures and not published it; the preliminary run before it
# was released (appeal window opened and closed). Every role but the office and leaders walks every URL the matrix
# allows it, plus every unit's results page, letter and result page of both runs, and no response (HTML, JSON,
# xlsx, docx: decoded) may show a figure of the unreleased run.

WALKERS = [role for role in ROLES if role not in {"office", "leader"}]
NOT_WALKED = {"accounts:logout"}  # would end the walker's session; its redirect is the login page


def _released_world(cast):
    """The unreleased final run, its preliminary, and the results world of the matrix seeded with them."""
    from jixiao.results import actions
    from jixiao.results.tests import access_cases, builders

    preliminary, final = builders.unreleased_final(cast)
    cadre = builders.cadre(cast)
    actions.record_cadres(final.cycle, by=cast.office)
    access_cases.world(cast).update(result=final.results.get(unit=cast.street), cadre=cadre,
                                    record=cadre.records.get())
    return preliminary, final


def _figures(run) -> set[str]:
    """What a page would show of a run: each unit's total and each line's points, as the pages print them."""
    totals = {f"{total:.2f}" for total in run.results.values_list("total", flat=True)}
    return totals | {f"{points:.2f}" for points in run.lines.values_list("points", flat=True)}


def _zip_text(data: bytes) -> str:
    """The text of every XML part of an Office file (xlsx cells, docx runs), tags dropped, runs joined."""
    import io
    import re
    import zipfile

    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            member = archive.read(name)
            if zipfile.is_zipfile(io.BytesIO(member)):
                parts.append(_zip_text(member))
            elif name.endswith((".xml", ".rels", ".json", ".csv", ".txt")):
                parts.append(re.sub(r"<[^>]+>", "", member.decode("utf-8", "replace")))
    return "\n".join(parts)


def _body_text(response) -> str:
    """A response as the text a person could read in it, whatever its type."""
    import io
    import json
    import zipfile

    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if zipfile.is_zipfile(io.BytesIO(data)):  # xlsx, docx, zip
        return _zip_text(data)
    if kind.startswith("image/") and "svg" not in kind:
        return ""
    if "json" in kind:
        return json.dumps(json.loads(data), ensure_ascii=False)
    return data.decode("utf-8" if "pdf" not in kind else "latin-1", "replace")


def _walk_urls(cast, role, names, runs) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every URL of `names` the matrix allows `role`, and of every unit's results page,
    letter and result page in `runs`."""
    from django.urls import reverse

    cases = [(name, MATRIX[name]) for name in sorted(names) if name not in NOT_WALKED]
    urls = [(case.method, _url(cast, name, case), _data(cast, case)) for name, case in cases
            if role in case.allowed or case.public]
    for run in runs:
        for result in run.results.all():
            urls += [("get", reverse("results:unit_results", args=[result.unit_id]), {}),
                     ("get", reverse("results:feedback_letter", args=[result.pk]), {}),
                     ("get", reverse("scoring:result_detail", args=[result.pk]), {})]
    return urls


def _shows(figure: str, text: str) -> bool:
    """`figure` stands in `text` as a number of its own, not inside a longer one: a stored time such as
    2026-12-07T06:22:37.318+00:00 on an audit page, or a row id, holds "37.31" by chance."""
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d])", text) is not None


def _walk(cast, login, role, names, runs, secrets) -> list[str]:
    """Every (url, figure) where `role` saw one of `secrets`."""
    seen = []
    user = getattr(cast, role)
    for method, url, data in _walk_urls(cast, role, names, runs):
        client = login(user)  # again before each request: a POST may have changed the active membership
        response = getattr(client, method)(url, data, follow=True)
        try:
            text = _body_text(response)
        except ValueError as error:
            raise AssertionError(f"{role} {method.upper()} {url}: unreadable {response.get('Content-Type')}") from error
        seen += [f"{role} {method.upper()} {url}: {figure}" for figure in secrets if _shows(figure, text)]
    return seen


@pytest.mark.parametrize("source", sorted(CASE_SOURCES))
def test_no_role_of_a_unit_reads_an_unreleased_run_anywhere(source, cast, login):
    from django.urls import reverse

    from jixiao.results.tests.builders import UNRELEASED_CALIBRATION

    preliminary, final = _released_world(cast)
    secrets = _figures(final) | {UNRELEASED_CALIBRATION}
    assert not secrets & _figures(preliminary), "the unreleased run's figures must be its own"
    seen = []
    for role in WALKERS:
        seen += _walk(cast, login, role, CASE_SOURCES[source], [preliminary, final], secrets)
    assert seen == [], "figures of the unreleased run shown:\n" + "\n".join(seen)
    # The walk reads real pages: the street's page shows its released preliminary figures...
    street = login(cast.street_reporter).get(reverse("results:unit_results", args=[cast.street.pk])).content.decode()
    assert f"{preliminary.results.get(unit=cast.street).total:.2f}" in street
    # ...and the office sees the unreleased run, so its figures are where a leak would show them.
    office = login(cast.office)
    assert UNRELEASED_CALIBRATION in _body_text(office.get(
        reverse("scoring:result_detail", args=[final.results.get(unit=cast.street).pk])))


def test_a_published_run_reaches_the_unit_page_letter_and_home(cast, login):
    from django.urls import reverse

    from jixiao.scoring import actions as scoring

    preliminary, final = _released_world(cast)
    result = final.results.get(unit=cast.street)
    figure = f"{result.total:.2f}"
    client = login(cast.street_reporter)
    page = reverse("results:unit_results", args=[cast.street.pk])
    assert figure not in client.get(page).content.decode()
    from jixiao.results.tests.builders import approve

    approve(final, cast.office)
    scoring.publish(final, by=cast.office)
    client = login(cast.street_reporter)
    assert figure in client.get(page).content.decode()
    assert f"得分{figure}分" in _body_text(client.get(reverse("results:feedback_letter", args=[result.pk])))
    assert figure in client.get(reverse("scoring:our_result")).content.decode()
    assert figure in client.get(reverse("ui:home")).content.decode()
