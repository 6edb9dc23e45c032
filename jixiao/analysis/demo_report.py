"""The demo's half-year report: the district's 2026 上半年 report generated as a draft by the demo's office user,
so 半年分析报告 opens on a report ready to read, edit and issue."""

from django.utils import timezone

from jixiao.accounts.models import User
from jixiao.analysis import report_actions
from jixiao.analysis.models import AnalysisReport, ReportScope
from jixiao.demo.accounts import account


def load(cycle, half: int = 1) -> AnalysisReport:
    """Generate the district's report of `half` in this process (the demo build runs no task worker)."""
    office = User.objects.get(username=account("office").username)
    report = AnalysisReport.objects.create(
        cycle=cycle, half=half, scope=ReportScope.DISTRICT, requested_by=office, requested_at=timezone.now(),
        key=report_actions.key_of(cycle, half, ReportScope.DISTRICT))
    return report_actions.generate(report)
