"""The key-work block's input to the scoring engine (stage 6).

`scores_for(cycle)` returns the points each unit earned on each key task of the cycle:
{(unit_id, task_id): Decimal}. For every (unit, task) with assessments:

- the year-end score ("Y") when the assessor or the office has given one;
- otherwise the mean of the quarterly scores given so far, rounded to 2 places (ROUND_HALF_UP).

Scores are points on the task's scale (0 … KeyTask.points). A task without any assessment is absent: the
loader decides what absence means (0 or not applicable). One query, whatever the number of tasks.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from jixiao.keywork.models import Assessment

CENT = Decimal("0.01")


def scores_for(cycle, tasks=None) -> dict[tuple[int, int], Decimal]:
    """(unit id, task id) → the task's score for the unit in `cycle`; only of `tasks` (ids) when given."""
    by_pair: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    rows = Assessment.objects.filter(task__cycle=cycle)
    if tasks is not None:  # one scheme's tasks: its run does not read every district's assessments
        rows = rows.filter(task_id__in=tasks)
    rows = rows.order_by().values_list("unit_id", "task_id", "period_code", "score")
    for unit_id, task_id, period_code, score in rows:
        by_pair[(unit_id, task_id)][period_code] = score
    return {pair: combine(periods) for pair, periods in by_pair.items()}


def combine(periods: dict[str, Decimal]) -> Decimal:
    """The year-end score, else the mean of the quarterly scores."""
    if "Y" in periods:
        return periods["Y"].quantize(CENT, ROUND_HALF_UP)
    quarterly = [score for code, score in periods.items() if code != "Y"]
    return (sum(quarterly, Decimal(0)) / len(quarterly)).quantize(CENT, ROUND_HALF_UP)
