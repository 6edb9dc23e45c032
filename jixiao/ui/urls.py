from django.urls import path

from jixiao.ui import views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("system/", views.system, name="system"),
]
