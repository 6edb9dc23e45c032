from django.urls import path

from jixiao.audit import views

app_name = "audit"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/export/", views.event_export, name="event_export"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("chain/", views.chain_status, name="chain_status"),
]
