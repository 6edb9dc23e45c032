"""The scoring engine: a whole scheme's inputs in, every unit's explained result out (DESIGN.md §3, §5).

Pure and deterministic: no ORM, no clock, no randomness; the order of the input tuples does not matter.
The steps, each documented in docs/decisions/0009-scoring-engine.md:

1. items blocks: every scheme item of the unit's group is scored by its rule (`rules.py`); not-applicable
   items — and, during the year, items whose data is not due yet (尚未到报送期) — redistribute their points over
   the block's other items or are dropped (the block is then scaled back to its weight); missing data follows
   the item's or the scheme's option;
2. evaluation / key-work blocks: a 0–100 score per unit → weight × score ÷ 100;
3. the bonus/deduction ledger, summed and capped per category; "outside the total" categories are listed
   apart;
4. ranks within the group (equal totals share a rank, the next rank is skipped: 1, 1, 3);
5. grades: thresholds → veto caps → quotas (tie groups as a whole or not at all) → recorded calibration.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import fields, is_dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from jixiao.indicators.rule_specs import clean_params, validate_params
from jixiao.scoring import rules
from jixiao.scoring.rules import HUNDRED, ZERO, Peer, RuleInput, num, pts, round_points
from jixiao.scoring.types import (
    BONUS,
    CAP_GRADE,
    DEDUCTION,
    DROP,
    EXTERNAL_KINDS,
    GRADE_LABELS,
    GRADE_ORDER,
    ITEMS,
    KEY_WORK,
    LEFT_OUT,
    MISSING,
    MISSING_NOT_APPLICABLE,
    MISSING_ZERO,
    NO_AWARD,
    NOT_APPLICABLE,
    NOT_DUE,
    REDISTRIBUTE,
    TIE_BLOCKS,
    TIE_SHARED,
    AppliedAdjustment,
    Block,
    BlockResult,
    InputError,
    Item,
    Line,
    Result,
    ScoringInputs,
    Unit,
    UnitResult,
)

ENGINE_VERSION = "5"


# --- Digest -------------------------------------------------------------------------------------------


_FIELDS: dict[type, list[str] | None] = {}


def _fields_of(cls: type) -> list[str] | None:
    if cls not in _FIELDS:
        _FIELDS[cls] = sorted(f.name for f in fields(cls)) if is_dataclass(cls) else None
    return _FIELDS[cls]


def _canon(value) -> str:
    """Canonical JSON text: keys sorted, arrays sorted by their text (order never matters), 10.0 == 10."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is Decimal:
        return encode_basestring(num(value))
    names = _fields_of(kind)
    if names is not None:
        return "{" + ",".join(f'"{name}":{_canon(getattr(value, name))}' for name in names) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{encode_basestring(str(k))}:{_canon(value[k])}" for k in sorted(value, key=str)) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ",".join(sorted(_canon(v) for v in value)) + "]"
    return json.dumps(value, ensure_ascii=False)


def canonical_json(inputs: ScoringInputs) -> str:
    """The canonical JSON of the inputs: sorted keys, sorted arrays, decimals as normalised strings, UTF-8."""
    return _canon(inputs)


def inputs_digest(inputs: ScoringInputs) -> str:
    """sha256 (hex) of `canonical_json(inputs)`: equal inputs, in any order, give the same digest."""
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


# --- Validation ---------------------------------------------------------------------------------------


def validate_inputs(inputs: ScoringInputs) -> list[str]:
    """Chinese messages for everything that keeps the inputs from being scored; empty when fine."""
    scheme = inputs.scheme
    problems = _scheme_problems(scheme)
    unit_ids = {u.id for u in inputs.units}
    problems += _duplicates("单位", [u.id for u in inputs.units])
    seen_units: set[int] = set()
    for group in scheme.groups:
        for unit in group.units:
            if unit not in unit_ids:
                problems.append(f"组别「{group.name}」包含未知单位 {unit}")
            if unit in seen_units:
                problems.append(f"单位 {unit} 同时属于多个组别")
            seen_units.add(unit)
    problems += _data_problems(inputs, unit_ids)
    return problems


