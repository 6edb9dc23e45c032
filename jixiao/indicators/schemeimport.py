"""The scheme workbook's import: plan it (`schemeplan`), refuse a locked scheme's change without its reason,
then write every row or none in one transaction, with one audit event per changed row and one summary event."""

from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jixiao.audit import log
from jixiao.indicators import schemebook, schemeplan
from jixiao.indicators.locking import is_office_admin
from jixiao.indicators.models import (
    SCHEME_OPTIONS,
    AdjustmentCategory,
    GradeRule,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    TargetMilestone,
    TargetSource,
    VetoCondition,
)
from jixiao.lib.rows import insert_rows, sqlite_amount


class ImportRefused(ValidationError):
    """The workbook is fine but the import may not run as asked (a locked scheme without a reason)."""


class ImportConflict(ValidationError):
    """Another import or edit wrote rows this import was about to write, between its plan and its write (two
    offices confirming the same new targets at once): nothing of this import is written; reading the file again
    plans against what is there now."""

    def __init__(self):
        super().__init__("写入时与同时进行的其他修改冲突（例如另一人刚刚导入或修改了相同的目标值），本次未写入任何数据。"
                         "请重新上传文件，核对预览后再确认。")


@transaction.atomic
def import_scheme_book(book: dict, *, by, reason: str = "", file_name: str = ""):
    """Apply a parsed scheme workbook: every row or none. Plans again inside the transaction, then writes.

    Changed existing rows get one audit event each with before/after (`target.imported`, `item.imported` …;
    changes to a locked scheme `scheme.changed_after_lock` with the reason); new rows are listed in the one
    summary event `scheme.imported`. Raises WorkbookError (row-level problems), ImportRefused or ImportConflict.
    """
    return _apply_book_plan(schemeplan.plan(book), by, reason, file_name)  # plan raises WorkbookError


@transaction.atomic
def import_scheme_file(file, max_bytes: int, *, by, reason: str = "", file_name: str = ""):
    """Read, check and apply a scheme workbook file in one transaction (the command's import); as
    `import_scheme_book`, with the file read by `schemeplan.read`."""
    _book, plan = schemeplan.read(file, max_bytes)
    return _apply_book_plan(plan, by, reason, file_name)


def _apply_book_plan(plan, by, reason: str, file_name: str):
    """Refuse a locked scheme's change without the right person or a reason, else write the plan and audit it."""
    if plan.locked:
        if by is not None and not is_office_admin(by):
            raise PermissionDenied("方案已锁定，只有绩效办管理员可以修改。")
        if not (reason or "").strip():
            raise ImportRefused(f"以下方案已锁定（已发布或本年度考核已开始），修改须填写修改理由：{'、'.join(plan.locked)}")
    if plan.has_changes:
        try:
            with transaction.atomic():
                _BookWriter(plan, by, (reason or "").strip()).write()
        except IntegrityError as exc:  # the plan checked every row: only a concurrent writer gets here
            raise ImportConflict() from exc
        log.record("scheme.imported", plan.cycle, object_repr=f"{plan.cycle.year}年度考核方案工作簿",
                   after={"file": file_name, "counts": plan.counts, "reason": (reason or "").strip(),
                          "created": {op_sheet: keys for op_sheet, keys in _created_keys(plan).items() if keys}},
                   **({"user": by} if by is not None else {}))
    return plan


def _created_keys(plan) -> dict:
    """The key text (`Op.key`) of every new row, per sheet: built here in one pass, thousands at a time."""
    created = {}
    for spec_key, ops in plan.ops.items():
        fields = ops[0].spec.key_fields if ops else ()
        if len(fields) == 2:  # most rows (targets, milestones): one f-string, not a join of a list
            first, second = fields
            created[spec_key] = [f"{op.row.get(first)} / {op.row.get(second)}" for op in ops if op.status == "new"]
        else:
            created[spec_key] = [" / ".join([str(op.row.get(f)) for f in fields]) for op in ops if op.status == "new"]
    if plan.plain_targets:  # their keys in row order among the other new targets'
        plain = [f"{entry[1]} / {entry[2]}" for entry in plan.plain_targets]
        others = [(op.row["row"], op.key) for op in plan.ops["targets"] if op.status == "new"]
        if others:
            numbered = [(entry[0], key) for entry, key in zip(plan.plain_targets, plain, strict=True)]
            plain = [key for _number, key in sorted(numbered + others)]
        created["targets"] = plain
    return created


