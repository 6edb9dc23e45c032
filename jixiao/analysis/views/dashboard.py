"""The leader's dashboard on one A4 page (打印版工作台): the overview's figures as tables, without the shell.

The page reads exactly what the dashboard reads (`analysis/overview.py`, `build`), so the printed figures can never
differ from the screen's; the charts are given by the tables that stand in for them (counts and grade counts).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.analysis import overview
from jixiao.indicators.models import GRADE_ORDER, Grade


@login_required
@require_GET
def dashboard_print(request):
    access.require(request.user, "analysis.view")
    return render(request, "analysis/dashboard_print.html", {
        "overview": overview.build(request.user),
        "grade_labels": [Grade(g).label for g in GRADE_ORDER],
    })


urlpatterns = [path("print/", dashboard_print, name="dashboard_print")]
