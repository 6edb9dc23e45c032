"""The daily jobs (定时任务): every periodic duty of the platform, run once a day in a fixed order.

Each job is idempotent (running it twice on one day changes nothing the second time), so the runner can
start with the server and again every day without bookkeeping. A failing job is reported and the others
still run; the caller sees which one failed.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from jixiao.audit import context

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    code: str
    title: str
    ok: bool
    summary: str


def lock_submissions(day: datetime.date) -> str:
    from jixiao.reporting import actions

    return f"锁定报件 {actions.lock_due_submissions(day)} 份"


def reporting_reminders(day: datetime.date) -> str:
    from jixiao.reporting import reminders

    return f"发送提醒 {reminders.send_reminders(day)} 条"


def keywork_warnings(day: datetime.date) -> str:
    """Warnings for the quarter that ended last (Q4 of last year in January), once per task and quarter."""
    from jixiao.keywork import actions, periods
    from jixiao.org.models import Cycle

    year, code = last_ended_quarter(day)
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        return f"{year} 年度不存在，跳过"
    created = actions.raise_warnings(cycle, code)
    return f"{year}年{periods.label(code)}新预警 {len(created)} 条"


def rectification_reminders(day: datetime.date) -> str:
    from jixiao.results import actions

    return f"整改逾期提醒 {actions.remind_overdue(day)} 条"


def purge_contacts(day: datetime.date) -> str:
    from jixiao.evaluation import actions

    return f"删除过期联系电话 {actions.purge_contacts(today=day)} 个"


def purge_counters(day: datetime.date) -> str:
    """Forget the evaluation's rate-limit windows older than two days before the day starts (the table only grew)."""
    from jixiao.evaluation import guards

    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return f"删除过期限流计数 {guards.purge(start)} 条"


def audit_anchor(day: datetime.date) -> str:
    """Verify the audit chain and append its head to the anchor file outside the database, once a day."""
    from jixiao.audit import log

    return log.anchor_daily(day)


def daily_backup(day: datetime.date) -> str:
    """The day's backup into JIXIAO_BACKUP_DIR, keeping the newest JIXIAO_BACKUP_KEEP (jixiao/backup)."""
    from django.conf import settings

    from jixiao.backup import actions

    if not settings.BACKUP_DIR:
        return "未设置备份目录（JIXIAO_BACKUP_DIR），跳过"
    return actions.daily_backup(Path(settings.BACKUP_DIR), day, settings.BACKUP_KEEP)


JOBS: list[tuple[str, str, Callable[[datetime.date], str]]] = [
    ("lock_due_submissions", "到期锁定已核定报件", lock_submissions),
    ("send_reminders", "报送截止与逾期提醒", reporting_reminders),
    ("keywork_warnings", "重点工作滞后预警", keywork_warnings),
    ("remind_rectifications", "整改逾期提醒", rectification_reminders),
    ("purge_contacts", "删除超过保存期限的评议联系电话", purge_contacts),
    ("purge_counters", "删除两天前的评议限流计数", purge_counters),
    ("audit_anchor", "校验审计日志并记录外部锚点", audit_anchor),
    ("backup", "备份数据库与上传文件", daily_backup),
]


def last_ended_quarter(day: datetime.date) -> tuple[int, str]:
    """(year, "Qn") of the last quarter that ended before `day`."""
    quarter = (day.month - 1) // 3
    return (day.year - 1, "Q4") if quarter == 0 else (day.year, f"Q{quarter}")


def run_all(day: datetime.date | None = None, only: set[str] | None = None) -> list[Outcome]:
    """Run every job (or those named in `only`) for `day`, each in turn; one failure does not stop the rest."""
    day = day or timezone.localdate()
    token = context.bind(context.Actor(username="定时任务", request_id=context.new_request_id()))
    try:
        return [_run(code, title, job, day) for code, title, job in JOBS if not only or code in only]
    finally:
        context.reset(token)


def _run(code: str, title: str, job, day: datetime.date) -> Outcome:
    try:
        return Outcome(code, title, True, job(day))
    except Exception as error:  # noqa: BLE001 - one job's failure is reported, the others still run
        logger.exception("daily job %s failed", code)
        return Outcome(code, title, False, f"失败：{error}")


def seconds_until(at: datetime.time, now: datetime.datetime) -> float:
    """Seconds from `now` (aware, local) until the next `at` o'clock, today or tomorrow."""
    target = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if target <= now:
        target += datetime.timedelta(days=1)
    return (target - now).total_seconds()
