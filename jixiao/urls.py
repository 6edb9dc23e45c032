from django.urls import include, path

urlpatterns = [
    path("", include("jixiao.ui.urls")),
    path("", include("jixiao.accounts.urls")),
    path("org/", include("jixiao.org.urls")),
    path("notices/", include("jixiao.notifications.urls")),
    path("indicators/", include("jixiao.indicators.urls")),
    path("reporting/", include("jixiao.reporting.urls")),
    path("keywork/", include("jixiao.keywork.urls")),
    path("audit/", include("jixiao.audit.urls")),
    path("evaluation/", include("jixiao.evaluation.urls")),
    path("scoring/", include("jixiao.scoring.urls")),
    path("results/", include("jixiao.results.urls")),
    path("p/", include("jixiao.portal.urls")),
]
