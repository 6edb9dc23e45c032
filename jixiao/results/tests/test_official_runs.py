"""`official_runs` picks each scheme's standing run as `current_run` does, in one query however many schemes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.results.queries import official_runs, standing
from jixiao.results.tests.builders import scored
from jixiao.scoring.models import ScoreRun
from jixiao.scoring.queries import current_run


def _run(pk, *, published=False, stage="preliminary"):
    return ScoreRun(pk=pk, published=published, stage=stage)


def test_standing_prefers_published_then_final_then_preliminary_newest_first():
    assert standing([_run(3), _run(2, stage="final"), _run(1, stage="final", published=True)]).pk == 1
    assert standing([_run(3), _run(2, stage="final"), _run(1, stage="final")]).pk == 2
    assert standing([_run(3), _run(2)]).pk == 3
    assert standing([]) is None


@pytest.mark.django_db
def test_official_runs_agree_with_current_run_in_one_query(cast):
    final = scored(cast, publish=True)
    scheme = final.scheme
    with CaptureQueriesContext(connection) as queries:
        found = official_runs(final.cycle)
    assert [r.pk for r in found] == [current_run(scheme).pk] == [final.pk]
    assert len(queries) == 1
    # Among the public's runs (published only) the same run stands.
    assert [r.pk for r in official_runs(final.cycle, published_only=True)] == [final.pk]
