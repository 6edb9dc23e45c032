"""manage.py run_schedule [--loop] [--date YYYY-MM-DD] [--only CODE,...]: the daily jobs (定时任务).

Without --loop: run every job once and exit (non-zero when one failed) — for cron or a systemd timer.
With --loop: run at start, then every day at JIXIAO_SCHEDULE_AT (local time); `make run` starts it this way.
A looping process runs the jobs only while it holds the schedule lock (jixiao/schedule/lock.py); a second one
started beside it waits in standby, tries again every --standby-retry seconds, and takes over (running the day's
jobs at once, as at a start) when the first stops. The jobs are idempotent, so such a second run changes nothing.
"""

import datetime
import os
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.schedule import jobs
from jixiao.schedule.lock import schedule_lock


class Command(BaseCommand):
    help = "运行每日定时任务：到期锁定、报送提醒、重点工作预警、整改逾期提醒、删除过期联系电话。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="常驻运行：启动时运行一次，此后每天定时运行。")
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天。")
        parser.add_argument("--only", help="只运行所列任务（逗号分隔）：" + "、".join(c for c, _, _ in jobs.JOBS))
        parser.add_argument("--standby-retry", type=float, default=30, metavar="SECONDS",
                            help="常驻运行时，若另一进程已在运行定时任务，本进程待命并每隔多少秒重试（默认 30）。")

    def handle(self, *args, **options):
        day = _date(options["date"])
        only = _only(options["only"])
        if not options["loop"]:
            if not self._run(day, only):
                raise CommandError("有定时任务运行失败，详见上方输出。")
            return
        at = _time(settings.SCHEDULE_AT)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"定时任务已启动：每天 {at:%H:%M} 运行。")
        self._loop(stop, at, day, only, options["standby_retry"])

    def _loop(self, stop: threading.Event, at: datetime.time, day, only, retry: float) -> None:
        """Run the jobs now and every day at `at` while holding the lock; otherwise stand by and retry."""
        lock, leading = schedule_lock(), None
        try:
            while not stop.is_set():
                if not lock.acquire():
                    if leading is not False:
                        holder = lock.holder() or "另一进程"
                        self.stdout.write(f"定时任务待命：{holder}正在运行定时任务，本进程每 {retry:g} 秒重试一次。")
                    leading = False
                    stop.wait(retry)
                    continue
                if not leading:
                    self.stdout.write(f"本进程（{os.getpid()}）负责运行定时任务。")
                leading = True
                self._run(day, only)
                self.stdout.write(f"定时任务运行完毕，下次：{at:%H:%M}。")
                stop.wait(jobs.seconds_until(at, timezone.localtime()))
        finally:
            lock.release()

    def _run(self, day, only) -> bool:
        outcomes = jobs.run_all(day, only)
        for outcome in outcomes:
            mark = "✓" if outcome.ok else "✗"
            self.stdout.write(f"{mark} {outcome.title}：{outcome.summary}")
        return all(o.ok for o in outcomes)


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，应为 YYYY-MM-DD。") from None


def _only(text: str | None) -> set[str] | None:
    if not text:
        return None
    codes = {c.strip() for c in text.split(",") if c.strip()}
    unknown = codes - {c for c, _, _ in jobs.JOBS}
    if unknown:
        raise CommandError(f"没有这些定时任务：{'、'.join(sorted(unknown))}。")
    return codes


def _time(text: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise CommandError(f"JIXIAO_SCHEDULE_AT=“{text}”无效，应为 HH:MM。") from None
