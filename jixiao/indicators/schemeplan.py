"""Check a parsed scheme workbook against the database and plan its changes (reads, never writes).

`plan(book)` loads what the cycle already holds in a fixed number of queries, checks every row against it
(references, directions, rule parameters, sums, decomposition cover, locks) and returns a `Plan`: per sheet
the new and changed rows with their old → new values, and the operations `schemeimport.import_scheme_book`
applies. Any problem raises WorkbookError with every row-level message; then nothing may be written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from jixiao.indicators import schemebook as sb
from jixiao.indicators import schemesheets
from jixiao.indicators.models import (
    ASSESSING_KINDS,
    GRADE_ORDER,
    SCHEME_OPTIONS,
    SINGLE_BOUND_DIRECTIONS,
    AdjustmentCategory,
    BlockKind,
    Grade,
    GradeRule,
    Indicator,
    IndicatorVersion,
    NotApplicablePolicy,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    TargetMilestone,
    VetoCondition,
)
from jixiao.indicators.planops import (
    STATUS_LABELS,
    TARGET_FIELDS,
    Op,
    field_title,
    params_text,
    plain_op,
    preview_text,
    show,
)
from jixiao.indicators.rule_specs import (
    RULES,
    clean_params,
    parse_params_text,
    validate_params,
)
from jixiao.indicators.targetplan import OPEN_TARGET_STATUSES, TargetChecks
from jixiao.lib.cells import CodeIndex
from jixiao.lib.excel import WorkbookError, read_sheets_except
from jixiao.lib.rows import db_decimal, plain_rows
from jixiao.org.models import Cycle, Group, Unit

TARGET_DECIMALS = {"target_value", "upper_value", "baseline", "actual"}


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
        for spec in schemesheets.SPECS:
            ops = self.ops[spec.key]
            if spec is schemesheets.TARGETS and self.plain_targets:
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
        return [(spec.name, self.counts[spec.key]) for spec in schemesheets.SPECS if sum(self.counts[spec.key].values())]


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
                errors.add(schemesheets.SCHEMES, row["row"], "year", f"一个文件只能包含一个年度：第 {first['row']} 行为 "
                                                          f"{first.get('year')}，本行为 {row.get('year')}")
    year = first.get("year")
    cycle = Cycle.objects.filter(year=year).first() if year else None
    if year and cycle is None:
        errors.add(schemesheets.SCHEMES, first["row"], "year", f"{year}年度尚未建立，请先在“考核年度”中新建")
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
    names, sheets = read_sheets_except(data, [schemesheets.TARGETS.name], clean=False)
    state = _early_state(sheets.get(schemesheets.SCHEMES.name))
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


class Planner(TargetChecks):
    def __init__(self, book: sb.Book, state: State):
        self.book = book
        self.state = state
        self.errors = sb.Errors()
        self.ops: dict[str, list[Op]] = {spec.key: [] for spec in schemesheets.SPECS}
        self.counts = {spec.key: {s: 0 for s in STATUS_LABELS} for spec in schemesheets.SPECS}
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
                    title = (show_fields or {}).get(name) or field_title(spec, name)
                    if name == "params":  # by their Chinese names, as the workbook writes them
                        old_rule = existing.get("rule") if isinstance(existing, dict) else existing.rule
                        diffs.append((title, params_text(old_rule, old), params_text(values["rule"], new)))
                    else:
                        diffs.append((title, preview_text(old), preview_text(new)))
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
                self.error(schemesheets.SCHEMES, row, "assessing_unit", state.unit_missing(unit_code))
                continue
            if unit.kind not in ASSESSING_KINDS:
                self.error(schemesheets.SCHEMES, row, "assessing_unit", f"“{unit.name}”不是区、街道或市，不能作为考核主体")
                continue
            if existing is not None and existing.assessing_unit.code != unit_code:
                self.error(schemesheets.SCHEMES, row, "assessing_unit",
                           f"已有方案的考核主体为“{existing.assessing_unit.code}”，不能通过导入修改")
                continue
            if existing is None and owners.get(unit_code, code) != code:
                self.error(schemesheets.SCHEMES, row, "assessing_unit",
                           f"{state.cycle.year}年度“{unit.name}”已有方案“{owners[unit_code]}”")
                continue
            owners[unit_code] = code
            if row.get("total_points") is not None and row["total_points"] <= 0:
                self.error(schemesheets.SCHEMES, row, "total_points", "总分须大于 0")
                continue
            values = {"name": row.get("name"), "total_points": row.get("total_points")}
            # Scoring options: an empty cell keeps what the scheme has (a new scheme takes the defaults).
            values |= {name: row[name] for name in SCHEME_OPTIONS if row.get(name)}
            if not self.options_may_change(row, existing, values):
                continue
            self.record(schemesheets.SCHEMES, row, existing, values)

    def options_may_change(self, row, existing, values) -> bool:
        changed = [n for n in SCHEME_OPTIONS if n in values and existing is not None
                   and getattr(existing, n) != values[n]]
        if changed and existing.score_runs.filter(published=True).exists():
            self.error(schemesheets.SCHEMES, row, changed[0], "该方案的考核结果已发布，不能再修改计分选项")
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
            if self.scheme_known(schemesheets.BLOCKS, row) and row.get("code"):
                self.record(schemesheets.BLOCKS, row, state.blocks.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "weight": row.get("weight"), "kind": row.get("kind"),
                    "sort_order": row.get("sort_order") or 0})
        for row in self.book["groups"]:
            if not (self.scheme_known(schemesheets.GROUPS, row) and row.get("group")):
                continue
            group = state.groups.get(row["group"])
            if group is None:
                self.error(schemesheets.GROUPS, row, "group", f"{state.cycle.year}年度没有编码为“{row['group']}”的考核组别")
                continue
            self.record(schemesheets.GROUPS, row, state.links.get((row["scheme"], row["group"])),
                        {"group": group, "sort_order": row.get("sort_order") or 0}, {"group": "组别编码"})
        for row in self.book["items"]:
            self.check_item(row)
        for row in self.book["categories"]:
            if self.scheme_known(schemesheets.CATEGORIES, row) and row.get("code"):
                if row.get("cap") is not None and row["cap"] <= 0:
                    self.error(schemesheets.CATEGORIES, row, "cap", "上限分值须大于 0")
                    continue
                self.record(schemesheets.CATEGORIES, row, state.categories.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "kind": row.get("kind"), "cap": row.get("cap"),
                    "outside_total": bool(row.get("outside_total")), "sort_order": row.get("sort_order") or 0})
        for row in self.book["vetoes"]:
            if self.scheme_known(schemesheets.VETOES, row) and row.get("code"):
                if row.get("effect") == "cap_grade" and not row.get("cap_grade"):
                    self.error(schemesheets.VETOES, row, "cap_grade", "后果为“等次封顶”时须填写最高等次")
                    continue
                self.record(schemesheets.VETOES, row, state.vetoes.get((row["scheme"], row["code"])), {
                    "name": row.get("name"), "effect": row.get("effect"), "cap_grade": row.get("cap_grade") or "",
                    "sort_order": row.get("sort_order") or 0})
        for row in self.book["grades"]:
            if self.scheme_known(schemesheets.GRADES, row) and row.get("grade"):
                quota = row.get("quota")
                if quota is not None and not Decimal(0) <= quota <= Decimal(100):
                    self.error(schemesheets.GRADES, row, "quota", "比例上限须在 0～100 之间")
                    continue
                self.record(schemesheets.GRADES, row, state.grades.get((row["scheme"], row["grade"])), {
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
        spec, state = schemesheets.ITEMS, self.state
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
                self.error(schemesheets.ITEMS, row, "assessor", self.state.unit_missing(code))
                return False
            if not unit.is_assessor:
                self.error(schemesheets.ITEMS, row, "assessor", f"“{unit.name}”不是考核责任单位")
                return False
            return unit
        if version is not None and version.default_assessor_id is not None:
            return next(u for u in self.state.units.values() if u.pk == version.default_assessor_id)
        if version is not None:
            self.error(schemesheets.ITEMS, row, "assessor", "未填写考核责任单位，且该指标口径没有默认考核责任单位")
            return False
        return None

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
                self.error(schemesheets.SCHEMES, scheme_row, "total_points", message)
            else:
                self.errors.add(schemesheets.BLOCKS, None, None, message)
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
                    self.errors.add(schemesheets.ITEMS, row["row"] if row else None, "points" if row else None,
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
                self.error(schemesheets.GRADES, rows.get(lower) or rows.get(higher), "min_score",
                           f"方案“{code}”等次最低分须逐级递减：{Grade(higher).label} {show(grades[higher])} 不高于 "
                           f"{Grade(lower).label} {show(grades[lower])}")
        for grade in present:
            if grades[grade] > total:
                self.error(schemesheets.GRADES, rows.get(grade), "min_score",
                           f"方案“{code}”等次“{Grade(grade).label}”最低分超过方案总分")


def _clean(rule, params):
    return clean_params(rule, params) if rule in RULES and not validate_params(rule, params) else params
