"""The office's pages for the units' public profiles, in the back office (not under the public /p/)."""

from django.urls import path

from jixiao.portal import profile_office

app_name = "portal_profiles"
urlpatterns = [
    path("", profile_office.office_list, name="list"),
    path("<str:code>/", profile_office.office_edit, name="edit"),
]
