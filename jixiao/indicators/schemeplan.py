"""Check a parsed scheme workbook against the database and plan its changes (reads, never writes).

`plan(book)` loads what the cycle already holds in a fixed number of queries, checks every row against it
(references, directions, rule parameters, sums, decomposition cover, locks) and returns a `Plan`: per sheet
the new and changed rows with their old → new values, and the operations `actions.import_scheme_book`
applies. Any problem raises WorkbookError with every row-level message; then nothing may be written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from jixiao.indicators import schemebook as sb
from jixiao.indicators.models import (
    GRADE_ORDER,
    SCHEME_OPTIONS,
    SINGLE_BOUND_DIRECTIONS,
    AdjustmentCategory,
    BlockKind,
    Grade,
    GradeRule,
    Indicator,
    IndicatorVersion,
    MissingData,
    NotApplicablePolicy,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    TargetMilestone,
    TargetSource,
    TieRule,
    VetoCondition,
)
from jixiao.indicators.rule_specs import (
    RULES,
    clean_params,
    describe_params,
    parse_params_text,
    validate_params,
)
from jixiao.indicators.validation import coverage_message, target_value_problems
from jixiao.lib.cells import CodeIndex
from jixiao.lib.excel import WorkbookError, cell_text, read_sheets_except
from jixiao.lib.rows import db_decimal, plain_rows
from jixiao.org.models import Cycle, CycleStatus, Group, Unit, UnitKind

STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变"}
TARGET_FIELDS = ["target_value", "upper_value", "target_text", "baseline", "actual", "source"]
TARGET_DECIMALS = {"target_value", "upper_value", "baseline", "actual"}
OPEN_TARGET_STATUSES = {CycleStatus.PLANNING, CycleStatus.RUNNING}
ASSESSING_KINDS = {UnitKind.CITY, UnitKind.DISTRICT, UnitKind.STREET}


@dataclass(slots=True)  # thousands of them in a big import: no per-instance dict
class Op:
    """One row that changes something: its sheet, the existing row (None when new) and the new values."""

    spec: sb.SheetSpec
    row: dict
    status: str
    existing: object
    values: dict
    diffs: list[tuple[str, str, str]] | tuple[()] = field(default_factory=list)  # () for a new row: nothing to list

    @property
    def key(self) -> str:
        return " / ".join(str(self.row.get(f)) for f in self.spec.key_fields)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def sheet(self) -> str:
        return self.spec.name

    @property
    def description(self) -> str:
        """What a new row brings, in one line (the preview's reading of it)."""
        return describe(self) if self.status == "new" else ""


@dataclass
class Plan:
    cycle: Cycle
    ops: dict[str, list[Op]]
    counts: dict[str, dict[str, int]]
    locked: list[str]  # names of locked schemes this import changes (needs the office admin and a reason)
    state: State
    # (unit code, indicator code) -> period -> value: milestones carried along with a changed target value
    rederived: dict[tuple[str, str], dict[str, Decimal]] = field(default_factory=dict)
    # New targets written as parsed, not listed in ops (schemebook.NEW_PLAIN: baselines defaulted), in row order
    plain_targets: list[list] = field(default_factory=list)

    @property
    def changes(self) -> list[Op]:
        """Every change, sheet by sheet in row order (the plain new targets as Ops of their rows)."""
        changes = []
        for spec in sb.SPECS:
            ops = self.ops[spec.key]
            if spec is sb.TARGETS and self.plain_targets:
                ops = sorted([*ops, *map(plain_op, self.plain_targets)], key=lambda op: op.row["row"])
            changes += ops
        return changes

    @property
    def has_changes(self) -> bool:
        return bool(self.plain_targets) or any(self.ops.values())

    @property
    def totals(self) -> dict[str, int]:
        return {s: sum(c[s] for c in self.counts.values()) for s in STATUS_LABELS}

    def count_rows(self) -> list[tuple[str, dict]]:
        return [(spec.name, self.counts[spec.key]) for spec in sb.SPECS if sum(self.counts[spec.key].values())]


def plain_op(entry: list) -> Op:
    """The Op of a plain new target (the general path's, as the preview lists it)."""
    row = sb.plain_row(entry)
    values = {name: row[name] for name in TARGET_FIELDS}
    values["target_text"] = ""
    return Op(sb.TARGETS, row, "new", None, values, ())


def show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    if isinstance(value, bool):
        return sb.YES if value else sb.NO
    return cell_text(value)


# --- What the database holds ---------------------------------------------------------------------------


class State:
    """The cycle's schemes, parts, targets and milestones, and the library, loaded in a fixed number of queries."""

    def __init__(self, cycle: Cycle):
        self.cycle = cycle
        self.schemes = {s.code: s for s in Scheme.objects.filter(cycle=cycle).select_related("assessing_unit", "cycle")}
        ids = [s.pk for s in self.schemes.values()]
        code_of = {s.pk: s.code for s in self.schemes.values()}
        self.groups = {g.code: g for g in Group.objects.filter(cycle=cycle)}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.unit_code = {u.pk: u.code for u in self.units.values()}
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self._unit_codes = self._indicator_codes = None  # lib.cells.CodeIndex, built when a code is not found
        self.blocks = {(code_of[b.scheme_id], b.code): b for b in SchemeBlock.objects.filter(scheme_id__in=ids)}
        groups = {g.pk: g for g in self.groups.values()}
        self.links = {}
        for link in SchemeGroup.objects.filter(scheme_id__in=ids):
            link.group = groups.get(link.group_id) or link.group
            self.links[(code_of[link.scheme_id], link.group.code)] = link
        self.items = self._items(ids, code_of, groups)
        self.categories = {(code_of[c.scheme_id], c.code): c
                           for c in AdjustmentCategory.objects.filter(scheme_id__in=ids)}
        self.vetoes = {(code_of[v.scheme_id], v.code): v for v in VetoCondition.objects.filter(scheme_id__in=ids)}
        self.grades = {(code_of[g.scheme_id], g.grade): g for g in GradeRule.objects.filter(scheme_id__in=ids)}
        self.versions = {}
        for version in IndicatorVersion.objects.filter(valid_from_year__lte=cycle.year).order_by(
                "indicator_id", "valid_from_year"):
            self.versions[version.indicator_id] = version
        self._load_targets()

    def _items(self, ids, code_of, groups) -> dict:
        """The schemes' items with their block, group, indicator and assessor taken from the rows loaded already
        (select_related built five instances an item: 12 of the 29 ms the state took for the demo cycle)."""
        blocks = {b.pk: b for b in self.blocks.values()}
        indicators = {i.pk: i for i in self.indicators.values()}
        units = {u.pk: u for u in self.units.values()}
        items = {}
        for item in SchemeItem.objects.filter(scheme_id__in=ids):
            item.block, item.indicator = blocks[item.block_id], indicators[item.indicator_id]
            item.group = groups.get(item.group_id) or item.group
            if item.assessor_id is not None:
                item.assessor = units[item.assessor_id]
            items[(code_of[item.scheme_id], item.group.code, item.indicator.code)] = item
        return items

    def _load_targets(self) -> None:
        """The cycle's targets as database rows keyed by (unit code, indicator code), their decomposition links,
        the cells their exports read back as (for schemebook.parse) and their milestones.

        Read with one plain SELECT (Django's per-value Decimal converters cost more than the rest of the plan for
        9,000 targets); a target becomes a dict of Decimals (`target`) only when the plan looks at it, which a
        re-import, whose rows are mostly taken as stored, does for few of them.
        """
        indicator_code = {i.pk: i.code for i in self.indicators.values()}
        unit_code = self.unit_code
        columns = ["id", "unit_id", "indicator_id", *TARGET_FIELDS, "parent_id"]
        self.target_db_rows = rows = {}
        self.target_cells = stored = {}
        self._targets = {}
        self._new_targets = None
        cells_of = sb.target_cells
        by_id = {}
        for row in plain_rows(Target, columns, "cycle_id", self.cycle.pk):
            key = (unit_code[row[1]], indicator_code[row[2]])
            rows[key] = row
            by_id[row[0]] = key
            cells = cells_of(*key, *row[3:9])
            if cells is not None:
                stored[key] = cells
        self.parent_keys = {key: by_id[row[9]] for key, row in rows.items() if row[9] in by_id}
        self.milestones = defaultdict(dict)
        for target_id, period, value in TargetMilestone.objects.filter(target__cycle=self.cycle).values_list(
                "target_id", "period", "value"):
            self.milestones[by_id[target_id]][period] = value

    def target(self, key) -> dict | None:
        """The stored target of (unit code, indicator code) as a dict (id, unit_id, indicator_id, TARGET_FIELDS
        with Decimals, parent_id, parent_key), the same dict each time; None when there is none."""
        data = self._targets.get(key)
        if data is None:
            row = self.target_db_rows.get(key)
            if row is None:
                return None
            dec = db_decimal
            pk, unit_id, indicator_id, value, upper, text, baseline, actual, source, parent_id = row
            data = self._targets[key] = {
                "id": pk, "unit_id": unit_id, "indicator_id": indicator_id,
                "target_value": None if value is None else dec(value), "upper_value": None if upper is None else dec(upper),
                "target_text": text, "baseline": None if baseline is None else dec(baseline),
                "actual": None if actual is None else dec(actual), "source": source, "parent_id": parent_id,
                "parent_key": self.parent_keys.get(key)}
        return data

    def unit_missing(self, code: str) -> str:
        """The message for a unit code not found; names a unit code differing from it in case only."""
        if self._unit_codes is None:
            self._unit_codes = CodeIndex(self.units)
        return self._unit_codes.missing(code, f"单位编码“{code}”不存在")

    def indicator_missing(self, code: str) -> str:
        if self._indicator_codes is None:
            self._indicator_codes = CodeIndex(self.indicators)
        return self._indicator_codes.missing(code, f"指标编码“{code}”不在指标库中")

    @property
    def targets(self) -> dict:
        """Every stored target, as `target` gives it."""
        return {key: self.target(key) for key in self.target_db_rows}

    def new_targets(self) -> sb.NewTargets | None:
        """What the parse needs to take rows as plain new targets (schemebook.NewTargets), the same object each
        time; None when the cycle no longer takes new targets (every row is then checked and refused)."""
        if self.cycle.status not in OPEN_TARGET_STATUSES:
            return None
        if self._new_targets is None:
            plain = sb.plain_code
            self._new_targets = sb.NewTargets(
                self.target_db_rows, {code: unit.pk for code, unit in self.units.items() if plain(code)},
                {code: indicator.pk for code, indicator in self.indicators.items()
                 if indicator.direction in SINGLE_BOUND_DIRECTIONS and plain(code)})
        return self._new_targets

    def previous_actuals(self, keys) -> dict[tuple[str, str], Decimal]:
        """Last year's actuals of (unit code, indicator code) keys: the default baseline of a new target.
        Asked only for the new targets the file gives no baseline, so a re-import reads none of them."""
        if not keys:
            return {}
        wanted = set(keys)
        indicators = {self.indicators[i].pk for _u, i in wanted}
        indicator_code = {i.pk: i.code for i in self.indicators.values()}
        previous = Target.objects.filter(cycle__year=self.cycle.year - 1, actual__isnull=False,
                                         indicator_id__in=indicators).values_list("unit_id", "indicator_id", "actual")
        found = {(self.unit_code[u], indicator_code[i]): a for u, i, a in previous}
        return {key: found[key] for key in wanted if key in found}


# --- Planning -------------------------------------------------------------------------------------------


def cycle_of(book: sb.Book) -> Cycle:
    years = {row.get("year") for row in book["schemes"]}
    first = book["schemes"][0]
    errors = sb.Errors()
    if len(years) != 1:
        for row in book["schemes"][1:]:
            if row.get("year") != first.get("year"):
                errors.add(sb.SCHEMES, row["row"], "year", f"一个文件只能包含一个年度：第 {first['row']} 行为 "
                                                          f"{first.get('year')}，本行为 {row.get('year')}")
    year = first.get("year")
    cycle = Cycle.objects.filter(year=year).first() if year else None
    if year and cycle is None:
        errors.add(sb.SCHEMES, first["row"], "year", f"{year}年度尚未建立，请先在“考核年度”中新建")
    errors.raise_if_any()
    return cycle


def plan(book: sb.Book) -> Plan:
    return plan_against(book, State(cycle_of(book)))


def plan_against(book: sb.Book, state: State) -> Plan:
    planner = Planner(book, state)
    planner.run()
    planner.errors.raise_if_any()
    return planner.result()


def read(file, max_bytes: int) -> tuple[sb.Book, Plan]:
    """Read an uploaded workbook strictly and plan it (raises WorkbookError), as the preview and the command do.

    calamine parses the big 目标值 sheet in a worker thread (without the GIL) while this thread parses the small
    sheets, loads the stored rows of the cycle the 方案 sheet names, parses the small sheets' rows and checks the
    schemes and their parts; the 目标值 rows are then parsed taking those equal to a stored target's export as that
    target (schemebook.target_cells), and checked with the rest.
    When the 方案 sheet does not name one cycle, the whole file is parsed first and its problems reported as
    `read_book` and `plan` would.
    """
    data, targets = sb.open_book(file, max_bytes)
    names, sheets = read_sheets_except(data, [sb.TARGETS.name], clean=False)
    state = _early_state(sheets.get(sb.SCHEMES.name))
    if state is None:
        sheets[targets.name] = targets.rows(clean=False)
        book = sb.parse({name: sheets[name] for name in names})
        return book, plan_against(book, State(cycle_of(book)))
    part = sb.parse_except_targets(sheets)
    planner = Planner(part.book, state)
    if not part.errors:  # else the parse refuses the file: there is nothing to plan
        planner.check_schemes_and_parts()
    book = sb.add_targets(part, targets.rows(clean=False), state.target_cells, state.new_targets())
    planner.check_the_rest(book)
    planner.errors.raise_if_any()
    return book, planner.result()


def _early_state(rows: list[list] | None) -> State | None:
    """The stored rows of the cycle the 方案 sheet's `rows` name, or None when that sheet has any problem (the full
    parse reports it) or names no single existing cycle (`cycle_of` reports it after the parse)."""
    try:
        schemes = sb.parse_schemes(rows) if rows else None
        return State(cycle_of({"schemes": schemes})) if schemes else None
    except WorkbookError:
        return None


class Planner:
    def __init__(self, book: sb.Book, state: State):
        self.book = book
        self.state = state
        self.errors = sb.Errors()
        self.ops: dict[str, list[Op]] = {spec.key: [] for spec in sb.SPECS}
        self.counts = {spec.key: {s: 0 for s in STATUS_LABELS} for spec in sb.SPECS}
        self.changed_schemes: set[str] = set()
        self.changed_targets: set[tuple[str, str]] = set()  # the keys of ops["targets"], noted as they are added
        self.as_stored: dict[int, tuple] = {}  # these four once the 目标值 rows are there (check_the_rest)
        self.target_rows: list[dict] = []
        self.plain_targets: list[list] = []  # schemebook.NEW_PLAIN's rows
        self.file_targets: dict[tuple[str, str], dict] = {}
        self._plain_by_key: dict[tuple[str, str], list] | None = None
        self.rederived: dict[tuple[str, str], dict[str, Decimal]] = {}

    def taken_as_stored(self) -> tuple[dict[int, tuple], list[dict], list[list]]:
        """The book's 目标值 rows taken as stored (sb.AS_STORED) that are stored targets this plan sees, the other
        rows, and the plain new targets (sb.NEW_PLAIN) when the book was parsed against this plan's stored rows;
        a row taken as a stored target this plan does not see, or a plain new target of a book parsed against
        other stored rows, joins the other rows as a row of its values."""
        rows, entries = self.book["targets"], self.book.get(sb.AS_STORED) or {}
        stored = self.state.target_cells
        same = {number_: cells for number_, cells in entries.items() if stored.get(cells[:2]) is cells}
        others = [sb.stored_row(number_, cells) for number_, cells in entries.items() if number_ not in same]
        plain = self.book.get(sb.NEW_PLAIN)
        if plain and plain.context is not self.state.new_targets():
            others += map(sb.plain_row, plain.rows)
            plain = None
        if others:
            rows = sorted([*rows, *others], key=itemgetter("row"))
        return same, rows, plain.rows if plain else []

    def error(self, spec, row, field_name, message):
        self.errors.add(spec, row["row"] if row else None, field_name, message)

    def result(self) -> Plan:
        locked = sorted({self.scheme_name(code) for code in self.changed_schemes
                         if code in self.state.schemes and self.state.schemes[code].is_locked})
        return Plan(self.state.cycle, self.ops, self.counts, locked, self.state, self.rederived, self.plain_targets)

    def scheme_name(self, code):
        scheme = self.state.schemes.get(code)
        return scheme.name if scheme else code

    def record(self, spec, row, existing, values: dict, show_fields: dict | None = None):
        """Compare `values` with `existing` (a model row, a dict, or None) and note a change."""
        if existing is None:
            status, diffs = "new", []
        else:
            diffs = []
            for name, new in values.items():
                old = existing.get(name) if isinstance(existing, dict) else getattr(existing, name)
                if old != new:
                    title = (show_fields or {}).get(name) or _title(spec, name)
                    diffs.append((title, _show(old), _show(new)))
            status = "changed" if diffs else "unchanged"
        self.counts[spec.key][status] += 1
        if status != "unchanged":
            self.ops[spec.key].append(Op(spec, row, status, existing, values, diffs))
            if "scheme" in row and row.get("scheme"):
                self.changed_schemes.add(row["scheme"])
        return status

    def run(self):
        self.check_schemes_and_parts()
        self.check_the_rest()

    def check_schemes_and_parts(self):
        """The checks that need neither the 目标值 rows nor what follows from them: `read` runs them while calamine
        is still parsing the 目标值 sheet."""
        self.check_schemes()
        self.check_parts()

    def check_the_rest(self, book: sb.Book | None = None):
        """The checks of the targets and all that depends on them; `book`: the whole book, when the plan began with
        one holding only the other sheets (the same rows)."""
        if book is not None:
            self.book = book
        self.as_stored, self.target_rows, self.plain_targets = self.taken_as_stored()
        self.file_targets = {(r.get("unit"), r.get("indicator")): r for r in self.target_rows}
        self.check_targets()
        self.check_milestones()
        self.carry_milestones()
        self.check_decompositions()
        self.check_scheme_sums()

    # -- schemes and parts --

    def file_schemes(self):
        return {row["scheme"] for row in self.book["schemes"] if row.get("scheme")}

    def check_schemes(self):
        state = self.state
        owners = {s.assessing_unit.code: code for code, s in state.schemes.items()}
        for row in self.book["schemes"]:
            code, unit_code = row.get("scheme"), row.get("assessing_unit")
            if not code or not unit_code:
                continue
            unit = state.units.get(unit_code)
            existing = state.schemes.get(code)
            if unit is None:
                self.error(sb.SCHEMES, row, "assessing_unit", state.unit_missing(unit_code))
                continue
            if unit.kind not in ASSESSING_KINDS:
                self.error(sb.SCHEMES, row, "assessing_unit", f"“{unit.name}”不是区、街道或市，不能作为考核主体")
                continue
            if existing is not None and existing.assessing_unit.code != unit_code:
                self.error(sb.SCHEMES, row, "assessing_unit",
                           f"已有方案的考核主体为“{existing.assessing_unit.code}”，不能通过导入修改")
                continue
            if existing is None and owners.get(unit_code, code) != code:
                self.error(sb.SCHEMES, row, "assessing_unit",
                           f"{state.cycle.year}年度“{unit.name}”已有方案“{owners[unit_code]}”")
                continue
            owners[unit_code] = code
            if row.get("total_points") is not None and row["total_points"] <= 0:
                self.error(sb.SCHEMES, row, "total_points", "总分须大于 0")
                continue
            values = {"name": row.get("name"), "total_points": row.get("total_points")}
            # Scoring options: an empty cell keeps what the scheme has (a new scheme takes the defaults).
            values |= {name: row[name] for name in SCHEME_OPTIONS if row.get(name)}
            if not self.options_may_change(row, existing, values):
                continue
            self.record(sb.SCHEMES, row, existing, values)

    def options_may_change(self, row, existing, values) -> bool:
        changed = [n for n in SCHEME_OPTIONS if n in values and existing is not None
                   and getattr(existing, n) != values[n]]
        if changed and existing.score_runs.filter(published=True).exists():
            self.error(sb.SCHEMES, row, changed[0], "该方案的考核结果已发布，不能再修改计分选项")
            return False
        return True

    def scheme_known(self, spec, row) -> bool:
        code = row.get("scheme")
        if not code:
            return False
        if code in self.state.schemes or code in self.file_schemes():
            return True
        self.error(spec, row, "scheme", f"方案编码“{code}”在“方案”工作表和系统中都不存在")
        return False

    def check_parts(self):
        state = self.state
        for row in self.book["blocks"]:
            if self.scheme_known(sb.BLOCKS, row) and row.get("code"):
                self.record(sb.BLOCKS, row, state.blocks.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "weight": row.get("weight"), "kind": row.get("kind"),
                    "sort_order": row.get("sort_order") or 0})
        for row in self.book["groups"]:
            if not (self.scheme_known(sb.GROUPS, row) and row.get("group")):
                continue
            group = state.groups.get(row["group"])
            if group is None:
                self.error(sb.GROUPS, row, "group", f"{state.cycle.year}年度没有编码为“{row['group']}”的考核组别")
                continue
            self.record(sb.GROUPS, row, state.links.get((row["scheme"], row["group"])),
                        {"group": group, "sort_order": row.get("sort_order") or 0}, {"group": "组别编码"})
        for row in self.book["items"]:
            self.check_item(row)
        for row in self.book["categories"]:
            if self.scheme_known(sb.CATEGORIES, row) and row.get("code"):
                if row.get("cap") is not None and row["cap"] <= 0:
                    self.error(sb.CATEGORIES, row, "cap", "上限分值须大于 0")
                    continue
                self.record(sb.CATEGORIES, row, state.categories.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "kind": row.get("kind"), "cap": row.get("cap"),
                    "outside_total": bool(row.get("outside_total")), "sort_order": row.get("sort_order") or 0})
        for row in self.book["vetoes"]:
            if self.scheme_known(sb.VETOES, row) and row.get("code"):
                if row.get("effect") == "cap_grade" and not row.get("cap_grade"):
                    self.error(sb.VETOES, row, "cap_grade", "后果为“等次封顶”时须填写最高等次")
                    continue
                self.record(sb.VETOES, row, state.vetoes.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "effect": row.get("effect"), "cap_grade": row.get("cap_grade") or "",
                    "sort_order": row.get("sort_order") or 0})
        for row in self.book["grades"]:
            if self.scheme_known(sb.GRADES, row) and row.get("grade"):
                quota = row.get("quota")
                if quota is not None and not Decimal(0) <= quota <= Decimal(100):
                    self.error(sb.GRADES, row, "quota", "比例上限须在 0～100 之间")
                    continue
                self.record(sb.GRADES, row, state.grades.get((row["scheme"], row["grade"])), {
                    "min_score": row.get("min_score"), "quota_percent": quota}, {"quota_percent": "比例上限(%)"})

    def final_blocks(self, scheme_code) -> dict[str, tuple]:
        """block code -> (weight, kind, row or None) after the import."""
        blocks = {code: (b.weight, b.kind, None) for (s, code), b in self.state.blocks.items() if s == scheme_code}
        for row in self.book["blocks"]:
            if row.get("scheme") == scheme_code and row.get("code"):
                blocks[row["code"]] = (row.get("weight"), row.get("kind"), row)
        return blocks

    def final_groups(self, scheme_code) -> set[str]:
        groups = {g for (s, g) in self.state.links if s == scheme_code}
        groups |= {row["group"] for row in self.book["groups"] if row.get("scheme") == scheme_code and row.get("group")
                   and row["group"] in self.state.groups}
        return groups

    def check_item(self, row):
        spec, state = sb.ITEMS, self.state
        if not self.scheme_known(spec, row) or not all(row.get(f) for f in ("block", "group", "indicator", "rule")):
            return
        scheme = row["scheme"]
        block = self.final_blocks(scheme).get(row["block"])
        ok = True
        if block is None:
            self.error(spec, row, "block", f"方案“{scheme}”没有编码为“{row['block']}”的板块")
            ok = False
        elif block[1] == BlockKind.EVALUATION:
            self.error(spec, row, "block", f"板块“{row['block']}”按综合评议折算，不能包含指标")
            ok = False
        if row["group"] not in self.final_groups(scheme):
            self.error(spec, row, "group", f"组别“{row['group']}”未列入方案“{scheme}”（见“组别”工作表）")
            ok = False
        indicator = state.indicators.get(row["indicator"])
        version = state.versions.get(indicator.pk) if indicator else None
        if indicator is None:
            self.error(spec, row, "indicator", state.indicator_missing(row["indicator"]))
            ok = False
        elif version is None:
            self.error(spec, row, "indicator", f"指标“{indicator.name}”在{state.cycle.year}年度没有适用的口径")
            ok = False
        params, problems = parse_params_text(row["rule"], row.get("params") or "")
        problems += [] if problems else validate_params(row["rule"], params)
        if problems:
            self.error(spec, row, "params", "；".join(problems))
            ok = False
        assessor = self.item_assessor(row, version)
        if assessor is False:
            ok = False
        if not ok:
            return
        if row.get("points") is not None and row["points"] < 0:
            self.error(spec, row, "points", "分值不能为负数")
            return
        existing = state.items.get((scheme, row["group"], row["indicator"]))
        values = {"block_code": row["block"], "points": row.get("points"), "rule": row["rule"],
                  "params": clean_params(row["rule"], params), "assessor": assessor,
                  "not_applicable_policy": row.get("not_applicable") or NotApplicablePolicy.REDISTRIBUTE,
                  "sort_order": row.get("sort_order") or 0, "version": version}
        before = None
        if existing is not None:
            before = {"block_code": existing.block.code, "points": existing.points, "rule": existing.rule,
                      "params": _clean(existing.rule, existing.params), "assessor": existing.assessor,
                      "not_applicable_policy": existing.not_applicable_policy, "sort_order": existing.sort_order,
                      "version": values["version"]}
        self.record(spec, row, before, values, {"block_code": "板块编码", "params": "计分参数",
                                                "not_applicable_policy": "不适用时", "assessor": "考核责任单位编码"})
        if self.ops[spec.key] and self.ops[spec.key][-1].row is row:
            self.ops[spec.key][-1].existing = existing

    def item_assessor(self, row, version):
        code = row.get("assessor")
        if code:
            unit = self.state.units.get(code)
            if unit is None:
                self.error(sb.ITEMS, row, "assessor", self.state.unit_missing(code))
                return False
            if not unit.is_assessor:
                self.error(sb.ITEMS, row, "assessor", f"“{unit.name}”不是考核责任单位")
                return False
            return unit
        if version is not None and version.default_assessor_id is not None:
            return next(u for u in self.state.units.values() if u.pk == version.default_assessor_id)
        if version is not None:
            self.error(sb.ITEMS, row, "assessor", "未填写考核责任单位，且该指标口径没有默认考核责任单位")
            return False
        return None

    # -- targets --

    def check_targets(self):
        spec, state = sb.TARGETS, self.state
        closed = state.cycle.status not in OPEN_TARGET_STATUSES
        units, indicators, stored_rows = state.units, state.indicators, state.target_db_rows
        district_set = TargetSource.DISTRICT_SET
        ops = self.ops[spec.key]
        op_keys = self.changed_targets
        no_baseline = []
        unchanged = new = 0
        for row in self.target_rows:
            unit_code, indicator_code = row.get("unit"), row.get("indicator")
            unit, indicator = units.get(unit_code), indicators.get(indicator_code)
            if unit is None or indicator is None:
                if unit_code and unit is None:
                    self.error(spec, row, "unit", state.unit_missing(unit_code))
                if indicator_code and indicator is None:
                    self.error(spec, row, "indicator", state.indicator_missing(indicator_code))
                continue
            value, upper, text = row.get("target_value"), row.get("upper_value"), row.get("target_text") or ""
            # The common row, a positive value without an upper bound for a higher- or lower-better indicator, is
            # one target_value_problems passes: it is not called for it.
            if not (upper is None and value is not None and value > 0
                    and indicator.direction in SINGLE_BOUND_DIRECTIONS):
                problems = target_value_problems(indicator.direction, value, upper, text)
                if problems:
                    self.target_problem(row["row"], indicator, problems[0], value)
                    continue
            key = (unit_code, indicator_code)
            existing = state.target(key) if key in stored_rows else None
            if existing is None:  # new: what record() would note, without its comparisons
                values = {"target_value": value, "upper_value": upper, "target_text": text,
                          "baseline": row.get("baseline"), "actual": row.get("actual"),
                          "source": row.get("source") or district_set}
                if values["baseline"] is None:
                    no_baseline.append((key, values))
                ops.append(Op(spec, row, "new", None, values, ()))
                op_keys.add(key)
                new += 1
            elif (existing["target_value"] == value and existing["upper_value"] == upper  # unchanged
                  and existing["baseline"] == row.get("baseline") and existing["actual"] == row.get("actual")
                  and existing["target_text"] == text and existing["source"] == (row.get("source") or district_set)):
                unchanged += 1
                continue
            else:
                values = {name: row.get(name) for name in TARGET_FIELDS}
                values["target_text"] = text
                values["source"] = values["source"] or district_set
                if self.record(spec, row, existing, values) != "unchanged":
                    op_keys.add(key)
            if closed:
                self.error(spec, row, "target_value", f"{state.cycle.year}年度已{state.cycle.get_status_display()}，"
                                                      "目标值不能再修改")
        unchanged += self.check_as_stored()  # their problems join the others in row order (sb.Errors keeps it)
        self.counts[spec.key]["new"] += new + len(self.plain_targets)
        self.counts[spec.key]["unchanged"] += unchanged
        plain_no_baseline = [entry for entry in self.plain_targets if entry[6] is None]
        previous = state.previous_actuals([key for key, _values in no_baseline]
                                          + [(entry[1], entry[2]) for entry in plain_no_baseline])
        for key, values in no_baseline:  # the Op holds this dict: the preview and the write see the default
            values["baseline"] = previous.get(key)
        for entry in plain_no_baseline:
            entry[6] = previous.get((entry[1], entry[2]))

    def check_as_stored(self) -> int:
        """Rows taken as their stored target are unchanged, but the target must still suit its indicator's
        direction (it may have changed since). Returns how many are unchanged."""
        indicators = self.state.indicators
        unchanged = 0
        for number_, (_unit, indicator_code, value, upper, text, *_rest) in self.as_stored.items():
            indicator = indicators[indicator_code]
            # The cells hold the stored amounts as floats ("" when empty): they compare with 0 and with each other
            # as their Decimals do, and the messages do not show them.
            value, upper = (None if value == "" else value), (None if upper == "" else upper)
            problems = target_value_problems(indicator.direction, value, upper, text)
            if problems:
                self.target_problem(number_, indicator, problems[0], value)
            else:
                unchanged += 1
        return unchanged

    def target_problem(self, number_: int, indicator, problem: str, value) -> None:
        column = "upper_value" if "上限" in problem and value is not None else "target_value"
        self.errors.add(sb.TARGETS, number_, column, f"{indicator.name}（{indicator.get_direction_display()}）：{problem}")

    def final_target(self, key) -> dict | None:
        """The target of (unit code, indicator code) after the import, as a row or stored dict (None: none)."""
        found = self.file_targets.get(key)
        if found is None and (entry := self.plain_by_key.get(key)) is not None:
            found = sb.plain_row(entry)
        return found or self.state.target(key)

    @property
    def plain_by_key(self) -> dict[tuple[str, str], list]:
        """The plain new targets by (unit code, indicator code), built when first asked for."""
        if self._plain_by_key is None:
            self._plain_by_key = {(entry[1], entry[2]): entry for entry in self.plain_targets}
        return self._plain_by_key

    def check_milestones(self):
        spec, state = sb.MILESTONES, self.state
        for row in self.book["milestones"]:
            key = (row.get("unit"), row.get("indicator"))
            if not all(key):
                continue
            if self.final_target(key) is None:
                self.error(spec, row, "unit", f"单位“{key[0]}”在本年度没有指标“{key[1]}”的目标值（见“目标值”工作表）")
                continue
            values = {code: row[code] for code in sb.PERIOD_CODES if row.get(code) is not None}
            negative = [code for code, value in values.items() if value < 0]
            if negative:
                self.error(spec, row, negative[0], "节点目标值不能为负数")
                continue
            current = state.milestones.get(key)
            before = {code: current.get(code) for code in sb.PERIOD_CODES} if current else None
            self.record(spec, row, before, {code: values.get(code) for code in sb.PERIOD_CODES})

    def carry_milestones(self):
        """A changed target value carries its stored milestones along, as the target page does
        (`rederived_milestones`), unless the file changes that target's 节点目标 row: then the file's row wins.
        An export lists every target's milestones, so a row left as exported is no decision about them."""
        in_file = {(op.row["unit"], op.row["indicator"]) for op in self.ops["milestones"]}
        for op in self.ops["targets"]:
            if op.status != "changed":
                continue
            key = (op.row["unit"], op.row["indicator"])
            current = self.state.milestones.get(key)
            if key in in_file or not current:
                continue
            new = rederived_milestones(current, op.existing["target_value"], op.values["target_value"])
            if new is not None and new != current:
                self.rederived[key] = new
                op.diffs.append(("节点目标", _show(ordered(current)), _show(new)))

    def check_decompositions(self):
        spec, state = sb.DECOMPOSITIONS, self.state
        touched = set()
        for row in self.book["decompositions"]:
            indicator, parent_unit, unit = row.get("indicator"), row.get("parent_unit"), row.get("unit")
            if not (indicator and parent_unit and unit):
                continue
            if parent_unit == unit:
                self.error(spec, row, "unit", "上级单位与下级单位不能相同")
                continue
            if self.final_target((parent_unit, indicator)) is None:
                self.error(spec, row, "parent_unit", f"单位“{parent_unit}”没有指标“{indicator}”的目标值，无法分解")
                continue
            if self.final_target((unit, indicator)) is None:
                self.error(spec, row, "unit", f"单位“{unit}”没有指标“{indicator}”的目标值（见“目标值”工作表）")
                continue
            existing = state.target((unit, indicator))
            before = {"parent_key": existing["parent_key"]} if existing else None
            status = self.record(spec, row, before, {"parent_key": (parent_unit, indicator)},
                                 {"parent_key": "上级单位编码"})
            if status != "unchanged":
                touched.add((parent_unit, indicator))
        self.check_cover(touched)

    def check_cover(self, touched):
        """Parents whose decomposition this import changes (a link, the parent's or a child's value) must be covered."""
        links = dict(self.state.parent_keys)
        rows_by_parent = defaultdict(list)
        for row in self.book["decompositions"]:
            key = (row.get("unit"), row.get("indicator"))
            links[key] = (row.get("parent_unit"), row.get("indicator"))
            rows_by_parent[links[key]].append(row)
        changed_targets = self.changed_targets
        plain = self.plain_by_key
        for child, parent in links.items():
            if child in changed_targets or parent in changed_targets or child in plain or parent in plain:
                touched.add(parent)
        children = defaultdict(list)
        for child, parent in links.items():
            children[parent].append(child)
        for parent in sorted(touched, key=str):
            parent_row = self.final_target(parent)
            indicator = self.state.indicators.get(parent[1])
            if parent_row is None or indicator is None:
                continue
            parts = [(c[0], (self.final_target(c) or {}).get("target_value")) for c in children[parent]]
            message = coverage_message(indicator, parent_row.get("target_value"), parts)
            if message:
                where = rows_by_parent[parent][0] if rows_by_parent[parent] else None
                self.error(sb.DECOMPOSITIONS, where, "parent_unit" if where else None,
                           f"指标“{indicator.code} {indicator.name}”{parent[0]}的目标分解：{message}")

    # -- sums of the schemes this import changes --

    def check_scheme_sums(self):
        for code in sorted(self.changed_schemes):
            self.check_one_scheme(code)

    def check_one_scheme(self, code):
        scheme_row = next((r for r in self.book["schemes"] if r.get("scheme") == code), None)
        existing = self.state.schemes.get(code)
        total = scheme_row.get("total_points") if scheme_row else existing.total_points
        blocks = self.final_blocks(code)
        weight_sum = sum((w or Decimal(0) for w, _k, _r in blocks.values()), Decimal(0))
        if weight_sum != total:
            message = f"方案“{code}”各板块分值合计 {show(weight_sum)}，应等于方案总分 {show(total)}"
            if scheme_row:
                self.error(sb.SCHEMES, scheme_row, "total_points", message)
            else:
                self.errors.add(sb.BLOCKS, None, None, message)
        sums, first_row = defaultdict(Decimal), {}
        items = {(g, i): (it.block.code, it.points) for (s, g, i), it in self.state.items.items() if s == code}
        for row in self.book["items"]:
            if row.get("scheme") == code and row.get("group") and row.get("indicator"):
                items[(row["group"], row["indicator"])] = (row.get("block"), row.get("points") or Decimal(0))
                first_row.setdefault((row["group"], row.get("block")), row)
        for (group, _indicator), (block, points) in items.items():
            sums[(group, block)] += points
        for block_code, (weight, kind, _row) in sorted(blocks.items()):
            if kind != BlockKind.ITEMS:
                continue
            for group in sorted(self.final_groups(code)):
                got = sums.get((group, block_code), Decimal(0))
                if got != weight:
                    row = first_row.get((group, block_code))
                    self.errors.add(sb.ITEMS, row["row"] if row else None, "points" if row else None,
                                    f"方案“{code}”组别“{group}”在板块“{block_code}”的指标分值合计 {show(got)}，"
                                    f"应为 {show(weight)}")
        self.check_grades(code, total)

    def check_grades(self, code, total):
        grades = {g: r.min_score for (s, g), r in self.state.grades.items() if s == code}
        rows = {}
        for row in self.book["grades"]:
            if row.get("scheme") == code and row.get("grade") and row.get("min_score") is not None:
                grades[row["grade"]] = row["min_score"]
                rows[row["grade"]] = row
        present = [g for g in GRADE_ORDER if g in grades]
        for higher, lower in zip(present, present[1:], strict=False):
            if grades[higher] <= grades[lower]:
                self.error(sb.GRADES, rows.get(lower) or rows.get(higher), "min_score",
                           f"方案“{code}”等次最低分须逐级递减：{Grade(higher).label} {show(grades[higher])} 不高于 "
                           f"{Grade(lower).label} {show(grades[lower])}")
        for grade in present:
            if grades[grade] > total:
                self.error(sb.GRADES, rows.get(grade), "min_score",
                           f"方案“{code}”等次“{Grade(grade).label}”最低分超过方案总分")


