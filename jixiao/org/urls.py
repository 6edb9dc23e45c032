from django.urls import path

from jixiao.org import succession_views, views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/successions/", succession_views.succession_list, name="succession_list"),
    path("units/successions/export.xlsx", succession_views.succession_export, name="succession_export"),
    path("units/successions/import/", succession_views.succession_import, name="succession_import"),
    path("units/successions/<int:pk>/remove/", succession_views.succession_remove, name="succession_remove"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/retire/", views.unit_retire, name="unit_retire"),
    path("units/<int:pk>/cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/end/", views.cadre_end, name="cadre_end"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/status/", views.cycle_status, name="cycle_status"),
    path("my-unit/", views.my_unit, name="my_unit"),
]
