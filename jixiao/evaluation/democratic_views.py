"""The public pages of a 民主测评 (evaluation/democratic.py): enter a code, rate the team or the cadres, done.

No login, like the public evaluation (portal/views.py), and the same defences in the same order: the per-address
rate limit (shared with the public evaluation), the honeypot, the signed start time (portal/form_clock.py, under
this form's own salt, so a token of the other form does not pass) with its minimum dwell, and the atomic use of
the code, which also makes a second submit of the same page harmless.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.audit.middleware import client_ip
from jixiao.evaluation import codes, democratic, guards, scale
from jixiao.evaluation.actions import CodeAnswer, EvaluationError
from jixiao.evaluation.forms import parse_matrix
from jixiao.evaluation.models import Scale
from jixiao.portal import form_clock

SIGNER_SALT = "jixiao.evaluation.democratic"
FORM_MAX_AGE = 4 * 3600  # a rating page stays valid for four hours
BUSY = "操作过于频繁，请稍后再试。"
REJECTED = "提交未成功，请刷新页面后重新填写。"


def _code_page(request, error: str = "", code: str = "", status: int = 200):
    return render(request, "evaluation/democratic_code.html", {
        "district_name": settings.DISTRICT_NAME, "error": error, "code": code}, status=status)


def _rating_page(request, scope, found, code: str, started: str, values=None, errors=(), status=200):
    values = values or {}
    questions = list(scope.questionnaire.questions.all())
    rows = [{"subject": s, "cells": [(q, values.get((s.id, q.dimension_id))) for q in questions]} for s in found]
    campaign = scope.campaign
    return render(request, "evaluation/democratic_form.html", {
        "district_name": settings.DISTRICT_NAME, "campaign": campaign, "scope": scope, "unit": scope.code.unit,
        "rows": rows, "levels": scale.DEMOCRATIC_LEVELS, "five_level": campaign.scale == Scale.FIVE_LEVEL,
        "code": code, "started": started, "errors": list(errors)}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def democratic_code(request):
    """GET: the code entry page. POST: check the code and show the team or the cadres of its unit."""
    if request.method == "GET":
        return _code_page(request)
    if guards.address_over_limit(client_ip(request)):
        return _code_page(request, BUSY, status=429)
    text = request.POST.get("code", "")[:60]
    try:
        scope, found = democratic.resolve(text)
    except EvaluationError as exc:
        return _code_page(request, str(exc), text, status=422)
    started = form_clock.start(SIGNER_SALT, codes.digest(text)[:32])
    return _rating_page(request, scope, found, codes.normalize(text), started)


@never_cache
@require_POST
def democratic_submit(request):
    if guards.address_over_limit(client_ip(request)):
        return _code_page(request, BUSY, status=429)
    text = request.POST.get("code", "")[:60]
    try:
        scope, found = democratic.resolve(text)
    except EvaluationError as exc:
        return _code_page(request, str(exc), status=422)
    if request.POST.get("website"):  # the honeypot: a person never sees this field
        return _code_page(request, REJECTED, status=400)
    started = request.POST.get("started", "")[:200]
    seconds = form_clock.dwell_seconds(started, salt=SIGNER_SALT, value=codes.digest(text)[:32],
                                       max_age=FORM_MAX_AGE)
    if seconds is None:
        return _code_page(request, "页面已过期，请重新输入邀请码后填写。", text, status=400)
    values, _comments, errors = parse_matrix(request.POST)
    if seconds < guards.MIN_DWELL_SECONDS:
        errors.append("提交过快，请认真阅读题目后再提交。")
    if errors:
        errors += democratic.check(scope, found, values)
    else:
        try:
            democratic.submit(CodeAnswer(code=text, values=values, seconds=seconds, client_ip=client_ip(request)),
                              scope=scope)
        except EvaluationError as exc:
            errors = exc.errors
        else:
            return redirect("evaluation:democratic_done")
    return _rating_page(request, scope, found, codes.normalize(text), started, values,
                        list(dict.fromkeys(errors)), status=422)


@require_GET
def democratic_done(request):
    return render(request, "evaluation/democratic_done.html", {"district_name": settings.DISTRICT_NAME})
