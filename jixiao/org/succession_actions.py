"""Recording reorganisations (机构调整): which unit carries on which, from when. Atomic, checked and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit import log
from jixiao.lib.excel import CellError, WorkbookError
from jixiao.org.models import Succession, Unit
from jixiao.org.successionbook import SHEET

FIELDS = ["predecessor", "successor", "on", "kind", "note"]
DAY = datetime.timedelta(days=1)


def would_loop(predecessor_id: int, successor_id: int, pairs) -> bool:
    """Whether adding predecessor → successor closes a loop: the successor already leads back to the predecessor.

    `pairs` are the recorded (predecessor, successor) ids."""
    later = {}
    for before, after in pairs:
        later.setdefault(before, set()).add(after)
    seen, todo = set(), [successor_id]
    while todo:
        current = todo.pop()
        if current == predecessor_id:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(later.get(current, ()))
    return False


def problems(predecessor: Unit, successor: Unit, on: datetime.date, pairs) -> list[str]:
    """What is wrong with recording predecessor → successor on `on` (Chinese), given the recorded pairs."""
    if predecessor.pk == successor.pk:
        return ["原单位与承继单位不能是同一个单位"]
    found = []
    if (predecessor.pk, successor.pk) in set(pairs):
        found.append(f"已记录过“{predecessor.name}”由“{successor.name}”承继，如需修改请先删除原记录")
    elif would_loop(predecessor.pk, successor.pk, pairs):
        found.append(f"“{successor.name}”已经（直接或间接）由“{predecessor.name}”的前身承继而来，"
                     "再记录会形成循环")
    if on <= predecessor.valid_from:
        found.append(f"调整日期须晚于原单位“{predecessor.name}”的启用日期 {predecessor.valid_from}")
    if predecessor.valid_to is not None and on > predecessor.valid_to + DAY:
        found.append(f"原单位“{predecessor.name}”已于 {predecessor.valid_to} 撤销，调整日期最晚为其撤销次日 "
                     f"{predecessor.valid_to + DAY}")
    if on < successor.valid_from:
        found.append(f"调整日期不能早于承继单位“{successor.name}”的启用日期 {successor.valid_from}")
    if successor.valid_to is not None and on > successor.valid_to:
        found.append(f"承继单位“{successor.name}”已于 {successor.valid_to} 撤销，不能在此之后承继")
    return found


@transaction.atomic
def record_succession(*, predecessor: Unit, successor: Unit, on: datetime.date, kind: str, note: str = "",
                      by) -> Succession:
    """Record that `successor` carries on `predecessor`'s work from `on` (更名/合并/拆分/划转)."""
    Unit.objects.select_for_update().filter(pk__in=[predecessor.pk, successor.pk]).count()
    predecessor, successor = Unit.objects.get(pk=predecessor.pk), Unit.objects.get(pk=successor.pk)
    pairs = list(Succession.objects.values_list("predecessor_id", "successor_id"))
    found = problems(predecessor, successor, on, pairs)
    if found:
        raise ValidationError(found)
    succession = Succession(predecessor=predecessor, successor=successor, on=on, kind=kind, note=note)
    succession.full_clean()
    succession.save()
    log.record("unit.succession_recorded", successor, after=log.snapshot(succession, FIELDS), user=by)
    return succession


@transaction.atomic
def remove_succession(succession: Succession, *, by) -> None:
    """Delete a record made in error; the audit log keeps what it said."""
    before = log.snapshot(succession, FIELDS)
    successor = succession.successor
    succession.delete()
    log.record("unit.succession_removed", successor, before=before, user=by)


@transaction.atomic
def import_successions(rows, *, by) -> list[Succession]:
    """Record every row of a 机构调整 workbook (`successionbook.read`), or none: each row is checked as the form
    checks one, against the database and the rows before it; any refusal rolls all back with every problem."""
    units = {u.code: u for u in Unit.objects.filter(code__in={r.predecessor for r in rows} | {r.successor
                                                                                          for r in rows})}
    made, errors = [], []
    for row in rows:
        unknown = [code for code in (row.predecessor, row.successor) if code not in units]
        if unknown:
            errors.append(CellError(SHEET, row.row, "", f"单位编码不存在：{'、'.join(unknown)}"))
            continue
        try:
            with transaction.atomic():
                made.append(record_succession(predecessor=units[row.predecessor], successor=units[row.successor],
                                              on=row.on, kind=row.kind, note=row.note, by=by))
        except ValidationError as exc:
            errors += [CellError(SHEET, row.row, "", message) for message in exc.messages]
    if errors:
        raise WorkbookError(errors)
    return made