def _duplicates(what: str, keys: list) -> list[str]:
    counts = defaultdict(int)
    for key in keys:
        counts[key] += 1
    return [f"{what}「{key}」重复" for key, n in counts.items() if n > 1]


def _scheme_problems(scheme) -> list[str]:
    problems = _duplicates("板块", [b.code for b in scheme.blocks])
    problems += _duplicates("组别", [g.code for g in scheme.groups])
    problems += _duplicates("方案指标", [i.id for i in scheme.items])
    problems += _duplicates("加减分项目", [c.code for c in scheme.adjustment_categories])
    problems += _duplicates("一票否决事项", [v.code for v in scheme.vetoes])
    problems += _duplicates("等次", [r.grade for r in scheme.grade_rules])
    if scheme.missing_data not in (MISSING_ZERO, MISSING_NOT_APPLICABLE):
        problems.append(f"缺失数据处理方式「{scheme.missing_data}」无效")
    if scheme.tie_rule not in (TIE_SHARED, TIE_BLOCKS):
        problems.append(f"并列规则「{scheme.tie_rule}」无效")
    for block in scheme.blocks:
        if block.kind not in (ITEMS, *EXTERNAL_KINDS):
            problems.append(f"板块「{block.name}」的计分来源「{block.kind}」无效")
        if block.weight < 0:
            problems.append(f"板块「{block.name}」分值不能为负数")
    problems += [p for item in scheme.items for p in _item_problems(scheme, item)]
    for category in scheme.adjustment_categories:
        if category.kind not in (BONUS, DEDUCTION) or category.cap <= 0:
            problems.append(f"加减分项目「{category.name}」的类型或上限无效")
    for veto in scheme.vetoes:
        if veto.effect not in (CAP_GRADE, NO_AWARD) or (veto.effect == CAP_GRADE and veto.cap_grade not in GRADE_ORDER):
            problems.append(f"一票否决事项「{veto.name}」的后果或最高等次无效")
    problems += _grade_rule_problems(scheme.grade_rules)
    return problems


def _item_problems(scheme, item: Item) -> list[str]:
    where = f"方案指标 {item.id}（{item.indicator} {item.name}）"
    blocks = {b.code: b for b in scheme.blocks}
    problems = []
    if item.block not in blocks or blocks[item.block].kind != ITEMS:
        problems.append(f"{where}：板块「{item.block}」不存在或不按指标计分")
    if item.group not in {g.code for g in scheme.groups}:
        problems.append(f"{where}：组别「{item.group}」不在方案中")
    if item.points < 0:
        problems.append(f"{where}：分值不能为负数")
    if item.not_applicable_policy not in (REDISTRIBUTE, DROP):
        problems.append(f"{where}：不适用处理方式「{item.not_applicable_policy}」无效")
    if item.missing_data not in (None, MISSING_ZERO, MISSING_NOT_APPLICABLE):
        problems.append(f"{where}：缺失数据处理方式「{item.missing_data}」无效")
    problems += [f"{where}：{message}" for message in validate_params(item.rule, item.params)]
    return problems


def _grade_rule_problems(grade_rules) -> list[str]:
    problems = [f"等次「{r.grade}」无效" for r in grade_rules if r.grade not in GRADE_ORDER]
    ordered = sorted((r for r in grade_rules if r.grade in GRADE_ORDER), key=lambda r: GRADE_ORDER.index(r.grade))
    for higher, lower in zip(ordered, ordered[1:], strict=False):
        if higher.min_score <= lower.min_score:
            problems.append(f"等次最低分须逐级递减：{GRADE_LABELS[higher.grade]} 不高于 {GRADE_LABELS[lower.grade]}")
    for rule in grade_rules:
        if rule.quota_percent is not None and not 0 <= rule.quota_percent <= 100:
            problems.append(f"等次「{GRADE_LABELS.get(rule.grade, rule.grade)}」比例须在 0～100 之间")
    return problems


