"""Access cases for every analysis URL, one module per part (see tests/test_access_matrix.py)."""

from jixiao.analysis.tests.access_compare import CASES as COMPARE
from jixiao.analysis.tests.access_dashboard import CASES as DASHBOARD
from jixiao.analysis.tests.access_drill import CASES as DRILL
from jixiao.analysis.tests.access_improvement import CASES as IMPROVEMENT
from jixiao.analysis.tests.access_pace import CASES as PACE
from jixiao.analysis.tests.access_peers import CASES as PEERS
from jixiao.analysis.tests.access_quality import CASES as QUALITY
from jixiao.analysis.tests.access_reports import CASES as REPORTS

CASES = {**COMPARE, **PACE, **PEERS, **DRILL, **QUALITY, **IMPROVEMENT}
CASES.update(REPORTS)
CASES.update(DASHBOARD)