PART_FIELDS = {
    "blocks": ["name", "weight", "kind", "sort_order"],
    "groups": ["group", "sort_order"],
    "categories": ["name", "kind", "cap", "outside_total", "sort_order"],
    "vetoes": ["name", "effect", "cap_grade", "sort_order"],
    "grades": ["min_score", "quota_percent"],
}
PART_MODELS = {"blocks": SchemeBlock, "groups": SchemeGroup, "categories": AdjustmentCategory,
               "vetoes": VetoCondition, "grades": GradeRule}
PART_NAMES = {"schemes": "scheme", "blocks": "block", "groups": "scheme_group", "items": "item",
              "categories": "adjustment_category", "vetoes": "veto", "grades": "grade"}


class _BookWriter:
    """Writes a checked plan: schemes, then their parts, then targets, decomposition links and milestones."""

    def __init__(self, plan, by, reason):
        self.plan, self.by, self.reason = plan, by, reason
        self.state = plan.state
        self.who = {"user": by} if by is not None else {}
        self.schemes = dict(self.state.schemes)
        self.blocks = dict(self.state.blocks)

    def write(self):
        self.write_schemes()
        for key in ("blocks", "groups", "categories", "vetoes", "grades"):
            self.write_parts(key)
        self.write_items()
        self.write_targets()
        self.write_carried_milestones()
        self.write_links()
        self.write_milestones()

    def audit_change(self, key, op, obj):
        before = {title: old for title, old, _new in op.diffs}
        after = {title: new for title, _old, new in op.diffs}
        scheme = self.schemes.get(op.row.get("scheme")) if key != "targets" else None
        if scheme is not None and scheme.is_locked:
            log.record("scheme.changed_after_lock", scheme, before={"part": PART_NAMES[key], "id": obj.pk,
                                                                    "values": before},
                       after={"part": PART_NAMES[key], "id": obj.pk, "values": after, "reason": self.reason,
                              "source": "import"}, **self.who)
        else:
            code = "target.imported" if key == "targets" else f"{PART_NAMES[key]}.imported"
            log.record(code, obj, before=before, after=after, **self.who)

    def write_schemes(self):
        for op in self.plan.ops["schemes"]:
            row = op.row
            scheme = op.existing or Scheme(cycle=self.plan.cycle, code=row["scheme"],
                                           assessing_unit=self.state.units[row["assessing_unit"]])
            scheme.name, scheme.total_points = row["name"], row["total_points"]
            for name in SCHEME_OPTIONS:
                if row.get(name):
                    setattr(scheme, name, row[name])
            scheme.full_clean(validate_unique=op.existing is None)
            scheme.save()
            self.schemes[row["scheme"]] = scheme
            if op.existing is not None:
                self.audit_change("schemes", op, scheme)

    def write_parts(self, key):
        model = PART_MODELS[key]
        for op in self.plan.ops[key]:
            row = op.row
            part = op.existing
            if part is None:
                part = model(scheme=self.schemes[row["scheme"]])
                if key in ("blocks", "categories", "vetoes"):
                    part.code = row["code"]
                elif key == "grades":
                    part.grade = row["grade"]
            for name in PART_FIELDS[key]:
                setattr(part, name, op.values[name])
            part.save()
            if key == "blocks":
                self.blocks[(row["scheme"], row["code"])] = part
            if op.existing is not None:
                self.audit_change(key, op, part)

    def write_items(self):
        new, changed = [], []
        for op in self.plan.ops["items"]:
            row, values = op.row, op.values
            item = op.existing or SchemeItem(scheme=self.schemes[row["scheme"]],
                                             group=self.state.groups[row["group"]],
                                             indicator=self.state.indicators[row["indicator"]])
            item.block = self.blocks[(row["scheme"], values["block_code"])]
            for name in ("points", "rule", "params", "assessor", "not_applicable_policy", "sort_order", "version"):
                setattr(item, name, values[name])
            (changed if op.existing is not None else new).append((op, item))
        SchemeItem.objects.bulk_create([item for _op, item in new])
        for op, item in changed:
            item.save()
            self.audit_change("items", op, item)

    def write_targets(self):
        cycle, state = self.plan.cycle, self.state
        unit_ids = {code: unit.pk for code, unit in state.units.items()}
        indicator_ids = {code: indicator.pk for code, indicator in state.indicators.items()}
        new, changed = [], []
        for op in self.plan.ops["targets"]:
            row = op.row
            if op.existing is None:
                new.append((row["row"], unit_ids[row["unit"]], indicator_ids[row["indicator"]], op.values))
            else:
                changed.append((op, Target(pk=op.existing["id"], cycle=cycle, unit=state.units[row["unit"]],
                                           indicator=state.indicators[row["indicator"]], **op.values)))
        insert_targets(cycle, [row[1:] for row in new], self.plan.plain_targets, [row[0] for row in new])
        if changed:
            Target.objects.bulk_update([t for _op, t in changed], schemeplan.TARGET_FIELDS, batch_size=500)
            for op, target in changed:
                self.audit_change("targets", op, target)

    def write_carried_milestones(self):
        """Milestones that follow a changed target value (the target's own audit event lists them)."""
        carried = self.plan.rederived
        if not carried:
            return
        ids = self.target_ids(set(carried))
        by_target = {ids[key]: values for key, values in carried.items()}
        milestones = list(TargetMilestone.objects.filter(target_id__in=by_target))
        for milestone in milestones:
            milestone.value = by_target[milestone.target_id][milestone.period]
        TargetMilestone.objects.bulk_update(milestones, ["value"], batch_size=500)

    def target_ids(self, keys) -> dict:
        units = {u: self.state.units[u].pk for u, _i in keys}
        indicators = {i: self.state.indicators[i].pk for _u, i in keys}
        rows = Target.objects.filter(cycle=self.plan.cycle, unit_id__in=units.values(),
                                     indicator_id__in=indicators.values()).values_list(
            "id", "unit__code", "indicator__code")
        return {(u, i): pk for pk, u, i in rows}

    def write_links(self):
        ops = self.plan.ops["decompositions"]
        if not ops:
            return
        keys = set()
        for op in ops:
            keys |= {(op.row["unit"], op.row["indicator"]), (op.row["parent_unit"], op.row["indicator"])}
        ids = self.target_ids(keys)
        children = []
        for op in ops:
            child = Target(pk=ids[(op.row["unit"], op.row["indicator"])],
                           parent_id=ids[(op.row["parent_unit"], op.row["indicator"])])
            children.append(child)
        Target.objects.bulk_update(children, ["parent"], batch_size=500)
        for op, child in zip(ops, children, strict=True):
            if op.existing is not None:
                log.record("target.imported", Target.objects.get(pk=child.pk),
                           before={"上级单位编码": op.diffs[0][1]}, after={"上级单位编码": op.diffs[0][2]}, **self.who)

    def write_milestones(self):
        ops = self.plan.ops["milestones"]
        if not ops:
            return
        ids = self.target_ids({(op.row["unit"], op.row["indicator"]) for op in ops})
        target_ids = [ids[(op.row["unit"], op.row["indicator"])] for op in ops]
        TargetMilestone.objects.filter(target_id__in=target_ids).delete()
        TargetMilestone.objects.bulk_create([
            TargetMilestone(target_id=target_id, period=period, value=value)
            for op, target_id in zip(ops, target_ids, strict=True)
            for period, value in op.values.items() if value is not None
        ], batch_size=500)
        for op, target_id in zip(ops, target_ids, strict=True):
            if op.existing is not None:
                log.record("target.milestones_imported", Target.objects.get(pk=target_id),
                           before={t: old for t, old, _n in op.diffs}, after={t: new for t, _o, new in op.diffs},
                           **self.who)