def _data_problems(inputs: ScoringInputs, unit_ids: set[int]) -> list[str]:
    scheme = inputs.scheme
    items = {i.id: i for i in scheme.items}
    group_of = {u: g.code for g in scheme.groups for u in g.units}
    external = {b.code for b in scheme.blocks if b.kind in EXTERNAL_KINDS}
    problems = _duplicates("指标数据", [(v.unit, v.item) for v in inputs.values])
    for value in inputs.values:
        item = items.get(value.item)
        if item is None or group_of.get(value.unit) != item.group:
            problems.append(f"单位 {value.unit} 的指标数据对应的方案指标 {value.item} 不存在或不属于其组别")
    problems += _duplicates("板块得分", [(s.unit, s.block) for s in inputs.block_scores])
    problems += [f"单位 {s.unit} 的板块得分对应的板块「{s.block}」不存在或不是评议/重点工作板块"
                 for s in inputs.block_scores if s.block not in external or s.unit not in unit_ids]
    categories = {c.code for c in scheme.adjustment_categories}
    problems += _duplicates("加减分记录", [a.id for a in inputs.adjustments])
    problems += [f"加减分记录 {a.id} 的单位或项目「{a.category}」不存在"
                 for a in inputs.adjustments if a.category not in categories or a.unit not in unit_ids]
    vetoes = {v.code for v in scheme.vetoes}
    problems += [f"一票否决记录的单位 {f.unit} 或事项「{f.condition}」不存在"
                 for f in inputs.veto_flags if f.condition not in vetoes or f.unit not in unit_ids]
    problems += _duplicates("等次校准单位", [c.unit for c in inputs.calibrations])
    for calibration in inputs.calibrations:
        if calibration.unit not in group_of or calibration.grade not in GRADE_ORDER:
            problems.append(f"等次校准的单位 {calibration.unit} 或等次「{calibration.grade}」无效")
        if not calibration.reason.strip():
            problems.append(f"单位 {calibration.unit} 的等次校准未填写理由")
    return problems


# --- Items blocks -------------------------------------------------------------------------------------


class _Run:
    """Indexes of one run's inputs, built once, all in a canonical order."""

    def __init__(self, inputs: ScoringInputs):
        scheme = inputs.scheme
        self.scheme = scheme
        self.units = {u.id: u for u in inputs.units}
        self.blocks = sorted(scheme.blocks, key=lambda b: (b.sort_order, b.code))
        self.groups = sorted(scheme.groups, key=lambda g: (g.sort_order, g.code))
        self.items = sorted(scheme.items, key=lambda i: (i.sort_order, i.indicator, i.id))
        self.params = {i.id: clean_params(i.rule, i.params or {}) for i in self.items}
        self.items_of = defaultdict(list)  # (group, block) -> items
        for item in self.items:
            self.items_of[(item.group, item.block)].append(item)
        self.values = {(v.unit, v.item): v for v in inputs.values}
        self.block_scores = {(s.unit, s.block): s for s in inputs.block_scores}
        self.adjustments = defaultdict(list)
        for entry in sorted(inputs.adjustments, key=lambda a: a.id):
            self.adjustments[entry.unit].append(entry)
        self.vetoes = {v.code: v for v in scheme.vetoes}
        self.veto_flags = defaultdict(list)
        for flag in sorted(inputs.veto_flags, key=lambda f: (f.condition, f.reason)):
            self.veto_flags[flag.unit].append(flag)
        self.calibrations = {c.unit: c for c in inputs.calibrations}
        self.peers = {}
        for group in self.groups:
            for item in (i for i in self.items if i.group == group.code and i.rule in rules.PEER_RULES):
                self.peers[item.id] = self._peers(group, item)

    def _peers(self, group, item) -> tuple[Peer, ...]:
        peers = []
        for unit_id in sorted(group.units):
            value = self.values.get((unit_id, item.id))
            if (value is not None and not value.not_applicable and not value.pending and not value.not_due
                    and value.actual is not None):
                peers.append(Peer(self.units[unit_id].code, value.actual))
        return tuple(peers)


