import datetime

from django import forms
from django.apps import apps
from django.utils import timezone

from jixiao.audit.labels import EVENT_LABELS
from jixiao.audit.models import Event, Outcome


class EventSearchForm(forms.Form):
    """The audit admin's search over the log; every field is optional."""

    code = forms.CharField(label="事件", max_length=60, required=False,
                           help_text="选择事件，或输入编码前缀（如 auth.）")
    username = forms.CharField(label="用户名", max_length=150, required=False)
    unit_code = forms.CharField(label="单位编码", max_length=20, required=False)
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *Outcome.choices])
    object_type = forms.CharField(label="对象类型", max_length=60, required=False)
    object_id = forms.CharField(label="对象编号", max_length=40, required=False)
    date_from = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="对象名称包含", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name == "outcome" else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        self.fields["code"].widget.attrs["list"] = "audit-codes"
        self.fields["object_type"].widget.attrs["list"] = "audit-types"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    def filter(self, queryset):
        """Apply the valid search to a queryset of events."""
        data = {k: v.strip() if isinstance(v, str) else v for k, v in self.cleaned_data.items()}
        code = data.get("code")
        if code:
            # A known code means that event; anything else is a prefix ("auth." or "unit.up").
            queryset = queryset.filter(code=code) if code in EVENT_LABELS else queryset.filter(code__startswith=code)
        if data.get("username"):
            queryset = queryset.filter(username__iexact=data["username"])
        if data.get("unit_code"):
            queryset = queryset.filter(unit_code__iexact=data["unit_code"])
        if data.get("outcome"):
            queryset = queryset.filter(outcome=data["outcome"])
        if data.get("object_type"):
            queryset = queryset.filter(object_type__iexact=data["object_type"])
        if data.get("object_id"):
            queryset = queryset.filter(object_id=data["object_id"])
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=day_start(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(at__lt=day_start(data["date_to"] + datetime.timedelta(days=1)))
        if data.get("q"):
            queryset = queryset.filter(object_repr__icontains=data["q"])
        return queryset

    def used(self) -> dict:
        """The filters actually set, for the export's own audit event."""
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of a calendar day in the district's time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def object_types() -> list[tuple[str, str]]:
    """(label, Chinese name) of every platform model an event can point at, for the search's suggestions.

    Only the platform's own models: events never point at the libraries' tables (sessions, axes' records),
    whose English names would read as noise in the list."""
    return sorted((m._meta.label, str(m._meta.verbose_name)) for m in apps.get_models()
                  if m is not Event and m._meta.app_config.name.startswith("jixiao."))
