"""The public channel (公众网上评议): no login, a code from a QR sheet or an SMS, mobile first.

Defences, in the order a request meets them: a per-address rate limit (address bucket under a salt of the
day, counted in the database so all workers share it), the honeypot field, the signed start time (minimum
dwell), consent, a per-phone rate limit, and finally the atomic use of the code in actions.submit_with_code.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.audit.middleware import client_ip
from jixiao.evaluation import actions, codes, guards, privacy, scale
from jixiao.evaluation.forms import PublicAnswerForm, parse_matrix
from jixiao.evaluation.models import COMMENT_MAX, Scale
from jixiao.lib.crypto import normalize_phone
from jixiao.portal import cache, form_clock, home

SIGNER_SALT = "jixiao.portal.evaluate"
FORM_MAX_AGE = 4 * 3600  # a questionnaire page stays valid for four hours
BUSY = "操作过于频繁，请稍后再试。"
REJECTED = "提交未成功，请刷新页面后重新填写。"


@require_GET
@cache.public_page()
def index(request):
    """The portal home: the district's performance at a glance and the way to evaluate (portal/home.py)."""
    return render(request, "portal/index.html", {"district_name": settings.DISTRICT_NAME, **home.context()})


@require_GET
@cache.public_page()
def privacy_notice(request):
    return render(request, "portal/privacy.html", {"district_name": settings.DISTRICT_NAME})


@require_GET
@cache.public_page()
def done(request):
    return render(request, "portal/done.html", {"district_name": settings.DISTRICT_NAME})


def _too_busy(request) -> bool:
    bucket = privacy.address_bucket(client_ip(request), timezone.localdate())
    return guards.over(f"ip:{bucket}", guards.ADDRESS_LIMIT, guards.ADDRESS_WINDOW)


def _code_page(request, error: str = "", code: str = "", status: int = 200):
    return render(request, "portal/evaluate_code.html", {
        "district_name": settings.DISTRICT_NAME, "error": error, "code": code}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def evaluate(request):
    """GET: the code entry page. POST: check the code and show the questionnaire."""
    if request.method == "GET":
        return _code_page(request)
    if _too_busy(request):
        return _code_page(request, BUSY, status=429)
    text = request.POST.get("code", "")[:60]
    try:
        scope = actions.resolve_code(None, text)
    except actions.EvaluationError as exc:
        return _code_page(request, str(exc), text, status=422)
    campaign = scope.campaign
    started = form_clock.start(SIGNER_SALT, codes.digest(text)[:32])
    form = PublicAnswerForm(initial={"code": codes.normalize(text), "started": started})
    return _questionnaire(request, campaign, scope, form)


def _questionnaire(request, campaign, scope, form, values=None, comments=None, errors=(), status=200):
    values, comments = values or {}, comments or {}
    questions = list(scope.questionnaire.questions.all())
    rows = [{"unit": u, "cells": [(q, values.get((u.pk, q.dimension_id))) for q in questions],
             "comment": comments.get(u.pk, ""), "open": len(scope.units) == 1 or any(k[0] == u.pk for k in values)}
            for u in scope.units]
    return render(request, "portal/evaluate_form.html", {
        "district_name": settings.DISTRICT_NAME, "campaign": campaign, "scope": scope, "form": form,
        "rows": rows, "levels": scale.FIVE_LEVELS, "five_level": campaign.scale == Scale.FIVE_LEVEL,
        "single": len(scope.units) == 1, "errors": list(errors), "comment_max": COMMENT_MAX,
    }, status=status)


def _dwell_seconds(token: str, code_text: str) -> int | None:
    """Seconds since the questionnaire was shown, or None when the token is forged, stale or for another code."""
    return form_clock.dwell_seconds(token, salt=SIGNER_SALT, value=codes.digest(code_text)[:32],
                                    max_age=FORM_MAX_AGE)


@never_cache
@require_POST
def evaluate_submit(request):
    if _too_busy(request):
        return _code_page(request, BUSY, status=429)
    form = PublicAnswerForm(request.POST)
    text = request.POST.get("code", "")[:60]
    try:
        scope = actions.resolve_code(None, text)
    except actions.EvaluationError as exc:
        return _code_page(request, str(exc), status=422)
    campaign = scope.campaign
    values, comments, errors = parse_matrix(request.POST)
    if request.POST.get("website"):  # the honeypot: a person never sees this field
        return _code_page(request, REJECTED, status=400)
    seconds = _dwell_seconds(request.POST.get("started", ""), text)
    if seconds is None:
        return _code_page(request, "页面已过期，请重新输入邀请码后填写。", text, status=400)
    if seconds < guards.MIN_DWELL_SECONDS:
        errors.append("提交过快，请认真阅读题目后再提交。")
    if not form.is_valid():
        errors += [e for field_errors in form.errors.values() for e in field_errors]
    phone = normalize_phone(request.POST.get("phone", ""))
    if request.POST.get("phone", "").strip() and not phone:
        errors.append("手机号码格式不正确，请填写11位手机号码，或留空。")
    if phone and guards.over(f"phone:{privacy.phone_key(phone)[:32]}", guards.PHONE_LIMIT, guards.PHONE_WINDOW):
        errors.append(BUSY)
    if errors:
        errors += actions.check_code_answer(campaign, scope, values, comments)
    else:
        try:
            actions.submit_with_code(campaign, actions.CodeAnswer(
                code=text, values=values, comments=comments, seconds=seconds, phone=phone,
                follow_up=request.POST.get("follow_up") == "on", client_ip=client_ip(request)), scope=scope)
        except actions.EvaluationError as exc:
            errors = exc.errors
        else:
            return redirect("portal:done")
    form = PublicAnswerForm(initial={"code": codes.normalize(text), "started": request.POST.get("started", ""),
                                     "phone": request.POST.get("phone", "")[:20],
                                     "follow_up": request.POST.get("follow_up") == "on",
                                     "consent": request.POST.get("consent") == "on"})
    return _questionnaire(request, campaign, scope, form, values, comments, list(dict.fromkeys(errors)), status=422)