def _rule_input(run: _Run, unit: Unit, item: Item, points: Decimal, value) -> RuleInput:
    common = {"points": points, "params": run.params[item.id], "base_points": item.points, "unit_code": unit.code,
              "direction": item.direction, "peers": run.peers.get(item.id, ())}
    if value is None:
        return RuleInput(**common)
    return RuleInput(
        **common, actual=value.actual, target=value.target, baseline=value.baseline, upper=value.upper,
        text=value.text, events=value.events, milestones_due=value.milestones_due,
        milestones_on_time=value.milestones_on_time, milestones_late=value.milestones_late,
        manual_score=value.manual_score, justification=value.justification,
    )


def _first_pass(run: _Run, unit: Unit, item: Item) -> Line:
    """Score an item at its own points and decide whether it applies; missing data follows the option."""
    value = run.values.get((unit.id, item.id))
    if value is not None and value.not_applicable:
        note = f"（{value.note}）" if value.note else ""
        status, points, text = NOT_APPLICABLE, ZERO, f"经核定本单位不适用该指标{note}"
    elif value is not None and value.not_due:
        status, points, text = NOT_DUE, ZERO, f"{value.note or '尚未到报送期'}，本次不计分、权重按比例分配"
    else:
        if value is not None and value.pending:
            outcome = rules.missing(f"数值待核定（{value.note}）" if value.note else "数值待核定")
        else:
            outcome = rules.RULE_FUNCTIONS[item.rule](_rule_input(run, unit, item, item.points, value))
        status, points, text = outcome.status, outcome.points, _sourced(value, outcome.explanation)
        if status == MISSING and (item.missing_data or run.scheme.missing_data) == MISSING_NOT_APPLICABLE:
            status, text = NOT_APPLICABLE, f"{text}，按不适用处理"
        elif status == MISSING:
            text = f"{text}，按缺报计 0 分（满分 {pts(item.points)}）"
    return Line(unit.id, item.id, item.block, item.indicator, item.name, item.rule, status, points, item.points,
                item.points, text)


def _sourced(value, text: str) -> str:
    """The line's explanation led by where its figures came from (the value's note, e.g. the target used)."""
    if value is None or not value.note or value.pending:
        return text
    return f"{value.note}：{text}"


def _na_line(line: Line, item: Item) -> Line:
    if line.status == NOT_DUE:
        tail = (f"（分值 {pts(item.points)} 调入本板块其他指标）" if item.not_applicable_policy == REDISTRIBUTE
                else f"（本板块满分减少 {pts(item.points)} 分，板块得分按比例折算）")
        return replace(line, points=ZERO, max_points=ZERO, explanation=f"{line.explanation}{tail}")
    if item.not_applicable_policy == REDISTRIBUTE:
        tail = f"分值 {pts(item.points)} 按比例分配到本板块其他指标"
    else:
        tail = f"不计分，本板块满分减少 {pts(item.points)} 分，板块得分按比例折算"
    return replace(line, points=ZERO, max_points=ZERO, explanation=f"{line.explanation}；{tail}")


def _score_items_block(run: _Run, unit: Unit, block: Block, items: list[Item]) -> tuple[BlockResult, list[Line]]:
    lines = [_first_pass(run, unit, item) for item in items]
    by_id = {item.id: item for item in items}
    applicable = [line for line in lines if line.status not in LEFT_OUT]
    moved = [x for x in lines if x.status in LEFT_OUT and by_id[x.item].not_applicable_policy == REDISTRIBUTE]
    pool = sum((by_id[x.item].points for x in moved), ZERO)
    own = sum((line.base_points for line in applicable), ZERO)
    if own == 0:
        return _block_not_applicable(block, [_na_line(x, by_id[x.item]) if x.status in LEFT_OUT else x
                                             for x in lines])
    source = _moved_from({x.status for x in moved if x.base_points})
    result = []
    for line in lines:
        item = by_id[line.item]
        if line.status in LEFT_OUT:
            result.append(_na_line(line, item))
        elif pool and line.base_points:
            result.append(_redistributed(run, unit, item, line, line.base_points * (own + pool) / own, source))
        else:
            result.append(line)
    return _items_block_result(block, result), result


def _moved_from(statuses: set[str]) -> str:
    """Which items' points a line took over: 不适用指标, 尚未到报送期指标 or both."""
    if statuses == {NOT_DUE}:
        return "尚未到报送期指标"
    return "不适用及尚未到报送期指标" if NOT_DUE in statuses else "不适用指标"


