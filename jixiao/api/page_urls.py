"""The security admin's pages for API tokens, under /security/api-tokens/ (the API itself is jixiao/api/urls.py)."""

from django.urls import path

from jixiao.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("<int:pk>/", views.token_detail, name="detail"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
