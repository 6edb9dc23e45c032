"""Background work of the analysis app: building the half-year and quarterly reports (django-tasks, as reporting does)."""

from django_tasks import task

from jixiao.analysis import report_actions
from jixiao.analysis.models import AnalysisReport


@task()
def generate_report_task(report_id: int) -> str:
    report = AnalysisReport.objects.select_related("cycle", "unit", "requested_by").get(pk=report_id)
    return report_actions.generate(report).status