def _redistributed(run: _Run, unit: Unit, item: Item, line: Line, maximum: Decimal, source: str) -> Line:
    """The line rescored at its raised maximum (its share of the left-out items' points)."""
    head = f"含{source}调入分值，满分 {pts(item.points)} → {pts(maximum)}；"
    if line.status == MISSING:
        return replace(line, max_points=maximum, explanation=head + line.explanation)
    value = run.values.get((unit.id, item.id))
    outcome = rules.RULE_FUNCTIONS[item.rule](_rule_input(run, unit, item, maximum, value))
    return replace(line, points=outcome.points, max_points=maximum,
                   explanation=head + _sourced(value, outcome.explanation))


def _items_block_result(block: Block, lines: list[Line]) -> BlockResult:
    raw = sum((line.points for line in lines), ZERO)
    maximum = sum((line.max_points for line in lines), ZERO)
    if maximum == block.weight:
        return BlockResult(block.code, block.name, block.kind, block.weight, raw, maximum, raw, True,
                           f"{len(lines)} 项指标得分合计 {pts(raw)}（满分 {pts(maximum)}）")
    score = round_points(raw * block.weight / maximum)
    return BlockResult(block.code, block.name, block.kind, block.weight, raw, maximum, score, True,
                       f"指标得分合计 {pts(raw)}，适用满分 {pts(maximum)}，折算为板块分值 {pts(block.weight)}："
                       f"{pts(raw)} × {pts(block.weight)} ÷ {pts(maximum)} = {pts(score)}")


def _block_not_applicable(block: Block, lines: list[Line]) -> tuple[BlockResult, list[Line]]:
    statuses = {line.status for line in lines}
    if statuses == {NOT_DUE}:
        why = "本板块所有指标均尚未到报送期"
    elif NOT_DUE in statuses:
        why = "本板块所有指标均不适用或尚未到报送期"
    else:
        why = "本板块所有指标均不适用"
    return (BlockResult(block.code, block.name, block.kind, block.weight, ZERO, ZERO, ZERO, False,
                        f"{why}，板块不计分，总分按其余板块折算"), lines)


def _score_external_block(run: _Run, unit: Unit, block: Block) -> BlockResult:
    """Evaluation / key work: weight × score ÷ 100 from the unit's 0–100 score; missing follows the option."""
    entry = run.block_scores.get((unit.id, block.code))
    what = "重点工作得分率" if block.kind == KEY_WORK else "综合评议得分"
    if entry is not None and not entry.applicable:
        return BlockResult(block.code, block.name, block.kind, block.weight, ZERO, ZERO, ZERO, False,
                           f"{entry.note or '本单位不在本板块计分范围内'}，板块不适用，总分按其余板块折算")
    reason = None
    if entry is None:
        reason = f"未取得{what}"
    elif not ZERO <= entry.score <= HUNDRED:
        reason = f"{what} {num(entry.score)} 不在 0～100 之间，不予采用"
    if reason is None:
        score = round_points(block.weight * entry.score / HUNDRED)
        note = f"（{entry.note}）" if entry.note else ""
        return BlockResult(block.code, block.name, block.kind, block.weight, entry.score, HUNDRED, score, True,
                           f"{what} {num(entry.score)}{note}，折算 {pts(block.weight)} × {num(entry.score)} ÷ 100 = {pts(score)}")
    if run.scheme.missing_data == MISSING_NOT_APPLICABLE:
        return BlockResult(block.code, block.name, block.kind, block.weight, ZERO, ZERO, ZERO, False,
                           f"{reason}，按不适用处理，总分按其余板块折算")
    return BlockResult(block.code, block.name, block.kind, block.weight, ZERO, HUNDRED, ZERO, True,
                       f"{reason}，按缺报计 0 分（满分 {pts(block.weight)}）")


