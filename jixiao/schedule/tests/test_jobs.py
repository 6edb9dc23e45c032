"""The daily jobs: each runs, a failure is reported without stopping the others, a second run changes nothing."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from jixiao.audit.models import Event
from jixiao.reporting import actions as reporting
from jixiao.reporting.models import Status, Submission
from jixiao.reporting.tests.builders import IN_Q1_WINDOW, fill, world
from jixiao.schedule import jobs

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("day, expected", [
    (datetime.date(2026, 1, 5), (2025, "Q4")), (datetime.date(2026, 4, 1), (2026, "Q1")),
    (datetime.date(2026, 12, 31), (2026, "Q3")), (datetime.date(2026, 10, 1), (2026, "Q3")),
])
def test_last_ended_quarter(day, expected):
    assert jobs.last_ended_quarter(day) == expected


def test_seconds_until_the_next_run():
    now = datetime.datetime(2026, 11, 25, 1, 0, tzinfo=SHANGHAI)
    assert jobs.seconds_until(datetime.time(1, 30), now) == 30 * 60
    assert jobs.seconds_until(datetime.time(0, 30), now) == 23.5 * 3600
    assert jobs.seconds_until(datetime.time(1, 0), now) == 24 * 3600


@pytest.fixture
def verified(cast, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        w = world(cast)
        fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
        sub = reporting.submit(Submission.objects.get(unit=cast.street, period=w["q1"]), by=cast.street_reporter)
        reporting.approve(sub, by=cast.street_reviewer)
        return reporting.verify(sub, by=cast.assessor, assessor=cast.tjj)


def test_the_command_locks_due_submissions_once_and_audits_as_the_schedule(verified):
    out = io.StringIO()
    call_command("run_schedule", "--date", "2026-04-29", stdout=out)
    verified.refresh_from_db()
    assert verified.status == Status.LOCKED
    assert "锁定报件 1 份" in out.getvalue()
    assert Event.objects.get(code="submission.locked").username == "定时任务"
    events = Event.objects.count()
    again = io.StringIO()
    call_command("run_schedule", "--date", "2026-04-29", stdout=again)
    assert "锁定报件 0 份" in again.getvalue()
    assert Event.objects.count() == events


def test_a_failing_job_is_reported_and_the_others_still_run(verified, monkeypatch):
    def broken(day):
        raise RuntimeError("提醒服务不可用")

    monkeypatch.setattr(jobs, "JOBS", [("send_reminders", "报送提醒", broken)] + jobs.JOBS[:1])
    out = io.StringIO()
    with pytest.raises(CommandError, match="有定时任务运行失败"):
        call_command("run_schedule", "--date", "2026-04-29", stdout=out)
    assert "✗ 报送提醒：失败：提醒服务不可用" in out.getvalue()
    verified.refresh_from_db()
    assert verified.status == Status.LOCKED


@pytest.mark.django_db
@pytest.mark.parametrize("args, message", [
    (["--only", "lock_due_submissions,make_coffee"], "没有这些定时任务：make_coffee"),
    (["--date", "2026-13-01"], "日期“2026-13-01”无效"),
])
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("run_schedule", *args, stdout=io.StringIO())


@pytest.mark.django_db
def test_only_runs_the_named_jobs():
    out = io.StringIO()
    call_command("run_schedule", "--only", "purge_contacts", stdout=out)
    assert out.getvalue().strip() == "✓ 删除超过保存期限的评议联系电话：删除过期联系电话 0 个"


@pytest.mark.django_db
def test_rate_limit_counters_older_than_two_days_are_purged_daily():
    from jixiao.evaluation.models import Counter

    day = datetime.date(2026, 11, 25)
    old = datetime.datetime(2026, 11, 22, 23, 50, tzinfo=SHANGHAI)
    recent = datetime.datetime(2026, 11, 23, 0, 10, tzinfo=SHANGHAI)
    Counter.objects.create(key="addr:old", window_start=old, hits=3)
    Counter.objects.create(key="addr:recent", window_start=recent, hits=1)
    [outcome] = jobs.run_all(day, only={"purge_counters"})
    assert outcome.ok and outcome.summary == "删除过期限流计数 1 条"
    assert list(Counter.objects.values_list("key", flat=True)) == ["addr:recent"]
    assert jobs.run_all(day, only={"purge_counters"})[0].summary == "删除过期限流计数 0 条"
