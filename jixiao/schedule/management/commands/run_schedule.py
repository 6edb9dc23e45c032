"""manage.py run_schedule [--loop] [--date YYYY-MM-DD] [--only CODE,...]: the daily jobs (定时任务).

Without --loop: run every job once and exit (non-zero when one failed) — for cron or a systemd timer.
With --loop: run at start, then every day at JIXIAO_SCHEDULE_AT (local time); `make run` starts it this way.
"""

import datetime
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jixiao.schedule import jobs


class Command(BaseCommand):
    help = "运行每日定时任务：到期锁定、报送提醒、重点工作预警、整改逾期提醒、删除过期联系电话。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="常驻运行：启动时运行一次，此后每天定时运行。")
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天。")
        parser.add_argument("--only", help="只运行所列任务（逗号分隔）：" + "、".join(c for c, _, _ in jobs.JOBS))

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
        while not stop.is_set():
            self._run(day, only)
            stop.wait(jobs.seconds_until(at, timezone.localtime()))

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
