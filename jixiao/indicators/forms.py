"""Forms of the indicator pages. Field checks here; state changes go through actions.py."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms

from jixiao.indicators.models import (
    ASSESSING_KINDS,
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
from jixiao.indicators.rule_examples import example, sample_target
from jixiao.indicators.rule_specs import (
    BOOL,
    DECIMAL,
    INT,
    RULES,
    Param,
    check_value,
    cross_checks,
    read_value,
    show_value,
)
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
        self.fields["assessing_unit"].queryset = Unit.objects.current().filter(kind__in=ASSESSING_KINDS)


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


PARAM_PREFIX = "p_"
YES_NO = [("是", "是"), ("否", "否")]


def param_field(param: Param) -> forms.Field:
    """The form field of one rule parameter: 是/否 as a choice, everything else as text checked by rule_specs
    (so a bad number is named in the same Chinese as in the workbook)."""
    label = f"{param.label}（{param.unit}）" if param.unit else param.label
    default = "" if param.default is None else show_value(param.default)
    help_text = "；".join(filter(None, [param.help, f"默认 {default}" if default else "必填" if param.required else ""]))
    if param.type == BOOL:
        return forms.ChoiceField(label=label, choices=YES_NO, help_text=help_text)
    attrs = {"inputmode": "decimal"} if param.type in (DECIMAL, INT) else {}
    return forms.CharField(label=label, required=False, help_text=help_text, max_length=500,
                           widget=forms.TextInput(attrs=attrs))


class ItemForm(PartForm):
    """A scheme item with one field per parameter of its rule; the fields follow the rule chosen (htmx swaps
    them, or the 切换规则 button re-shows the form without JS)."""

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
        self.spec = RULES.get(self._value("rule") or self.instance.rule)
        for param in self.spec.params if self.spec else ():
            self.fields[PARAM_PREFIX + param.name] = param_field(param)
            if not self.is_bound:
                self.initial[PARAM_PREFIX + param.name] = self._initial_param(param)
        self._style()

    def _value(self, name):
        return (self.data if self.is_bound else self.initial).get(name)

    def _initial_param(self, param: Param) -> str:
        """A value being re-shown after a rule switch, else the stored one (same rule), else the default."""
        typed = self.initial.get(PARAM_PREFIX + param.name)
        if typed is not None:
            return typed
        stored = self.instance.params if self.instance.rule == self.spec.code else {}
        value = (stored or {}).get(param.name, param.default)
        return "" if value is None else show_value(value)

    def fields_up_to_rule(self):
        names = [name for name in self.fields if not name.startswith(PARAM_PREFIX)]
        return [self[name] for name in names[: names.index("rule") + 1]]

    def fields_after_rule(self):
        names = [name for name in self.fields if not name.startswith(PARAM_PREFIX)]
        return [self[name] for name in names[names.index("rule") + 1:]]

    def param_fields(self):
        return [self[PARAM_PREFIX + param.name] for param in self.spec.params] if self.spec else []

    def clean(self):
        cleaned = super().clean()
        if self.spec is None or cleaned.get("rule") != self.spec.code:
            return cleaned
        params, ok = {}, True
        for param in self.spec.params:
            name = PARAM_PREFIX + param.name
            text = (cleaned.get(name) or "").strip()
            if not text:
                if param.required:
                    self.add_error(name, f"请填写「{param.label}」")
                    ok = False
                continue
            value, problems = read_value(param, text)
            problems = problems or check_value(param, value, f"「{param.label}」")
            if problems:
                self.add_error(name, problems)
                ok = False
            params[param.name] = value
        if ok:
            for problem in cross_checks(self.spec.code, params):
                self.add_error(None, problem)
        self.instance.params = params
        return cleaned

    def example(self) -> str:
        """The worked example of the rule with the item's 分值 and a real 目标值 (empty while params are bad)."""
        if self.spec is None or (self.is_bound and self.errors):
            return ""
        params = {p.name: read_value(p, str(self[PARAM_PREFIX + p.name].value() or ""))[0]
                  for p in self.spec.params if str(self[PARAM_PREFIX + p.name].value() or "").strip()}
        target, note = sample_target(self.scheme.cycle_id, self._value("indicator") or self.instance.indicator_id)
        return example(self.spec.code, params, _decimal(self._value("points") or self.instance.points), target, note)


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


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
