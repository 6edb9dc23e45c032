from django.urls import path

from jixiao.api.api import api

urlpatterns = [path("v1/", api.urls)]
