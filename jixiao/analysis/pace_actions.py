"""The one change of the pace part: the office sets a cycle's thresholds, audited."""

from decimal import Decimal

from django.db import transaction

from jixiao.analysis.models import PaceRule
from jixiao.audit import log

FIELDS = ["on_pace_ratio", "ahead_ratio"]


@transaction.atomic
def set_rule(cycle, *, on_pace_ratio: Decimal, ahead_ratio: Decimal, by) -> PaceRule:
    """Keep the cycle's thresholds (created on first use) and write one audit event with before and after."""
    rule, created = PaceRule.objects.select_for_update().get_or_create(cycle=cycle)
    before = None if created else log.snapshot(rule, FIELDS)
    rule.on_pace_ratio, rule.ahead_ratio = on_pace_ratio, ahead_ratio
    rule.full_clean()
    rule.save(update_fields=[*FIELDS, "updated_at"])
    log.record("cycle.pace_rule_set", rule, before=before, after=log.snapshot(rule, FIELDS), user=by)
    return rule
