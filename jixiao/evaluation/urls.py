from django.urls import path

from jixiao.evaluation import democratic_views, rate_views, review_views, views

app_name = "evaluation"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/weights/", views.campaign_weights, name="campaign_weights"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/codes/", views.codes_issue, name="codes_issue"),
    path("batches/<int:pk>/void/", views.codes_void, name="codes_void"),
    path("groups/<int:pk>/questionnaire/", views.questionnaire_edit, name="questionnaire_edit"),
    path("<int:pk>/monitor/", review_views.monitor_page, name="monitor"),
    path("<int:pk>/review/", review_views.review, name="review"),
    path("answers/<uuid:pk>/decide/", review_views.review_decide, name="review_decide"),
    path("<int:pk>/results/", review_views.results, name="results"),
    path("<int:pk>/results.xlsx", review_views.results_export, name="results_export"),
    path("<int:pk>/follow-ups/", review_views.follow_ups, name="follow_ups"),
    path("contacts/<int:pk>/reveal/", review_views.contact_reveal, name="contact_reveal"),
    path("rate/", rate_views.rate_home, name="rate_home"),
    path("rate/<int:pk>/", rate_views.rate, name="rate"),
    path("rate/<int:pk>/draft/", rate_views.rate_draft, name="rate_draft"),
    path("feedback/", rate_views.feedback, name="feedback"),
    path("<int:pk>/democratic-results/", views.democratic_record, name="democratic_record"),
    # 民主测评 by code: public, like the portal's evaluation.
    path("ceping/", democratic_views.democratic_code, name="democratic_code"),
    path("ceping/submit/", democratic_views.democratic_submit, name="democratic_submit"),
    path("ceping/done/", democratic_views.democratic_done, name="democratic_done"),
]
