"""Forms of the evaluation pages, and the parser of a rating matrix (fields r-<unit>-<dimension>, c-<unit>)."""

import re

from django import forms
from django.db import models

from jixiao.evaluation.models import COMMENT_MAX, Campaign, Purpose, Scale
from jixiao.lib.cells import validate_name
from jixiao.org.models import Cycle

FIELD = re.compile(r"r-(\d{1,12})-(\d{1,12})")
COMMENT_FIELD = re.compile(r"c-(\d{1,12})")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


def parse_matrix(data) -> tuple[dict, dict, list[str]]:
    """Ratings and comments from POST data. Empty cells are not rated; what is not a whole number is an error."""
    values, comments, errors = {}, {}, []
    for name in data:
        match = FIELD.fullmatch(name)
        if match:
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            if not re.fullmatch(r"\d{1,3}", raw):
                errors.append("评分须为0到100之间的整数。")
                continue
            values[(int(match[1]), int(match[2]))] = int(raw)
            continue
        match = COMMENT_FIELD.fullmatch(name)
        if match:
            text = (data.get(name) or "").strip()
            if text:
                comments[int(match[1])] = text
    return values, comments, list(dict.fromkeys(errors))


class CampaignForm(forms.Form):
    cycle = forms.ModelChoiceField(label="考核年度", queryset=Cycle.objects.none(),
                                   widget=forms.Select(attrs={"class": "form-select"}))
    purpose = forms.ChoiceField(label="测评类型", choices=Purpose.choices, initial=Purpose.SATISFACTION,
                                widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label="活动名称", max_length=80, validators=[validate_name],
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    scale = forms.ChoiceField(label="评分方式", choices=Scale.choices, widget=forms.Select(attrs={"class": "form-select"}))
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label="截止时间", widget=DATETIME_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A cycle is offered while one of the purposes still has no campaign in it.
        taken = Campaign.objects.values("cycle_id").annotate(n=models.Count("purpose", distinct=True))
        full = taken.filter(n__gte=len(Purpose.choices)).values("cycle_id")
        self.fields["cycle"].queryset = Cycle.objects.exclude(pk__in=full).order_by("-year")

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "截止时间必须晚于开始时间。")
        return data


class CampaignEditForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=80, validators=[validate_name],
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label="截止时间", widget=DATETIME_WIDGET)
    contacts_keep_until = forms.DateField(label="回访电话保留至", required=False,
                                          widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class CodeBatchForm(forms.Form):
    group = forms.TypedChoiceField(label="评议主体", coerce=int, widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.TypedChoiceField(label="服务单位（仅服务对象）", coerce=int, required=False, empty_value=None,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    size = forms.IntegerField(label="数量", min_value=1, max_value=1000,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    note = forms.CharField(label="备注", max_length=100, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, campaign, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in campaign.groups.all() if not g.is_internal]
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in campaign.units.order_by("sort_order")]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("keep", "保留"), ("exclude", "剔除")],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label="审核理由", min_length=2, max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class PublicAnswerForm(forms.Form):
    """The fixed fields of the public questionnaire; the ratings come through `parse_matrix`."""

    code = forms.CharField(max_length=60, widget=forms.HiddenInput)
    started = forms.CharField(max_length=200, widget=forms.HiddenInput)
    consent = forms.BooleanField(label="我已阅读并同意《个人信息保护说明》", required=True,
                                 error_messages={"required": "请先阅读并勾选同意《个人信息保护说明》。"})
    phone = forms.CharField(label="手机号码（选填）", max_length=20, required=False)
    follow_up = forms.BooleanField(label="我同意有关部门就我的意见回访（需填写手机号码）", required=False)
    website = forms.CharField(label="网址", max_length=200, required=False)  # honeypot: people never see it


def comment_limit() -> int:
    return COMMENT_MAX