def _block_total(blocks: list[BlockResult]) -> tuple[Decimal, str]:
    """Sum of block scores; blocks that do not apply are made up by scaling the others to the full total."""
    weight = sum((b.weight for b in blocks), ZERO)
    used = [b for b in blocks if b.applicable]
    used_weight = sum((b.weight for b in used), ZERO)
    raw = sum((b.score for b in used), ZERO)
    parts = " + ".join(pts(b.score) for b in used) or "0"
    if used_weight == weight:
        return raw, f"板块得分 {parts} = {pts(raw)}"
    if used_weight == 0:
        return ZERO, "所有板块均不适用，板块得分计 0 分"
    total = round_points(raw * weight / used_weight)
    return total, (f"板块得分 {parts} = {pts(raw)}（适用板块满分 {pts(used_weight)}），折算 {pts(raw)} × "
                   f"{pts(weight)} ÷ {pts(used_weight)} = {pts(total)}")


# --- Adjustments ----------------------------------------------------------------------------------------


def _adjustments(run: _Run, unit: Unit) -> list[AppliedAdjustment]:
    """Entries per category: sizes summed, capped at the category's cap, signed by its kind."""
    by_category = defaultdict(list)
    for entry in run.adjustments.get(unit.id, []):
        by_category[entry.category].append(entry)
    applied = []
    for category in sorted(run.scheme.adjustment_categories, key=lambda c: (c.kind, c.sort_order, c.code)):
        entries = by_category.get(category.code)
        if not entries:
            continue
        size = round_points(sum((abs(e.points) for e in entries), ZERO))
        used = min(size, category.cap)
        sign = 1 if category.kind == BONUS else -1
        word = "加分" if category.kind == BONUS else "扣分"
        text = f"{word}「{category.name}」{len(entries)} 项合计 {pts(size)} 分"
        text += f"，超过上限 {pts(category.cap)} 分，按 {pts(used)} 分计" if used < size else ""
        text += "；单列，不计入总分" if category.outside_total else ""
        reasons = "；".join(f"{e.reason}（{pts(abs(e.points))}）" for e in entries)
        applied.append(AppliedAdjustment(category.code, category.name, category.kind, category.outside_total,
                                         tuple(entries), sign * size, sign * used, category.cap,
                                         f"{text}。明细：{reasons}"))
    return applied


# --- Ranks and grades -----------------------------------------------------------------------------------


def _rank_key(run: _Run, part: dict) -> tuple:
    if run.scheme.tie_rule == TIE_BLOCKS:
        return (part["total"], *(b.score for b in part["blocks"]))
    return (part["total"],)


def _ranks(run: _Run, parts: list[dict]) -> None:
    """Competition ranking within a group: 1 + the number of units with a strictly better key (1, 1, 3)."""
    keys = [_rank_key(run, p) for p in parts]
    for part, key in zip(parts, keys, strict=True):
        part["rank"] = 1 + sum(1 for other in keys if other > key)


def _grade_rules(run: _Run) -> list:
    return sorted(run.scheme.grade_rules, key=lambda r: GRADE_ORDER.index(r.grade))


def _lower_grade(run: _Run, grade: str) -> str:
    """The next grade down that the scheme uses (or simply the next one of GRADE_ORDER)."""
    used = [r.grade for r in _grade_rules(run)]
    below = [g for g in GRADE_ORDER[GRADE_ORDER.index(grade) + 1:]]
    return next((g for g in below if g in used), below[0] if below else grade)


def _threshold_grade(run: _Run, part: dict) -> None:
    ordered = _grade_rules(run)
    if not ordered:
        part["grade"], part["steps"] = "", ["方案未设置等次规则，不评定等次"]
        return
    match = next((r for r in ordered if part["total"] >= r.min_score), None)
    if match is None:
        grade = GRADE_ORDER[-1]
        text = f"总分 {pts(part['total'])} 低于所有等次最低分，评为{GRADE_LABELS[grade]}"
    else:
        grade = match.grade
        text = f"总分 {pts(part['total'])} 不低于{GRADE_LABELS[grade]}最低分 {pts(match.min_score)}，按分数线评为{GRADE_LABELS[grade]}"
    part["grade"], part["threshold_grade"], part["steps"] = grade, grade, [text]


