"""What a public answer needs that cannot change while a campaign is open, cached per worker process.

Opening a campaign freezes its questionnaires (an edit then makes version n+1, a new row) and fixes its
evaluated units. So:

- a frozen questionnaire, with its questions and their dimensions, is cached under its own id. The id is the
  version key: `actions.resolve_code` reads the *current* questionnaire id together with the code, in the
  same query, so a new version reaches every worker with the next request. Unfrozen questionnaires (a
  campaign still in preparation) are never cached.
- a campaign's unit list is cached under the campaign id for UNITS_TTL seconds: the set is fixed once open,
  only a unit's name can change (a rename shows after at most a minute).

Status and dates are never cached: they come with the code on every request, so closing a campaign stops
every code at once, in every worker.
"""

import time

from jixiao.evaluation.models import Campaign, Questionnaire

UNITS_TTL = 60.0  # seconds
MAX_ENTRIES = 512  # a district runs one campaign a year; this only guards against unbounded growth

_questionnaires: dict[int, Questionnaire] = {}
_units: dict[int, tuple[float, list]] = {}


def questionnaire(pk: int) -> Questionnaire:
    """The questionnaire with its questions and dimensions (prefetched); from the cache once frozen."""
    found = _questionnaires.get(pk)
    if found is None:
        found = Questionnaire.objects.prefetch_related("questions__dimension").get(pk=pk)
        if found.frozen_at is not None:
            if len(_questionnaires) >= MAX_ENTRIES:
                _questionnaires.clear()
            _questionnaires[pk] = found
    return found


def units(campaign: Campaign) -> list:
    """The campaign's evaluated units in display order; cached for a while once the campaign is open."""
    now = time.monotonic()
    cached = _units.get(campaign.pk)
    if cached is not None and now - cached[0] < UNITS_TTL:
        return cached[1]
    found = list(campaign.units.order_by("sort_order", "code"))
    if campaign.is_frozen:
        if len(_units) >= MAX_ENTRIES:
            _units.clear()
        _units[campaign.pk] = (now, found)
    return found


def clear() -> None:
    """Forget everything (tests roll rows back, so an id may come back with other content)."""
    _questionnaires.clear()
    _units.clear()
