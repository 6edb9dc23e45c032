"""互动交流 on the portal: write a message (/p/hudong/new/), look it up by its 查询码 (/p/hudong/<code>/), and read the
answered messages the office chose to publish (/p/hudong/) with each department's response time.

The write form has the re-rating's defences (rectification_rating.py), in the order a request meets them: a
per-address rate limit (the day's salted address bucket, counted in the database), the honeypot, the signed start
time (minimum dwell), consent; a phone number is kept only as its HMAC key, and no more than PHONE_LIMIT messages
an hour may give the same one. Looking a code up is rate-limited per address too, so codes cannot be guessed.
"""

import re
from collections import defaultdict

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.audit.middleware import client_ip
from jixiao.evaluation import guards, privacy
from jixiao.org.models import Unit, UnitKind
from jixiao.portal import cache, form_clock, hudong_actions
from jixiao.portal.messages_models import TEXT_MAX, TITLE_MAX, MessageKind, MessageStatus, PublicMessage

SIGNER_SALT = "jixiao.portal.hudong"
FORM_MAX_AGE = 4 * 3600
ADDRESS_LIMIT, ADDRESS_WINDOW = 10, 3600  # posts of the form (kept or refused) per address bucket per hour
PHONE_LIMIT, PHONE_WINDOW = 3, 3600  # messages giving the same phone per hour
LOOKUP_LIMIT, LOOKUP_WINDOW = 30, 600  # 查询码 look-ups per address bucket per 10 minutes
ON_TIME_DAYS = 15  # calendar days from receipt to the approved reply
PER_PAGE = 20
BUSY = "操作过于频繁，请稍后再试。"
REJECTED = "提交未成功，请刷新页面后重新填写。"
OFFICE = ""  # the addressee value meaning the office itself
PHONE = re.compile(r"1\d{10}")
UNIT_KINDS = [UnitKind.DEPARTMENT, UnitKind.BUREAU, UnitKind.STREET, UnitKind.PARK]


def addressees():
    return Unit.objects.current().filter(kind__in=UNIT_KINDS).order_by("sort_order", "code")


class MessageForm(forms.Form):
    kind = forms.ChoiceField(label="留言类别", choices=MessageKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "请选择建议、咨询或投诉。", "invalid_choice": "请选择建议、咨询或投诉。"})
    addressee = forms.ChoiceField(label="留言对象", required=False,
                                  error_messages={"invalid_choice": "请从列表中选择留言对象。"})
    title = forms.CharField(label="标题", max_length=TITLE_MAX, error_messages={
        "required": "请填写标题。", "max_length": f"标题请不超过 {TITLE_MAX} 字。"})
    text = forms.CharField(label="留言内容", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "请填写留言内容。", "max_length": f"留言内容请不超过 {TEXT_MAX} 字。"})
    phone = forms.CharField(label="联系电话（选填）", required=False, max_length=20)
    consent = forms.BooleanField(label="我已阅读并同意《个人信息保护说明》", required=True,
                                 error_messages={"required": "请阅读并同意《个人信息保护说明》后再提交。"})
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].choices = [(OFFICE, f"{settings.DISTRICT_NAME}绩效考核办公室")] + [
            (u.code, u.name) for u in addressees()]

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_phone(self):
        phone = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError("联系电话请填写 11 位手机号码，或不填。")
        return phone

    def clean_addressee(self):
        code = self.cleaned_data["addressee"]
        return addressees().filter(code=code).first() if code else None


def _token() -> str:
    return form_clock.start(SIGNER_SALT, "hudong")


def dwell_seconds(token: str) -> int | None:
    """Seconds since the form was shown, or None when the token is forged or stale."""
    return form_clock.dwell_seconds(token, salt=SIGNER_SALT, value="hudong", max_age=FORM_MAX_AGE)


