"""The plain data the scoring engine reads and writes (no ORM; built by `scoring/loader.py`).

Everything is a frozen dataclass of `Decimal`, `int`, `str`, `bool` and tuples, so a result can be compared,
hashed into a digest and stored as JSON. Units are referred to by their database id (`int`), blocks, groups,
adjustment categories and veto conditions by their code, scheme items by their id. The order of any tuple
in the inputs does not matter: the engine sorts everything itself (see `engine.score_scheme`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

# Grades from best to worst; the values are those of indicators.models.Grade.
EXCELLENT, GOOD, AVERAGE, POOR = "excellent", "good", "average", "poor"
GRADE_ORDER = (EXCELLENT, GOOD, AVERAGE, POOR)
GRADE_LABELS = {EXCELLENT: "优秀", GOOD: "良好", AVERAGE: "一般", POOR: "较差"}

# Block kinds. `items` and `evaluation` are indicators.models.BlockKind; `key_work` is a block scored like
# `evaluation` from one external 0–100 score per unit (the key-work app's result).
ITEMS, EVALUATION, KEY_WORK = "items", "evaluation", "key_work"
EXTERNAL_KINDS = (EVALUATION, KEY_WORK)

# Not-applicable policies of a scheme item (indicators.models.NotApplicablePolicy).
REDISTRIBUTE, DROP = "redistribute", "drop"

# What to do when data a rule needs is missing or unusable (scheme option, item may override).
MISSING_ZERO, MISSING_NOT_APPLICABLE = "zero", "not_applicable"

# Tie rules for ranks within a group.
TIE_SHARED, TIE_BLOCKS = "shared", "blocks"

# Status of a line. NOT_DUE: during the year, the indicator's data was not due yet by the run's day (尚未到报送期);
# the line is left out and its points redistributed like a not-applicable line (decision 0009 §13).
SCORED, MISSING, NOT_APPLICABLE, NOT_DUE = "scored", "missing", "not_applicable", "not_due"
STATUS_LABELS = {SCORED: "已计分", MISSING: "缺报", NOT_APPLICABLE: "不适用", NOT_DUE: "尚未到报送期"}
# Statuses whose line is left out of its block (points redistributed or dropped by the item's policy).
LEFT_OUT = (NOT_APPLICABLE, NOT_DUE)

# Adjustment kinds and veto effects (indicators.models.AdjustmentKind / VetoEffect).
BONUS, DEDUCTION = "bonus", "deduction"
CAP_GRADE, NO_AWARD = "cap_grade", "no_award"


class InputError(ValueError):
    """The inputs cannot be scored at all (unknown rule, missing parameter …); `problems` are Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- Inputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """An assessed unit (被考核单位); `code` keys the difficulty table of relative_to_best."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Block:
    """A weighted part of the scheme (板块); `weight` is its share of the total in points."""

    code: str
    name: str
    weight: Decimal
    kind: str = ITEMS
    sort_order: int = 0


@dataclass(frozen=True)
class Group:
    """A peer group (考核组别): its units are ranked, graded and compared with each other."""

    code: str
    name: str
    units: tuple[int, ...]
    sort_order: int = 0


@dataclass(frozen=True)
class Item:
    """A scheme item: group × indicator × points × rule with params as stored by rule_specs.clean_params."""

    id: int
    block: str
    group: str
    indicator: str
    name: str
    points: Decimal
    rule: str
    params: dict = field(default_factory=dict)
    not_applicable_policy: str = REDISTRIBUTE
    direction: str = "higher_better"  # indicators.models.Direction; used by peer rules and all_or_nothing
    missing_data: str | None = None  # None: the scheme's option
    sort_order: int = 0


@dataclass(frozen=True)
class AdjustmentCategory:
    """A bonus or deduction category (加减分项目) with its cap per unit."""

    code: str
    name: str
    kind: str  # bonus | deduction
    cap: Decimal
    outside_total: bool = False
    sort_order: int = 0


@dataclass(frozen=True)
class VetoCondition:
    """A veto condition (一票否决事项): caps the grade or removes award eligibility."""

    code: str
    name: str
    effect: str  # cap_grade | no_award
    cap_grade: str = ""


@dataclass(frozen=True)
class GradeRule:
    """A grade's minimum total and its quota within a group (等次与比例); quota None = no limit."""

    grade: str
    min_score: Decimal
    quota_percent: Decimal | None = None


@dataclass(frozen=True)
class Scheme:
    """The rules of one scheme as the engine needs them."""

    code: str
    name: str
    blocks: tuple[Block, ...]
    groups: tuple[Group, ...]
    items: tuple[Item, ...]
    adjustment_categories: tuple[AdjustmentCategory, ...] = ()
    vetoes: tuple[VetoCondition, ...] = ()
    grade_rules: tuple[GradeRule, ...] = ()
    missing_data: str = MISSING_ZERO
    tie_rule: str = TIE_SHARED


