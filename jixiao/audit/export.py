"""Excel export of an audit search. The export is itself an audit event (audit.exported)."""

import io

import xlsxwriter
from django.db import transaction
from django.utils import timezone

from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.audit.labels import label_for
from jixiao.audit.models import Outcome

MAX_ROWS = 100_000
# A spreadsheet program treats text starting with these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    ("编号", 10), ("时间（北京时间）", 20), ("用户名", 14), ("角色", 12), ("单位编码", 10), ("事件编码", 22),
    ("事件", 14), ("结果", 8), ("对象类型", 18), ("对象编号", 10), ("对象", 30), ("客户端IP", 16),
    ("请求编号", 38), ("变更前", 40), ("变更后", 40), ("前一条哈希", 66), ("哈希", 66),
]


def safe_text(value) -> str:
    """Text as the cell will hold it, with a leading apostrophe so no formula can run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(event) -> list:
    roles, outcomes = dict(Role.choices), dict(Outcome.choices)
    return [
        event.pk, timezone.localtime(event.at).replace(tzinfo=None), event.username,
        str(roles.get(event.role, event.role)), event.unit_code, event.code, label_for(event.code),
        str(outcomes.get(event.outcome, event.outcome)), event.object_type, event.object_id, event.object_repr,
        event.ip or "", event.request_id, log.as_text(event.before), log.as_text(event.after),
        event.prev_hash, event.hash,
    ]


def workbook(events) -> bytes:
    """An .xlsx file with one row per event: ids as numbers, times as dates, everything else defused text."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("审计日志")
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, (title, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    for row_no, event in enumerate(events, start=1):
        values = _row(event)
        sheet.write_number(row_no, 0, values[0])
        sheet.write_datetime(row_no, 1, values[1], when)
        for col, value in enumerate(values[2:], start=2):
            sheet.write_string(row_no, col, safe_text(value))
    book.close()
    return output.getvalue()


@transaction.atomic
def export_events(queryset, *, filters: dict) -> tuple[bytes, int]:
    """Build the workbook of a search (at most MAX_ROWS rows) and record who exported what."""
    events = list(queryset[:MAX_ROWS])
    data = workbook(events)
    log.record("audit.exported", object_repr="审计日志导出", after={"filters": filters, "rows": len(events)})
    return data, len(events)
