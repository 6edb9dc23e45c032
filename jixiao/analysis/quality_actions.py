"""The one change of the data-quality part: the office sets a cycle's thresholds, audited."""

from decimal import Decimal

from django.db import transaction

from jixiao.analysis.models import QualityRule
from jixiao.audit import log

FIELDS = ["threshold", "min_history", "min_peers"]


@transaction.atomic
def set_rule(cycle, *, threshold: Decimal, min_history: int, min_peers: int, by) -> QualityRule:
    """Keep the cycle's thresholds (created on first use) and write one audit event with before and after."""
    rule, created = QualityRule.objects.select_for_update().get_or_create(cycle=cycle)
    before = None if created else log.snapshot(rule, FIELDS)
    rule.threshold, rule.min_history, rule.min_peers = threshold, min_history, min_peers
    rule.full_clean()
    rule.save(update_fields=[*FIELDS, "updated_at"])
    log.record("cycle.quality_rule_set", rule, before=before, after=log.snapshot(rule, FIELDS), user=by)
    return rule
