from django.urls import path

from jixiao.keywork import bulletin_views, supervision_views, views

app_name = "keywork"
urlpatterns = [
    path("", views.task_board, name="board"),
    path("export.xlsx", views.board_export, name="board_export"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("unit/", views.unit_tasks, name="unit_tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", views.progress_create, name="progress_create"),
    path("tasks/<int:pk>/assess/", views.assess, name="assess"),
    path("warnings/raise/", views.warnings_raise, name="warnings_raise"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("supervisions/", supervision_views.supervision_list, name="supervision_list"),
    path("supervisions/new/", supervision_views.supervision_create, name="supervision_create"),
    path("supervisions/<int:pk>/", supervision_views.supervision_detail, name="supervision_detail"),
    path("directives/", supervision_views.directive_list, name="directive_list"),
    path("directives/new/", supervision_views.directive_create, name="directive_create"),
    path("directives/<int:pk>/", supervision_views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/reply/", supervision_views.directive_reply, name="directive_reply"),
    path("replies/<int:pk>/decide/", supervision_views.reply_decide, name="reply_decide"),
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),
    path("bulletins/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/download/", bulletin_views.bulletin_download, name="bulletin_download"),
]
