"""The target sheets' checks of a scheme workbook plan (目标值, 节点目标, 目标分解): directions, stored rows, plain
new targets, milestones carried along with a changed value, and the decomposition cover. `schemeplan.Planner`
runs them; they read and note through its state, errors and ops."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from jixiao.indicators import schemebook as sb
from jixiao.indicators import schemesheets
from jixiao.indicators.models import SINGLE_BOUND_DIRECTIONS, TargetSource
from jixiao.indicators.planops import TARGET_FIELDS, Op, preview_text
from jixiao.indicators.validation import coverage_message, target_value_problems
from jixiao.org.models import CycleStatus

OPEN_TARGET_STATUSES = {CycleStatus.PLANNING, CycleStatus.RUNNING}


class TargetChecks:
    """The Planner's checks of the target sheets (a mixin: they share its state, errors and ops)."""

    def check_targets(self):
        spec, state = schemesheets.TARGETS, self.state
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
        self.errors.add(schemesheets.TARGETS, number_, column, f"{indicator.name}（{indicator.get_direction_display()}）：{problem}")

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
        spec, state = schemesheets.MILESTONES, self.state
        for row in self.book["milestones"]:
            key = (row.get("unit"), row.get("indicator"))
            if not all(key):
                continue
            if self.final_target(key) is None:
                self.error(spec, row, "unit", f"单位“{key[0]}”在本年度没有指标“{key[1]}”的目标值（见“目标值”工作表）")
                continue
            values = {code: row[code] for code in schemesheets.PERIOD_CODES if row.get(code) is not None}
            negative = [code for code, value in values.items() if value < 0]
            if negative:
                self.error(spec, row, negative[0], "节点目标值不能为负数")
                continue
            current = state.milestones.get(key)
            before = {code: current.get(code) for code in schemesheets.PERIOD_CODES} if current else None
            self.record(spec, row, before, {code: values.get(code) for code in schemesheets.PERIOD_CODES})

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
                op.diffs.append(("节点目标", preview_text(ordered(current)), preview_text(new)))

    def check_decompositions(self):
        spec, state = schemesheets.DECOMPOSITIONS, self.state
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
                self.error(schemesheets.DECOMPOSITIONS, where, "parent_unit" if where else None,
                           f"指标“{indicator.code} {indicator.name}”{parent[0]}的目标分解：{message}")


MILESTONE_PLACES = Decimal("0.01")


def ordered(milestones: dict[str, Decimal]) -> dict[str, Decimal]:
    return {code: milestones[code] for code in schemesheets.PERIOD_CODES if code in milestones}


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
