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

from jixiao.results import result_views as rv  # noqa: E402

urlpatterns += [
    path("cadres/", rv.cadre_records, name="cadre_records"),
    path("cadres/write/", rv.cadre_records_write, name="cadre_records_write"),
    path("cadres/records/<int:pk>/talk/", rv.talk_record, name="talk_record"),
    path("cadres/<int:pk>/", rv.cadre_archive, name="cadre_archive"),
    path("cadres/<int:pk>/export/", rv.cadre_archive_export, name="cadre_archive_export"),
    path("publication/", rv.publication, name="publication"),
    path("publication/bulletin.docx", rv.publication_bulletin, name="publication_bulletin"),
    path("publication/results.xlsx", rv.publication_workbook, name="publication_workbook"),
    path("publication/commend/", rv.commend, name="commend"),
    path("letters/<int:pk>/", rv.feedback_letter, name="feedback_letter"),
    path("results/<int:pk>/rectify/", rv.rectify_lost_points, name="rectify_lost_points"),
    path("mine/", rv.my_results, name="my_results"),
    path("units/<int:pk>/", rv.unit_results, name="unit_results"),
]

from jixiao.results import committee_views as cv  # noqa: E402

urlpatterns += [
    path("committee/", cv.committee_list, name="committee_list"),
    path("committee/runs/<int:run_pk>/submit/", cv.committee_submit, name="committee_submit"),
    path("committee/<int:pk>/", cv.committee_detail, name="committee_detail"),
    path("committee/<int:pk>/vote/", cv.committee_vote, name="committee_vote"),
    path("committee/<int:pk>/decide/", cv.committee_decide, name="committee_decide"),
    path("committee/<int:pk>/minutes-draft.docx", cv.committee_draft, name="committee_draft"),
    path("committee/<int:pk>/minutes.docx", cv.committee_minutes, name="committee_minutes"),
]