def _veto(run: _Run, part: dict) -> None:
    for flag in part["flags"]:
        veto = run.vetoes[flag.condition]
        reason = f"（{flag.reason}）" if flag.reason else ""
        if veto.effect == CAP_GRADE and part["grade"] and \
                GRADE_ORDER.index(part["grade"]) < GRADE_ORDER.index(veto.cap_grade):
            part["steps"].append(f"一票否决「{veto.name}」{reason}：等次最高为{GRADE_LABELS[veto.cap_grade]}，"
                                 f"由{GRADE_LABELS[part['grade']]}降为{GRADE_LABELS[veto.cap_grade]}")
            part["grade"] = veto.cap_grade
        elif veto.effect == CAP_GRADE:
            part["steps"].append(f"一票否决「{veto.name}」{reason}：等次最高为{GRADE_LABELS[veto.cap_grade]}，"
                                 f"现等次不受影响")
        else:
            part["steps"].append(f"一票否决「{veto.name}」{reason}：取消评先评优资格")


def quota_allowed(group_size: int, quota_percent: Decimal) -> int:
    """Places of a grade in a group: ⌊size × quota % ÷ 100⌋ (rounded down, 'no more than')."""
    return int((group_size * quota_percent / HUNDRED).to_integral_value(rounding=ROUND_FLOOR))


def _quotas(run: _Run, parts: list[dict], warnings: list[str], group_name: str) -> None:
    """Grade by grade from the top: keep whole tie groups in rank order while they fit, demote the rest."""
    for rule in _grade_rules(run):
        if rule.quota_percent is None:
            continue
        if _lower_grade(run, rule.grade) == rule.grade:
            warnings.append(f"最低等次「{GRADE_LABELS[rule.grade]}」的比例上限无法执行，已忽略")
            continue
        allowed = quota_allowed(len(parts), rule.quota_percent)
        holders = sorted((p for p in parts if p["grade"] == rule.grade), key=lambda p: p["rank"])
        if allowed == 0 and rule.quota_percent > 0:
            warnings.append(_no_places(run, rule, len(parts), len(holders), group_name))
        kept, cut = 0, False
        for rank in sorted({p["rank"] for p in holders}):
            tie = [p for p in holders if p["rank"] == rank]
            cut = cut or kept + len(tie) > allowed
            if not cut:
                kept += len(tie)
                continue
            lower = _lower_grade(run, rule.grade)
            for part in tie:
                tied = f"与其他 {len(tie) - 1} 个单位并列第 {rank} 名，" if len(tie) > 1 else f"第 {rank} 名，"
                part["steps"].append(
                    f"{GRADE_LABELS[rule.grade]}比例不超过 {num(rule.quota_percent)}%，本组 {len(parts)} 个单位"
                    f"限 {allowed} 个（向下取整），{tied}超出名额，由{GRADE_LABELS[rule.grade]}调为{GRADE_LABELS[lower]}")
                part["grade"] = lower
        if cut and kept < allowed:
            warnings.append(f"组别「{group_name}」{GRADE_LABELS[rule.grade]}名额 {allowed} 个，因并列不能拆分只评定 {kept} 个")


def _no_places(run: _Run, rule, size: int, holders: int, group_name: str) -> str:
    """A quota that rounds down to no place in a small group (20 % of 1–4 units): the grade cannot be given."""
    grade = GRADE_LABELS[rule.grade]
    text = (f"组别「{group_name}」共 {size} 个单位，{grade}比例不超过 {num(rule.quota_percent)}% 向下取整为 0 个名额，"
            f"本组不评定{grade}")
    if holders:
        text += f"（{holders} 个单位因此由{grade}调为{GRADE_LABELS[_lower_grade(run, rule.grade)]}）"
    return text


