from django.urls import path

from jixiao.results import views

app_name = "results"
urlpatterns = [
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/new/", views.rectification_create, name="rectification_create"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/measures/", views.submit_measures, name="rectification_measures"),
    path("rectifications/<int:pk>/report/", views.report_progress, name="rectification_report"),
    path("rectifications/<int:pk>/verify/", views.verify, name="rectification_verify"),
    path("rectifications/<int:pk>/send-back/", views.send_back, name="rectification_send_back"),
    path("rectifications/<int:pk>/disclosure/", views.set_disclosure, name="rectification_disclosure"),
    path("rectification-files/<int:pk>/", views.report_file, name="rectification_file"),
]