@dataclass(frozen=True)
class ItemValue:
    """Everything known about one unit on one scheme item; fields a rule does not read stay None."""

    unit: int
    item: int
    actual: Decimal | None = None
    target: Decimal | None = None
    baseline: Decimal | None = None
    upper: Decimal | None = None
    text: str = ""  # qualitative grade name (qualitative_grade)
    events: int | None = None  # per_event_deduction
    milestones_due: int | None = None  # milestone_prorate
    milestones_on_time: int | None = None
    milestones_late: int | None = None
    manual_score: Decimal | None = None  # manual
    justification: str = ""
    not_applicable: bool = False
    # The latest reported value is not verified (yet): the line is missing data, explained "数值待核定".
    pending: bool = False
    # During the year: no value, and no reporting period of the indicator had passed its deadline by the run's day
    # (尚未到报送期). The line is left out like a not-applicable one; `note` says why.
    not_due: bool = False
    note: str = ""  # why not applicable, or where the value came from (and which target was used); leads the line


@dataclass(frozen=True)
class BlockScore:
    """A unit's 0–100 score for an evaluation or key-work block (满意度 / 重点工作得分率)."""

    unit: int
    block: str
    score: Decimal
    note: str = ""
    # False: the unit is outside the block's scope by design (e.g. the year's evaluation campaign does not
    # evaluate units of its kind), so the block does not apply to it; `score` is then ignored.
    applicable: bool = True


@dataclass(frozen=True)
class Adjustment:
    """One entry of the bonus/deduction ledger; the sign comes from its category, `points` is the size."""

    id: int
    unit: int
    category: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class VetoFlag:
    """A veto condition found true for a unit."""

    unit: int
    condition: str
    reason: str = ""


@dataclass(frozen=True)
class Calibration:
    """A recorded manual grade change (校准) with its reason, applied after everything else."""

    unit: int
    grade: str
    reason: str
    by: str = ""


@dataclass(frozen=True)
class ScoringInputs:
    """Everything one run scores: a whole scheme at once, because peer rules need the whole group."""

    scheme: Scheme
    units: tuple[Unit, ...]
    values: tuple[ItemValue, ...] = ()
    block_scores: tuple[BlockScore, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    veto_flags: tuple[VetoFlag, ...] = ()
    calibrations: tuple[Calibration, ...] = ()


# --- Outputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One scored scheme item of one unit, with its explanation (value, target, rule, points)."""

    unit: int
    item: int
    block: str
    indicator: str
    name: str
    rule: str
    status: str  # scored | missing | not_applicable | not_due
    points: Decimal
    max_points: Decimal  # after redistribution; 0 for a dropped or redistributed-away item
    base_points: Decimal  # the item's points in the scheme
    explanation: str

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class BlockResult:
    """A unit's score in one block; `raw` out of `max_points`, `score` scaled to the weight."""

    block: str
    name: str
    kind: str
    weight: Decimal
    raw: Decimal
    max_points: Decimal
    score: Decimal
    applicable: bool
    explanation: str


@dataclass(frozen=True)
class AppliedAdjustment:
    """The ledger entries of one category for one unit, summed and capped."""

    category: str
    name: str
    kind: str
    outside_total: bool
    entries: tuple[Adjustment, ...]
    requested: Decimal  # signed sum of the entries
    applied: Decimal  # signed, after the cap
    cap: Decimal
    explanation: str


@dataclass(frozen=True)
class UnitResult:
    """A unit's result: blocks, lines, adjustments, total, rank and grade with every step explained."""

    unit: int
    code: str
    name: str
    group: str
    blocks: tuple[BlockResult, ...]
    lines: tuple[Line, ...]
    adjustments: tuple[AppliedAdjustment, ...]
    block_total: Decimal
    adjustment_total: Decimal  # counted in the total
    outside_total: Decimal  # listed separately (单列), not in the total
    total: Decimal
    rank: int
    group_size: int
    threshold_grade: str
    grade: str
    grade_steps: tuple[str, ...]
    vetoes: tuple[VetoFlag, ...]
    award_eligible: bool
    calibration: Calibration | None
    explanation: str

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, self.grade)


@dataclass(frozen=True)
class Result:
    """The result of a whole scheme; units ordered by group, rank, unit code."""

    scheme: str
    digest: str
    engine_version: str
    units: tuple[UnitResult, ...]
    warnings: tuple[str, ...] = ()

    def for_unit(self, unit_id: int) -> UnitResult:
        """The unit's result; KeyError when the unit was not scored."""
        for unit in self.units:
            if unit.unit == unit_id:
                return unit
        raise KeyError(unit_id)

    def for_group(self, group_code: str) -> tuple[UnitResult, ...]:
        return tuple(u for u in self.units if u.group == group_code)
