from django.urls import path

from jixiao.indicators import book_views, target_views, views

app_name = "indicators"
urlpatterns = [
    path("library/", views.indicator_list, name="indicator_list"),
    path("library/export.xlsx", views.indicator_export, name="indicator_export"),
    path("library/new/", views.indicator_create, name="indicator_create"),
    path("library/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("library/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("library/<int:pk>/definition/", views.indicator_revise, name="indicator_revise"),
    path("library/rules/", views.rule_list, name="rule_list"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/workbook/<int:year>.xlsx", book_views.book_export, name="book_export"),
    path("schemes/workbook/import/", book_views.book_import, name="book_import"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/<int:pk>/options/", views.scheme_options, name="scheme_options"),
    path("schemes/<int:pk>/<slug:kind>/new/", views.part_edit, name="part_add"),
    path("schemes/<int:pk>/<slug:kind>/<int:part_pk>/", views.part_edit, name="part_edit"),
    path("schemes/<int:pk>/<slug:kind>/<int:part_pk>/delete/", views.part_delete, name="part_delete"),
    path("targets/", target_views.target_list, name="target_list"),
    path("targets/matrix/", target_views.target_matrix, name="target_matrix"),
    path("targets/matrix/export.xlsx", target_views.target_matrix_export, name="target_matrix_export"),
    path("targets/mine/", target_views.my_targets, name="my_targets"),
    path("targets/mine/export.xlsx", target_views.my_targets_export, name="my_targets_export"),
    path("targets/assessed/", target_views.assessed, name="assessed"),
    path("targets/assessed/export.xlsx", target_views.assessed_export, name="assessed_export"),
    path("targets/<int:pk>/", target_views.target_detail, name="target_detail"),
    path("targets/<int:pk>/edit/", target_views.target_edit, name="target_edit"),
    path("targets/<int:pk>/adjust/", target_views.adjustment_request, name="adjustment_request"),
    path("adjustments/", target_views.adjustment_queue, name="adjustment_queue"),
    path("adjustments/export.xlsx", target_views.adjustment_export, name="adjustment_export"),
    path("adjustments/<int:pk>/decide/", target_views.adjustment_decide, name="adjustment_decide"),
    path("adjustments/deadline/<int:year>/", target_views.deadline_set, name="deadline_set"),
]