def insert_targets(cycle, rows: list[tuple[int, int, dict]], plain: list[list] = (), numbers: list[int] = ()
                   ) -> None:
    """Insert new targets of `cycle`, (unit id, indicator id, {TARGET_FIELDS: value}) each, and the plain new targets
    `plain` (schemebook.NEW_PLAIN), as multi-row INSERTs; with both, `numbers` gives the row number of each of `rows`
    and the targets go in in row order (so do their ids).

    A workbook may bring thousands of new targets; the ORM's bulk_create spends most of its time building
    model instances and compiling the statement per batch, a plain parameterised INSERT does not. The rows
    are checked by schemeplan beforehand and the table's constraints still hold them. On SQLite, binding is most
    of the INSERT's time: see `_sqlite_runs`.
    """
    shared = {"cycle": cycle.pk, "updated_at": connection.ops.adapt_datetimefield_value(timezone.now())}
    if connection.vendor != "sqlite":
        values_of = itemgetter(*schemeplan.TARGET_FIELDS)
        full = [(unit, indicator, *values_of(values)) for unit, indicator, values in rows]
        if plain:
            full = _in_row_order(full, numbers, [_full_plain_row(entry) for entry in plain], plain)
        insert_rows(Target, TARGET_COLUMNS, full, shared=shared)
        return
    for bare, run in _sqlite_runs(rows, plain, numbers):
        if bare:
            insert_rows(Target, BARE_TARGET_COLUMNS, run, shared={**shared, **BARE_TARGET})
        else:
            insert_rows(Target, TARGET_COLUMNS, run, shared=shared)


