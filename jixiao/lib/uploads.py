"""What every workbook import does with a file it refuses: one audit event, the same for units, schemes and values.

SECURITY.md asks that refused attempts be recorded: an office that sees five refused uploads of the same hostile
file in the audit log learns more than one that sees nothing. This is the workbook case of `lib/refusals`, for
the page, the background job and the command alike.
"""

from __future__ import annotations

from jixiao.lib import refusals
from jixiao.lib.excel import WorkbookError


def record_refusal(code: str, obj, *, user, error: WorkbookError, file_name: str = "") -> None:
    """Record one refused upload (outcome "failure"): its first problem, where it is, and how many there were.

    Call it after the import's transaction rolled back (or when nothing was opened): the event must stay written.
    `user` None attributes it to the request's or the command's actor."""
    first = str(error.errors[0]) if error.errors else str(error)
    refusals.record(code, obj, first, user=user, file=str(file_name)[-100:], problems=error.total)
