"""URLs of the team and cadre assessment under /cadres/ (office pages; readers through cadres/access.py)."""

from django.urls import path  # noqa: F401

app_name = "cadres"
urlpatterns: list = []
