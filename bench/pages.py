"""Server time and query count of the office admin's home page and unit tree, at 1× and 10× units.

Runs in-process against a throw-away SQLite database loaded with the demo district, measures each page
`RUNS` times through Django's test client (the whole request cycle: middleware, session, view, template),
and prints the figures; the last line is one JSON object. The baseline is /healthz measured in the same
run, so the ratio says how much heavier a page is than the lightest request the server can answer.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jixiao-bench-")
os.environ["JIXIAO_SQLITE_PATH"] = str(Path(_tmp) / "bench.sqlite3")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ["JIXIAO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

import django  # noqa: E402

django.setup()

import json  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm caches and the template loader
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return {"median_ms": round(statistics.median(times), 2), "queries": len(ctx.captured_queries)}


def office_client() -> Client:
    from jixiao.accounts.middleware import AUTH_AT_KEY
    from jixiao.accounts.models import Membership

    membership = Membership.objects.active().filter(role="office_admin").select_related("user").first()
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[AUTH_AT_KEY] = time.time()
    session["active_membership_id"] = membership.pk
    session.save()
    return client


def multiply_units(factor: int) -> int:
    """Add (factor - 1) copies of every department, street and village, so the tree is factor× as large."""
    from jixiao.org.models import Unit

    originals = list(Unit.objects.exclude(kind__in=["district", "city"]).order_by("id"))
    parents = {}
    for copy in range(1, factor):
        for unit in originals:
            parent_id = parents.get((copy, unit.parent_id), unit.parent_id)
            clone = Unit.objects.create(
                code=f"X{copy}{unit.code}"[:20], name=f"{unit.name}（副本{copy}）", kind=unit.kind,
                parent_id=parent_id, is_assessor=unit.is_assessor, valid_from=unit.valid_from,
            )
            parents[(copy, unit.id)] = clone.id
    return Unit.objects.count()


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    client = office_client()
    pages = {"home": "/", "unit_tree": "/org/units/"}
    result = {"runs": RUNS}
    baseline = measure(client, "/healthz")
    result["baseline_healthz"] = baseline
    for factor in (1, 10):
        if factor > 1:
            multiply_units(factor)
        from jixiao.org.models import Unit

        result[f"units_{factor}x"] = Unit.objects.count()
        for name, url in pages.items():
            figures = measure(client, url)
            figures["ratio_to_baseline"] = round(figures["median_ms"] / baseline["median_ms"], 1)
            result[f"{name}_{factor}x"] = figures
            print(f"{name:10s} {factor:>2}×  {figures['median_ms']:8.2f} ms  {figures['queries']:3d} queries  "
                  f"×{figures['ratio_to_baseline']} of /healthz")
    for name in pages:
        result[f"{name}_queries_constant"] = result[f"{name}_1x"]["queries"] == result[f"{name}_10x"]["queries"]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
