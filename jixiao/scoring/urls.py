from django.urls import path

from jixiao.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("compute/", views.compute, name="compute"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/appeals/open/", views.open_appeals, name="open_appeals"),
    path("runs/<int:pk>/publish/", views.publish, name="publish"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/appeal/", views.appeal_create, name="appeal_create"),
    path("compare/", views.compare, name="compare"),
    path("ours/", views.our_result, name="our_result"),
    path("appeals/", views.appeal_queue, name="appeal_queue"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
