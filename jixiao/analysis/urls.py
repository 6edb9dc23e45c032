"""绩效分析: each part of the read side keeps its own URLs beside its views."""

from jixiao.analysis.views import compare, dashboard, drill, improvement, pace, peers, quality
from jixiao.analysis.views import reports as report_views

app_name = "analysis"
urlpatterns = [*compare.urlpatterns, *pace.urlpatterns, *peers.urlpatterns, *drill.urlpatterns, *quality.urlpatterns,
               *improvement.urlpatterns]
urlpatterns += report_views.urlpatterns
urlpatterns += dashboard.urlpatterns
