"""The demo's analysis reports: the district's 2026 上半年 analysis report and its 2026 第三季度 key-project evaluation
report, generated as drafts by the demo's office user, so 分析报告 opens on reports ready to read, edit and issue."""

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.analysis import report_actions
from jixiao.analysis.models import AnalysisReport, ReportKind, ReportScope
from jixiao.demo.accounts import account


def load(cycle, half: int = 1) -> AnalysisReport:
    """Generate the district's report of `half` in this process (the demo build runs no task worker)."""
    return _generate(cycle, half=half)


def load_quarter(cycle, quarter: int = 3) -> AnalysisReport:
    """Generate the district's key-project evaluation report of `quarter`, as `load` does."""
    return _generate(cycle, quarter=quarter)


def _generate(cycle, *, half: int | None = None, quarter: int | None = None) -> AnalysisReport:
    office = User.objects.get(username=account("office").username)
    report = AnalysisReport.objects.create(
        cycle=cycle, kind=ReportKind.QUARTER if quarter else ReportKind.HALF, half=half, quarter=quarter,
        scope=ReportScope.DISTRICT, requested_by=office, requested_at=timezone.now(),
        key=report_actions.key_of(cycle, half, ReportScope.DISTRICT, quarter=quarter))
    return report_actions.generate(report)
