from django.urls import include, path

urlpatterns = [
    # The public portal first: on evaluation day nearly every request is under /p/, and a path is matched
    # against the patterns in order (the two includes at "" below are tried pattern by pattern).
    path("p/", include("jixiao.portal.urls")),
    path("api/", include("jixiao.api.urls")),
    path("", include("jixiao.ui.urls")),
    path("", include("jixiao.accounts.urls")),
    path("security/api-tokens/", include("jixiao.api.page_urls")),
    path("stats-mapping/", include("jixiao.api.connectors.urls")),
    path("org/", include("jixiao.org.urls")),
    path("notices/", include("jixiao.notifications.urls")),
    path("indicators/", include("jixiao.indicators.urls")),
    path("reporting/", include("jixiao.reporting.urls")),
    path("keywork/", include("jixiao.keywork.urls")),
    path("audit/", include("jixiao.audit.urls")),
    path("evaluation/", include("jixiao.evaluation.urls")),
    path("scoring/", include("jixiao.scoring.urls")),
    path("results/", include("jixiao.results.urls")),
    path("cadres/", include("jixiao.cadres.urls")),
    path("analysis/", include("jixiao.analysis.urls")),
    path("profiles/", include("jixiao.portal.profile_office_urls")),
    path("publishing/", include("jixiao.portal.publishing_views")),
    path("reratings/", include("jixiao.portal.rectification_office")),
    path("hudong-office/", include("jixiao.portal.hudong_office")),
]

# Chinese error pages in the shell's or the portal's layout (ui/errors.py); 500 needs no database.
handler400 = "jixiao.ui.errors.bad_request"
handler403 = "jixiao.ui.errors.permission_denied"
handler404 = "jixiao.ui.errors.page_not_found"
handler500 = "jixiao.ui.errors.server_error"
