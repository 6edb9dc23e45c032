"""The public re-rating of a completed rectification (整改满意度复评): 满意/基本满意/不满意 and an optional comment.

The same defences as the public evaluation (portal/views.py), in the order a request meets them: a per-address
rate limit (the day's salted address bucket, counted in the database), the honeypot field, the signed start time
(minimum dwell), consent, and one re-rating of an item per address bucket a day. No phone, no name, no address is
stored; a comment waits for the office's approval before the portal shows it (`comment_approved`).
"""

from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jixiao.audit import log
from jixiao.audit.middleware import client_ip
from jixiao.evaluation import guards, privacy
from jixiao.portal import form_clock, rectification
from jixiao.results.models import RatingVerdict, RectificationRating, RectificationStatus

SIGNER_SALT = "jixiao.portal.rerate"
FORM_MAX_AGE = 4 * 3600
ADDRESS_LIMIT, ADDRESS_WINDOW = 30, 600  # re-rating posts per address bucket per 10 minutes
ITEM_LIMIT, ITEM_WINDOW = 1, 86400  # re-ratings of one item per address bucket per day
BUSY = "操作过于频繁，请稍后再试。"
REJECTED = "提交未成功，请刷新页面后重新填写。"
COMMENT_MAX = 300


class RatingForm(forms.Form):
    verdict = forms.ChoiceField(label="您对该事项的整改成效是否满意", choices=RatingVerdict.choices,
                                widget=forms.RadioSelect, error_messages={"required": "请选择满意、基本满意或不满意。",
                                                                          "invalid_choice": "请选择满意、基本满意或不满意。"})
    comment = forms.CharField(label="意见建议（选填）", max_length=COMMENT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": f"意见建议请不超过 {COMMENT_MAX} 字。"})
    consent = forms.BooleanField(label="我已阅读并同意《个人信息保护说明》", required=True,
                                 error_messages={"required": "请阅读并同意《个人信息保护说明》后再提交。"})
    started = forms.CharField(widget=forms.HiddenInput, required=False)


def _token(pk: int) -> str:
    return form_clock.start(SIGNER_SALT, str(pk))


def blank_form(pk: int) -> RatingForm:
    return RatingForm(initial={"started": _token(pk)})


def dwell_seconds(token: str, pk: int) -> int | None:
    """Seconds since the form was shown, or None when the token is forged, stale or for another item."""
    return form_clock.dwell_seconds(token, salt=SIGNER_SALT, value=str(pk), max_age=FORM_MAX_AGE)


@transaction.atomic
def record_rating(item, verdict: str, comment: str) -> RectificationRating:
    """Store one anonymous re-rating of a closed, disclosed item, audited."""
    rating = RectificationRating.objects.create(rectification=item, verdict=verdict, comment=comment.strip(),
                                                created_at=timezone.now())
    log.record("rectification.rerated", rating, after={"rectification": item.pk, "verdict": verdict,
                                                         "comment": bool(rating.comment)})
    return rating


def _page(request, item, form, errors=(), status=200):
    context = rectification.detail_context(item, timezone.localdate())
    context.update(form=form, errors=list(errors))
    return render(request, "portal/rectification/detail.html", context, status=status)


@never_cache
@require_POST
def rate(request, pk: int):
    item = rectification.item_or_404(pk)
    if item.status != RectificationStatus.CLOSED:
        return _page(request, item, None, ["该事项尚未完成整改，暂不能复评。"], status=422)
    bucket = privacy.address_bucket(client_ip(request), timezone.localdate())
    if guards.over(f"rerate-ip:{bucket}", ADDRESS_LIMIT, ADDRESS_WINDOW):
        return _page(request, item, blank_form(pk), [BUSY], status=429)
    if request.POST.get("website"):  # the honeypot: a person never sees this field
        return _page(request, item, blank_form(pk), [REJECTED], status=400)
    seconds = dwell_seconds(request.POST.get("started", ""), pk)
    if seconds is None:
        return _page(request, item, blank_form(pk), ["页面已过期，请刷新页面后重新填写。"], status=400)
    form = RatingForm(request.POST)
    errors = [] if seconds >= guards.MIN_DWELL_SECONDS else ["提交过快，请认真阅读后再提交。"]
    if not form.is_valid():
        errors += [e for field_errors in form.errors.values() for e in field_errors]
    if not errors and guards.over(f"rerate:{pk}:{bucket}", ITEM_LIMIT, ITEM_WINDOW):
        errors.append("您今天已对该事项进行过复评，感谢参与。")
    if errors:
        return _page(request, item, form, errors, status=422)
    record_rating(item, form.cleaned_data["verdict"], form.cleaned_data["comment"])
    return redirect(f"{item_url(pk)}?rated=1#rating-title")


def item_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("portal:rectification_detail", args=[pk])