MILESTONE_PLACES = Decimal("0.01")


def ordered(milestones: dict[str, Decimal]) -> dict[str, Decimal]:
    return {code: milestones[code] for code in sb.PERIOD_CODES if code in milestones}


def rederived_milestones(milestones: dict[str, Decimal], old: Decimal | None, new: Decimal | None
                         ) -> dict[str, Decimal] | None:
    """A target's milestones after its annual value changes from `old` to `new`: each keeps its share of the
    target (milestone × new ÷ old, rounded to 0.01; one equal to the old target becomes the new target).
    None when they cannot be derived (no milestones, no old or new value, an old value of 0) or need not be
    (the value did not change); the milestones then stay as they are."""
    if not milestones or old is None or new is None or old == 0 or old == new:
        return None
    return ordered({period: new if value == old else (value * new / old).quantize(MILESTONE_PLACES, ROUND_HALF_UP)
                    for period, value in milestones.items()})


def _clean(rule, params):
    return clean_params(rule, params) if rule in RULES and not validate_params(rule, params) else params


def _title(spec, name) -> str:
    try:
        return spec.title(name)
    except StopIteration:
        return name


def _show(value) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k}={show(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, tuple):
        return value[0] or ""
    if isinstance(value, (Unit, Group)):
        return value.code
    if isinstance(value, IndicatorVersion):
        return f"{value.valid_from_year}年起"
    for choices in (TargetSource, BlockKind, NotApplicablePolicy, Grade, MissingData, TieRule):
        if isinstance(value, str) and value in choices.values:
            return str(choices(value).label)
    return show(value)


def describe(op: Op) -> str:
    """A one-line reading of a new row for the preview."""
    if op.spec is sb.ITEMS:
        return f"{op.values['points']} 分，{RULES[op.values['rule']].name}（{describe_params(op.values['rule'], op.values['params'])}）"
    return "；".join(f"{_title(op.spec, k)} {_show(v)}" for k, v in op.values.items() if v not in (None, "", {}))
