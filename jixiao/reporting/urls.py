from django.urls import path

from jixiao.reporting.views import office, reporter, review, shared

app_name = "reporting"
unit_period = "units/<int:unit_pk>/periods/<int:period_pk>/"
urlpatterns = [
    path("", reporter.home, name="home"),
    path(unit_period, reporter.entry, name="entry"),
    path(unit_period + "save/", reporter.save_values, name="save_values"),
    path(unit_period + "items/<int:item_pk>/save/", reporter.save_value, name="save_value"),
    path(unit_period + "template.xlsx", reporter.unit_template, name="unit_template"),
    path(unit_period + "upload/", reporter.unit_upload, name="unit_upload"),
    path("submissions/<int:pk>/submit/", reporter.submit, name="submit"),
    path("submissions/<int:pk>/approve/", review.approve, name="approve"),
    path("submissions/<int:pk>/return/", review.return_submission, name="return"),
    path("submissions/<int:pk>/verify/", review.verify, name="verify"),
    path("submissions/<int:pk>/unlock/", office.unlock_submission, name="unlock_submission"),
    path("values/<int:pk>/history/", shared.value_history, name="value_history"),
    path("values/<int:pk>/evidence/", reporter.upload_evidence, name="upload_evidence"),
    path("values/<int:pk>/unlock/", office.unlock_value, name="unlock_value"),
    path("values/<int:pk>/verify/", review.verify_value, name="verify_value"),
    path("values/<int:pk>/return/", review.return_value, name="return_value"),
    path("values/<int:pk>/resubmit/", reporter.resubmit_value, name="resubmit_value"),
    path("evidence/<int:pk>/remove/", reporter.remove_evidence, name="remove_evidence"),
    path("evidence/<int:pk>/", shared.evidence_file, name="evidence"),
    path("jobs/<int:pk>/", shared.job, name="job"),
    path("assessor/", review.assessor_home, name="assessor_home"),
    path("assessor/periods/<int:period_pk>/", review.assessor, name="assessor"),
    path("assessor/periods/<int:period_pk>/template.xlsx", review.assessor_template, name="assessor_template"),
    path("assessor/periods/<int:period_pk>/upload/", review.assessor_upload, name="assessor_upload"),
    path("board/", office.board, name="board"),
    path("board/export.xlsx", office.board_export, name="board_export"),
    path("timeliness/", office.timeliness, name="timeliness"),
    path("periods/", office.periods, name="periods"),
    path("periods/generate/", office.generate_periods, name="generate_periods"),
    path("periods/<int:pk>/", office.period_edit, name="period_edit"),
    path("periods/<int:pk>/exception/", office.grant_exception, name="grant_exception"),
]
