"""The public results page (考核结果公开): published results and the rectification items marked for disclosure."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jixiao.portal import cache
from jixiao.results import publication


@require_GET
@cache.public_page("cycle")
def results(request):
    return render(request, "portal/results.html", {"district_name": settings.DISTRICT_NAME,
                                                   **publication.public_context(request)})
