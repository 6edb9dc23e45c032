"""The office's page for the statistics mapping table, under /stats-mapping/."""

from django.urls import path

from jixiao.api.connectors import views

app_name = "stats_mapping"

urlpatterns = [
    path("", views.mapping_table, name="table"),
    path("export.xlsx", views.mapping_export, name="export"),
]
