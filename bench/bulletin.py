"""Time to produce the key-work bulletin, and the office board's query count at 1× and 10× tasks.

Runs in-process against a throw-away SQLite database (and media folder) loaded with the demo organisation,
accounts and key work (the other demo steps are not needed). Figures:

- bulletin_ms: median time to collect and render the 2025 year-end bulletin (40 tasks, four quarters of
  progress each) as .docx; goal ≤ 2000 ms. Baseline: an empty GB/T 9704 document (letterhead, title,
  signature) rendered in the same run.
- board: median server time and query count of the office board (/keywork/?cycle=2026) with the 40 tasks of
  2026 and again with ten times as many; the query count must be the same. Baseline: /healthz.

The last line is one JSON object.
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
os.environ["JIXIAO_MEDIA_ROOT"] = str(Path(_tmp) / "media")
os.environ["JIXIAO_DEMO_MODE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
os.environ["JIXIAO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402
import json  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "10"))


def median_ms(fn, runs=RUNS) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def load():
    from jixiao.demo import accounts, build, keywork, org

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for step in (org.build, accounts.build, keywork.build):
            step(build.step_rng(step))


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


def page(client, url) -> dict:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    ms = median_ms(get)
    with CaptureQueriesContext(connection) as ctx:
        get()
    return {"median_ms": ms, "queries": len(ctx.captured_queries)}


def multiply_tasks(cycle, factor: int) -> int:
    """Add (factor - 1) copies of every task of the cycle with its milestones and progress reports."""
    from jixiao.keywork.models import KeyTask, Milestone, Progress

    originals = list(KeyTask.objects.filter(cycle=cycle).prefetch_related("milestones", "progress_reports"))
    for copy in range(1, factor):
        clones = []
        for task in originals:
            clone = KeyTask(**{f.attname: getattr(task, f.attname) for f in KeyTask._meta.concrete_fields
                               if f.attname != "id"})
            clone.code = f"{task.code}-{copy}"
            clones.append(clone)
        KeyTask.objects.bulk_create(clones)
        Milestone.objects.bulk_create([Milestone(task=c, period_code=m.period_code, due_on=m.due_on,
                                                 description=m.description)
                                       for c, t in zip(clones, originals, strict=True) for m in t.milestones.all()])
        Progress.objects.bulk_create([Progress(task=c, unit_id=p.unit_id, period_code=p.period_code, text=p.text,
                                               percent=p.percent, milestone_met=p.milestone_met,
                                               reported_by_id=p.reported_by_id, reported_at=p.reported_at)
                                      for c, t in zip(clones, originals, strict=True)
                                      for p in t.progress_reports.all()])
    return KeyTask.objects.filter(cycle=cycle).count()


def main():
    from jixiao.keywork import bulletins
    from jixiao.keywork.models import KeyTask
    from jixiao.lib import documents
    from jixiao.org.models import Cycle

    load()
    result = {"runs": RUNS}
    past = Cycle.objects.get(year=2025)
    tasks = KeyTask.objects.filter(cycle=past).count()
    issued = datetime.date(2026, 1, 15)

    def bulletin():
        summary = bulletins.collect(past, "Y")
        return bulletins.render(summary, doc_number=bulletins.number_for(past, 5), issued_on=issued)

    def empty():
        doc = documents.new_document()
        documents.add_letterhead(doc, "示范区绩效考核办公室文件", "示范区绩效办〔2026〕1号")
        documents.add_title(doc, "通报")
        documents.add_signature(doc, "示范区绩效考核办公室", issued)
        return documents.to_bytes(doc)

    baseline_doc = median_ms(empty)
    result["bulletin"] = {"tasks": tasks, "periods_of_history": 4, "median_ms": median_ms(bulletin),
                          "bytes": len(bulletin()), "goal_ms": 2000}
    result["bulletin"]["ratio_to_baseline"] = round(result["bulletin"]["median_ms"] / baseline_doc, 1)
    result["baseline_empty_document_ms"] = baseline_doc
    result["bulletin_within_goal"] = result["bulletin"]["median_ms"] <= 2000
    print(f"bulletin  {tasks} tasks  {result['bulletin']['median_ms']:8.2f} ms  (empty document {baseline_doc} ms)")

    client = office_client()
    baseline = page(client, "/healthz")
    result["baseline_healthz"] = baseline
    current = Cycle.objects.get(year=2026)
    for factor in (1, 10):
        count = multiply_tasks(current, factor) if factor > 1 else KeyTask.objects.filter(cycle=current).count()
        figures = page(client, "/keywork/?cycle=2026")
        figures["tasks"] = count
        figures["ratio_to_baseline"] = round(figures["median_ms"] / baseline["median_ms"], 1)
        result[f"board_{factor}x"] = figures
        print(f"board {factor:>2}×  {count:4d} tasks  {figures['median_ms']:8.2f} ms  {figures['queries']:3d} queries")
    result["board_queries_constant"] = result["board_1x"]["queries"] == result["board_10x"]["queries"]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