def _calibrate(run: _Run, part: dict, parts: list[dict], warnings: list[str]) -> None:
    calibration = run.calibrations.get(part["unit"].id)
    part["calibration"] = calibration
    if calibration is None:
        return
    before = part["grade"]
    part["steps"].append(f"等次校准：由{GRADE_LABELS.get(before, '未评定')}调为{GRADE_LABELS[calibration.grade]}，"
                         f"理由：{calibration.reason}" + (f"（{calibration.by}）" if calibration.by else ""))
    part["grade"] = calibration.grade
    caps = [run.vetoes[f.condition].cap_grade for f in part["flags"] if run.vetoes[f.condition].effect == CAP_GRADE]
    if any(GRADE_ORDER.index(calibration.grade) < GRADE_ORDER.index(cap) for cap in caps):
        warnings.append(f"单位「{part['unit'].name}」校准后的等次高于一票否决封顶等次")
    rule = next((r for r in run.scheme.grade_rules if r.grade == calibration.grade), None)
    if rule and rule.quota_percent is not None:
        holders = sum(1 for p in parts if p["grade"] == calibration.grade)
        if holders > quota_allowed(len(parts), rule.quota_percent):
            warnings.append(f"单位「{part['unit'].name}」校准后，{GRADE_LABELS[calibration.grade]}数量超过比例上限")


# --- The run ----------------------------------------------------------------------------------------------


def _score_unit(run: _Run, unit: Unit, group_code: str) -> dict:
    blocks, lines = [], []
    for block in run.blocks:
        if block.kind == ITEMS:
            items = run.items_of.get((group_code, block.code), [])
            result, block_lines = _score_items_block(run, unit, block, items) if items else _block_not_applicable(block, [])
            blocks.append(result)
            lines += block_lines
        else:
            blocks.append(_score_external_block(run, unit, block))
    block_total, block_text = _block_total(blocks)
    adjustments = _adjustments(run, unit)
    inside = sum((a.applied for a in adjustments if not a.outside_total), ZERO)
    outside = sum((a.applied for a in adjustments if a.outside_total), ZERO)
    return {"unit": unit, "blocks": blocks, "lines": lines, "adjustments": adjustments, "block_total": block_total,
            "block_text": block_text, "inside": inside, "outside": outside, "total": block_total + inside,
            "flags": run.veto_flags.get(unit.id, [])}


def _unit_result(part: dict, group_code: str, group_size: int) -> UnitResult:
    unit = part["unit"]
    text = f"{part['block_text']}；加减分 {pts(part['inside'])}；总分 {pts(part['total'])}"
    text += f"；单列加减分 {pts(part['outside'])}" if part["outside"] else ""
    text += f"；组内第 {part['rank']} 名（共 {group_size} 个单位）"
    if part["grade"]:
        text += f"；等次{GRADE_LABELS[part['grade']]}"
    eligible = not part["flags"]
    text += "" if eligible else "；取消评先评优资格"
    return UnitResult(
        unit=unit.id, code=unit.code, name=unit.name, group=group_code, blocks=tuple(part["blocks"]),
        lines=tuple(part["lines"]), adjustments=tuple(part["adjustments"]), block_total=part["block_total"],
        adjustment_total=part["inside"], outside_total=part["outside"], total=part["total"], rank=part["rank"],
        group_size=group_size, threshold_grade=part.get("threshold_grade", ""), grade=part["grade"],
        grade_steps=tuple(part["steps"]), vetoes=tuple(part["flags"]), award_eligible=eligible,
        calibration=part["calibration"], explanation=text,
    )


def score_scheme(inputs: ScoringInputs) -> Result:
    """Score every unit of every group of the scheme; raises InputError when the inputs cannot be scored."""
    problems = validate_inputs(inputs)
    if problems:
        raise InputError(problems)
    run = _Run(inputs)
    units, warnings = [], []
    for group in run.groups:
        members = sorted((run.units[u] for u in set(group.units)), key=lambda u: (u.code, u.id))
        parts = [_score_unit(run, unit, group.code) for unit in members]
        _ranks(run, parts)
        for part in parts:
            _threshold_grade(run, part)
            _veto(run, part)
        _quotas(run, parts, warnings, group.name)
        for part in parts:
            _calibrate(run, part, parts, warnings)
        parts.sort(key=lambda p: (p["rank"], p["unit"].code, p["unit"].id))
        units += [_unit_result(p, group.code, len(parts)) for p in parts]
    return Result(inputs.scheme.code, inputs_digest(inputs), ENGINE_VERSION, tuple(units), tuple(warnings))


__all__ = ["ENGINE_VERSION", "canonical_json", "inputs_digest", "quota_allowed", "score_scheme", "validate_inputs"]