TARGET_COLUMNS = ["unit", "indicator", *schemeplan.TARGET_FIELDS]
# A bare target (the common new one): a value and a baseline, the rest as every such row has it.
BARE_TARGET_COLUMNS = ["unit", "indicator", "target_value", "baseline"]
BARE_TARGET = {"upper_value": None, "target_text": "", "actual": None, "source": TargetSource.DISTRICT_SET.value}
MIN_BARE_RUN = 100  # bare rows in a row worth statements of their own


def _full_plain_row(entry: list) -> tuple:
    """A plain new target as a row of TARGET_COLUMNS, its amounts as Decimals (the general path's values)."""
    row = schemebook.plain_row(entry)
    return (entry[3], entry[4], row["target_value"], None, "", row["baseline"], None, BARE_TARGET["source"])


def _in_row_order(rows: list, numbers: list[int], plain_rows: list, plain: list[list]) -> list:
    """`rows` (row numbers `numbers`) and `plain_rows` (those of the plain new targets `plain`) in row order."""
    if not rows:
        return plain_rows
    merged = sorted([*zip(numbers, rows, strict=True), *((entry[0], row) for entry, row in zip(plain, plain_rows,
                                                                                              strict=True))],
                    key=itemgetter(0))
    return [row for _number, row in merged]


def _sqlite_runs(rows: list[tuple], plain: list[list] = (), numbers: list[int] = ()) -> list[tuple[bool, list[tuple]]]:
    """The rows for SQLite, in their order, as runs of bare rows (True: unit, indicator, value and baseline only) and
    of full rows, with amounts as floats where that is exact (`rows.sqlite_amount`). A plain new target is a bare row
    of the floats calamine gave (exact: see schemebook.NEW_PLAIN), or of its defaulted baseline's.

    Python's sqlite3 binds a float or an int directly but looks up an adapter for None, a str subclass and a Decimal
    (Django's turns it into text that SQLite parses back into the REAL it stores): binding a bare row's four
    parameters instead of eight, and floats, takes the INSERT of bench/import_scheme.py's 7,560 targets from 40 to
    30 ms, conversions included. Rows keep their order (so their ids do); a bare run too short to be worth its
    statements goes in with the full rows.
    """
    amount = sqlite_amount
    district = BARE_TARGET["source"]
    shaped = []  # (bare, row)
    for unit, indicator, values in rows:
        value, baseline = amount(values["target_value"]), amount(values["baseline"])
        upper, text, actual, source = values["upper_value"], values["target_text"], values["actual"], values["source"]
        if upper is None and actual is None and text == "" and source == district:
            shaped.append((True, (unit, indicator, value, baseline)))
        else:
            shaped.append((False, (unit, indicator, value, amount(upper), text, baseline, amount(actual), source)))
    if plain:
        bare_plain = [(entry[3], entry[4], entry[5], entry[6] if entry[6].__class__ is not Decimal else amount(entry[6]))
                      for entry in plain]
        if not shaped:  # the plain new targets alone: one bare run
            return [(True, bare_plain)]
        shaped = _in_row_order(shaped, numbers, [(True, row) for row in bare_plain], plain)
    runs: list[tuple[bool, list[tuple]]] = []
    for bare, row in shaped:
        if runs and runs[-1][0] is bare:
            runs[-1][1].append(row)
        else:
            runs.append((bare, [row]))
    merged: list[tuple[bool, list[tuple]]] = []
    for bare, run in runs:
        if bare and len(run) < MIN_BARE_RUN:
            bare, run = False, [(unit, indicator, value, None, "", baseline, None, district)
                                for unit, indicator, value, baseline in run]
        if merged and not bare and not merged[-1][0]:
            merged[-1][1].extend(run)
        else:
            merged.append((bare, run))
    return merged
