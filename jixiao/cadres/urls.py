"""URLs of the team and cadre assessment under /cadres/ (office pages; readers through cadres/access.py)."""

from django.urls import path  # noqa: F401

app_name = "cadres"
urlpatterns: list = []

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
