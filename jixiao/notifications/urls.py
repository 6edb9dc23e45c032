from django.urls import path

from jixiao.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
]
