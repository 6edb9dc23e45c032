from django.urls import path

from jixiao.reporting import views

app_name = "reporting"
unit_period = "units/<int:unit_pk>/periods/<int:period_pk>/"
urlpatterns = [
    path("", views.home, name="home"),
    path(unit_period, views.entry, name="entry"),
    path(unit_period + "items/<int:item_pk>/save/", views.save_value, name="save_value"),
    path(unit_period + "template.xlsx", views.unit_template, name="unit_template"),
    path(unit_period + "upload/", views.unit_upload, name="unit_upload"),
    path("submissions/<int:pk>/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/approve/", views.approve, name="approve"),
    path("submissions/<int:pk>/return/", views.return_submission, name="return"),
    path("submissions/<int:pk>/verify/", views.verify, name="verify"),
    path("submissions/<int:pk>/unlock/", views.unlock_submission, name="unlock_submission"),
    path("values/<int:pk>/history/", views.value_history, name="value_history"),
    path("values/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("values/<int:pk>/unlock/", views.unlock_value, name="unlock_value"),
    path("values/<int:pk>/verify/", views.verify_value, name="verify_value"),
    path("values/<int:pk>/return/", views.return_value, name="return_value"),
    path("values/<int:pk>/resubmit/", views.resubmit_value, name="resubmit_value"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="remove_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("assessor/", views.assessor_home, name="assessor_home"),
    path("assessor/periods/<int:period_pk>/", views.assessor, name="assessor"),
    path("assessor/periods/<int:period_pk>/template.xlsx", views.assessor_template, name="assessor_template"),
    path("assessor/periods/<int:period_pk>/upload/", views.assessor_upload, name="assessor_upload"),
    path("board/", views.board, name="board"),
    path("board/export.xlsx", views.board_export, name="board_export"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("periods/", views.periods, name="periods"),
    path("periods/generate/", views.generate_periods, name="generate_periods"),
    path("periods/<int:pk>/", views.period_edit, name="period_edit"),
    path("periods/<int:pk>/exception/", views.grant_exception, name="grant_exception"),
]
