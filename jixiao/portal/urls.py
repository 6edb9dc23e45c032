from django.urls import path

from jixiao.portal import (
    elder,
    opendata,
    profiles,
    publishing_pages,
    rectification,
    reports,
    results,
    search,
    views,
)

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("pingyi/", views.evaluate, name="evaluate"),
    path("pingyi/submit/", views.evaluate_submit, name="evaluate_submit"),
    path("pingyi/done/", views.done, name="done"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("results/", results.results, name="results"),
    path("units/", profiles.unit_list, name="units"),
    path("units/<str:code>/", profiles.unit_detail, name="unit_detail"),
    path("search/", search.search_page, name="search"),
]
urlpatterns += publishing_pages.urlpatterns  # 通知公告, 政策文件, … (publishing_pages.py)
urlpatterns += opendata.urlpatterns  # 数据开放 (opendata.py)
urlpatterns += rectification._urls()  # 整改公开 (rectification.py)
urlpatterns += elder.urlpatterns  # 长辈版 (elder.py)
urlpatterns += reports.urlpatterns  # 绩效分析报告 (reports.py)
from jixiao.portal import hudong  # noqa: E402  互动交流 (hudong.py)

urlpatterns += hudong.urlpatterns
