from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.ui import home as home_pages


@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
@require_GET
def home(request):
    membership = access.active_membership(request)
    template, context = home_pages.for_membership(request.user, membership)
    return render(request, template, context)


@login_required
@require_GET
def system(request):
    access.require(request.user, "system.view")
    return render(request, "ui/system.html", home_pages.system_status())
