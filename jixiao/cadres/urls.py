"""URLs of the team and cadre assessment under /cadres/ (office pages; readers through cadres/access.py)."""

from django.urls import path

from jixiao.cadres import views

app_name = "cadres"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("assess/", views.assess, name="assess"),
    path("export/", views.export, name="export"),
    path("rules/", views.rules, name="rules"),
    path("assessments/<int:pk>/calibrate/", views.calibrate, name="calibrate"),
    path("democratic/", views.democratic, name="democratic"),
    path("democratic/template/", views.democratic_template, name="democratic_template"),
    path("democratic/import/", views.democratic_import, name="democratic_import"),
    path("reports/", views.reports, name="reports"),
    path("reports/upload/", views.report_upload, name="report_upload"),
    path("reports/<int:pk>/", views.report_download, name="report_download"),
]

# --- The use of the results (实绩档案, 结果运用名单, 问责): files_views, lists_views, accountability_views ----------
from jixiao.cadres import accountability_views, files_views, lists_views  # noqa: E402

urlpatterns += [
    path("files/", files_views.file_list, name="file_list"),
    path("files/<int:pk>/", files_views.file_detail, name="file_detail"),
    path("files/<int:pk>/export/", files_views.file_export, name="file_export"),
    path("files/<int:pk>/link/", files_views.file_link, name="file_link"),
    path("files/<int:pk>/unlink/<int:user_pk>/", files_views.file_unlink, name="file_unlink"),
    path("files/<int:pk>/accountability/new/", accountability_views.accountability_create,
         name="accountability_create"),
    path("lists/", lists_views.lists_page, name="lists"),
    path("lists/export/", lists_views.lists_export, name="lists_export"),
    path("accountability/", accountability_views.accountability_list, name="accountability_list"),
]
