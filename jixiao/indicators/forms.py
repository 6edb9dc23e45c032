"""Forms of the indicator pages. Field checks here; state changes go through actions.py."""

import datetime

from django import forms

from jixiao.indicators.models import (
    AdjustmentCategory,
    GradeRule,
    Indicator,
    IndicatorVersion,
    Scheme,
    SchemeBlock,
    SchemeGroup,
    SchemeItem,
    Target,
    VetoCondition,
)
from jixiao.indicators.rule_specs import format_params_text, parse_params_text, validate_params
from jixiao.lib.cells import NameFieldsMixin
from jixiao.org.models import Group, Unit


class BootstrapMixin:
    """Give every widget Bootstrap's class so templates stay plain loops."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class StyledModelForm(NameFieldsMixin, BootstrapMixin, forms.ModelForm):
    """A model form with Bootstrap classes whose `name` field, when it has one, refuses hidden characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


def assessor_units():
    return Unit.objects.current().filter(is_assessor=True)


class IndicatorForm(StyledModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "category", "direction", "measure_unit", "frequency", "aggregation", "active",
                  "sort_order"]


class DefinitionForm(StyledModelForm):
    """The definition (口径) in force from a year on."""

    class Meta:
        model = IndicatorVersion
        fields = ["valid_from_year", "definition", "data_source", "default_assessor", "measure_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_assessor"].queryset = assessor_units()
        self.fields["valid_from_year"].initial = self.fields["valid_from_year"].initial or datetime.date.today().year

    def version_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("valid_from_year")
        return data


class SchemeForm(StyledModelForm):
    class Meta:
        model = Scheme
        fields = ["cycle", "assessing_unit", "code", "name", "total_points"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessing_unit"].queryset = Unit.objects.current().filter(kind__in=["city", "district", "street"])


class SchemeOptionsForm(StyledModelForm):
    """The scheme's scoring options (计分选项): missing data and the tie rule; a reason once locked."""

    class Meta:
        model = Scheme
        fields = ["missing_data", "tie_rule"]
        help_texts = {
            "missing_data": "指标所需数据缺报或不可用（无实际值、无目标值、目标值为 0 等）时：按缺报计 0 分（失分写入反馈函），或按不适用处理（分值按该指标的不适用规则重新分配或不计）。",
            "tie_rule": "组内总分相同时如何排名：同分同名次（下一名次顺延），或依方案板块顺序比较板块得分。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_locked:
            self.fields["reason"] = forms.CharField(
                label="修改理由（方案已锁定，修改将记入审计日志）", widget=forms.Textarea(attrs={"rows": 2}),
                max_length=500,
            )
            self._style()


class PartForm(StyledModelForm):
    """A form for one part of a scheme; asks for a reason when the scheme is locked."""

    def __init__(self, *args, scheme: Scheme, **kwargs):
        self.scheme = scheme
        super().__init__(*args, **kwargs)
        self.instance.scheme = scheme
        if scheme.is_locked:
            self.fields["reason"] = forms.CharField(
                label="修改理由（方案已锁定，修改将记入审计日志）", widget=forms.Textarea(attrs={"rows": 2}),
                max_length=500,
            )
            self._style()


class BlockForm(PartForm):
    class Meta:
        model = SchemeBlock
        fields = ["code", "name", "weight", "kind", "sort_order"]


class SchemeGroupForm(PartForm):
    class Meta:
        model = SchemeGroup
        fields = ["group", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(cycle=self.scheme.cycle)


class ItemForm(PartForm):
    params_text = forms.CharField(
        label="计分参数", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个“参数名=值”，如 cap=1.2；对照表写成 键:值,键:值。参数说明见“计分规则”页。",
    )

    class Meta:
        model = SchemeItem
        fields = ["block", "group", "indicator", "points", "rule", "assessor", "not_applicable_policy", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = self.scheme
        self.fields["block"].queryset = scheme.blocks.all()
        self.fields["group"].queryset = Group.objects.filter(scheme_links__scheme=scheme)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True)
        self.fields["assessor"].queryset = assessor_units()
        self.fields["assessor"].help_text = "留空则采用指标口径中的默认考核责任单位"
        if self.instance.pk:
            self.fields["params_text"].initial = format_params_text(self.instance.params)

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("rule")
        if rule:
            params, problems = parse_params_text(rule, cleaned.get("params_text", ""))
            problems += validate_params(rule, params)
            if problems:
                self.add_error("params_text", problems)
            self.instance.params = params
        return cleaned


class CategoryForm(PartForm):
    class Meta:
        model = AdjustmentCategory
        fields = ["code", "name", "kind", "cap", "outside_total", "sort_order"]


class VetoForm(PartForm):
    class Meta:
        model = VetoCondition
        fields = ["code", "name", "effect", "cap_grade", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("effect") == "cap_grade" and not cleaned.get("cap_grade"):
            self.add_error("cap_grade", "“等次封顶”须选择最高等次")
        return cleaned


class GradeForm(PartForm):
    class Meta:
        model = GradeRule
        fields = ["grade", "min_score", "quota_percent"]


PART_FORMS = {
    "block": (BlockForm, "板块"),
    "group": (SchemeGroupForm, "考核组别"),
    "item": (ItemForm, "方案指标"),
    "category": (CategoryForm, "加减分项目"),
    "veto": (VetoForm, "一票否决事项"),
    "grade": (GradeForm, "等次规则"),
}


class ReasonForm(StyledForm):
    reason = forms.CharField(label="修改理由", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TargetForm(StyledModelForm):
    class Meta:
        model = Target
        fields = ["target_value", "upper_value", "target_text", "baseline", "source"]


class AdjustmentRequestForm(StyledForm):
    requested_value = forms.DecimalField(label="申请调整为", max_digits=18, decimal_places=4)
    reason = forms.CharField(label="申请理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "同意"), ("refuse", "驳回")])
    reason = forms.CharField(label="审批意见", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "驳回须填写理由")
        return cleaned


class DeadlineForm(StyledForm):
    deadline = forms.DateField(label="目标调整申请截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class BookUploadForm(StyledForm):
    file = forms.FileField(label="考核方案工作簿（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class BookConfirmForm(StyledForm):
    token = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="修改理由", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="本次导入修改已锁定的方案时必填，记入审计日志。")