def _form_page(request, form, errors=(), status=200):
    return render(request, "portal/hudong/new.html", {"form": form, "errors": list(errors),
                                                      "district_name": settings.DISTRICT_NAME}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def new_message(request):
    if request.method == "GET":
        return _form_page(request, MessageForm(initial={"started": _token(), "addressee": OFFICE}))
    bucket = privacy.address_bucket(client_ip(request), timezone.localdate())
    if guards.over(f"hudong-ip:{bucket}", ADDRESS_LIMIT, ADDRESS_WINDOW):
        return _form_page(request, MessageForm(initial={"started": _token()}), [BUSY], status=429)
    if request.POST.get("website"):  # the honeypot: a person never sees this field
        return _form_page(request, MessageForm(initial={"started": _token()}), [REJECTED], status=400)
    seconds = dwell_seconds(request.POST.get("started", ""))
    if seconds is None:
        return _form_page(request, MessageForm(initial={"started": _token()}),
                          ["页面已过期，请刷新页面后重新填写。"], status=400)
    form = MessageForm(request.POST)
    errors = [] if seconds >= guards.MIN_DWELL_SECONDS else ["提交过快，请认真阅读后再提交。"]
    if not form.is_valid():
        errors += [e for field_errors in form.errors.values() for e in field_errors]
    phone = form.cleaned_data.get("phone", "") if not errors else ""
    if phone and guards.over(f"hudong-phone:{privacy.phone_key(phone)}", PHONE_LIMIT, PHONE_WINDOW):
        errors.append("该联系电话提交的留言过多，请稍后再试。")
    if errors:
        return _form_page(request, form, errors, status=422)
    data = form.cleaned_data
    message, code = hudong_actions.submit(kind=data["kind"], addressee=data["addressee"], title=data["title"],
                                          text=data["text"], phone=phone)
    return render(request, "portal/hudong/received.html", {"message": message, "code": code})


def _lookups_over(request) -> bool:
    """Count one 查询码 look-up from this address bucket (by URL or by the list's box); True past the limit."""
    bucket = privacy.address_bucket(client_ip(request), timezone.localdate())
    return guards.over(f"hudong-lookup:{bucket}", LOOKUP_LIMIT, LOOKUP_WINDOW)


@never_cache
@require_GET
def lookup(request, code: str):
    if _lookups_over(request):
        return render(request, "portal/hudong/lookup.html", {"busy": BUSY}, status=429)
    message = hudong_actions.by_code(code)
    if message is None:
        raise Http404("没有这个查询码的留言，请核对后重新输入。")
    return render(request, "portal/hudong/lookup.html", {"message": message, "statuses": MessageStatus,
                                                         "district_name": settings.DISTRICT_NAME})


def response_times(answered) -> list[dict]:
    """Per handling unit (None: the office): answered count, average days and the share within ON_TIME_DAYS.

    `answered` is any iterable of messages with `unit` and `days_to_answer`; plain calendar days."""
    days = defaultdict(list)
    for m in answered:
        if m.days_to_answer is not None:
            days[m.unit].append(m.days_to_answer)
    rows = []
    for unit, values in days.items():
        on_time = sum(1 for d in values if d <= ON_TIME_DAYS)
        rows.append({"unit": unit, "count": len(values), "average": round(sum(values) / len(values), 1),
                     "on_time_percent": round(100 * on_time / len(values))})
    return sorted(rows, key=lambda r: (r["unit"] is not None, r["unit"].sort_order if r["unit"] else 0,
                                       r["unit"].code if r["unit"] else ""))


@require_GET
@cache.public_page("page")
def public_list(request):
    if code := request.GET.get("code", "").strip():
        if _lookups_over(request):
            return render(request, "portal/hudong/list.html", _list_context(request, BUSY), status=429)
        found = hudong_actions.by_code(code) if len(code) <= 20 else None
        if found is not None:
            return redirect("portal:hudong_lookup", code=code.upper())
        return render(request, "portal/hudong/list.html", _list_context(request, "没有这个查询码的留言，请核对后重新输入。"),
                      status=404)
    return render(request, "portal/hudong/list.html", _list_context(request))


def _list_context(request, code_error: str = "") -> dict:
    shown = (PublicMessage.objects.filter(status=MessageStatus.ANSWERED, published=True)
             .select_related("unit").order_by("-answered_at", "-id"))
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    answered = PublicMessage.objects.filter(status=MessageStatus.ANSWERED).select_related("unit")
    return {"page": page, "times": response_times(answered), "on_time_days": ON_TIME_DAYS, "code_error": code_error,
            "district_name": settings.DISTRICT_NAME,
            "n_closed": PublicMessage.objects.filter(status=MessageStatus.CLOSED).count()}


urlpatterns = [
    path("hudong/", public_list, name="hudong"),
    path("hudong/new/", new_message, name="hudong_new"),
    path("hudong/<str:code>/", lookup, name="hudong_lookup"),
]
