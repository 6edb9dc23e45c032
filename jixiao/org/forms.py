from django import forms
from django.utils import timezone

from jixiao.lib.cells import NameFieldsMixin
from jixiao.org.models import ALLOWED_PARENT_KINDS, Cadre, CadrePost, Cycle, SuccessionKind, Unit, UnitKind
from jixiao.org.rules import ROOT_KINDS, formula_problem, parent_problem

PARENT_KINDS = sorted({k for kinds in ALLOWED_PARENT_KINDS.values() for k in kinds})


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _no_formula(value, label):
    problem = formula_problem(value or "")
    if problem:
        raise forms.ValidationError(f"{label}{problem}")
    return value


class UnitFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型")] + UnitKind.choices)
    q = forms.CharField(label="名称或编码", required=False, max_length=80)
    show_retired = forms.BooleanField(label="显示已撤销单位", required=False)


class UnitForm(NameFieldsMixin, BootstrapMixin, forms.ModelForm):
    name_fields = ("name", "short_name")

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "is_assessor", "sort_order", "valid_from", "note"]
        widgets = {"valid_from": DateInput(), "note": forms.TextInput()}
        help_texts = {"code": "字母、数字和 - _ . 组成，最长 20 位；保存后不可修改。",
                      "is_assessor": "负责核定某些指标的专业部门（发改委、统计局等）。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = Unit.objects.current().filter(kind__in=PARENT_KINDS)
            self.fields["parent"].empty_label = "（无上级，仅限区、市）"

    def clean_code(self):
        from jixiao.org.unitbook import CODE_RE

        code = self.cleaned_data["code"].strip()
        if not CODE_RE.match(code):
            raise forms.ValidationError("只能由字母、数字和 - _ . 组成，以字母或数字开头，最长 20 位")
        return code

    def clean_name(self):
        return _no_formula(self.cleaned_data["name"].strip(), "单位名称")

    def clean_short_name(self):
        return _no_formula(self.cleaned_data["short_name"].strip(), "简称")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and "parent" in self.fields:
            parent = data.get("parent")
            problem = parent_problem(kind, parent.kind if parent else None)
            if problem:
                self.add_error("parent", problem)
        return data


class UnitMoveForm(BootstrapMixin, forms.Form):
    parent = forms.ModelChoiceField(label="新的上级单位", queryset=Unit.objects.none(), required=False,
                                    empty_label="（无上级）")

    def __init__(self, unit: Unit, *args, excluded: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_PARENT_KINDS.get(unit.kind, set())
        field = self.fields["parent"]
        field.queryset = (Unit.objects.current().filter(kind__in=allowed)
                          .exclude(pk__in={unit.pk, *excluded}).order_by("kind", "sort_order", "code"))
        field.required = unit.kind not in ROOT_KINDS
        field.initial = unit.parent_id


class RetireForm(BootstrapMixin, forms.Form):
    valid_to = forms.DateField(label="撤销日期", widget=DateInput(), initial=timezone.localdate)


class CadreForm(NameFieldsMixin, BootstrapMixin, forms.ModelForm):
    name_fields = ("name", "title")

    class Meta:
        model = Cadre
        fields = ["name", "post", "title", "tenure_from"]
        widgets = {"tenure_from": DateInput()}

    def clean_name(self):
        return _no_formula(self.cleaned_data["name"].strip(), "姓名")

    def clean_title(self):
        return _no_formula(self.cleaned_data["title"].strip(), "职务")


class CadreEndForm(BootstrapMixin, forms.Form):
    tenure_to = forms.DateField(label="离任日期", widget=DateInput(), initial=timezone.localdate)


class CadreFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="单位或姓名", required=False, max_length=80)
    post = forms.ChoiceField(label="岗位类别", required=False, choices=[("", "全部")] + CadrePost.choices)
    in_office = forms.ChoiceField(label="任职状态", required=False,
                                  choices=[("yes", "在任"), ("no", "已离任"), ("", "全部")])


class CycleForm(NameFieldsMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["year", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"name": "留空则为“某某年度”。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["year"].min_value = 2000
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("年度应在 2000 至 2100 之间")
        return year

    def clean(self):
        data = super().clean()
        if data.get("year") and not data.get("name"):
            data["name"] = f"{data['year']}年度"
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", "结束日期应晚于开始日期")
        return data


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="单位名册（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class SuccessionForm(BootstrapMixin, forms.Form):
    """机构调整: which unit carries on which, from when and how."""

    predecessor = forms.ModelChoiceField(label="原单位", queryset=Unit.objects.without_villages().order_by(
        "sort_order", "code"), error_messages={"required": "请选择原单位", "invalid_choice": "所选原单位不存在"})
    successor = forms.ModelChoiceField(label="承继单位", queryset=Unit.objects.without_villages().order_by(
        "sort_order", "code"), error_messages={"required": "请选择承继单位", "invalid_choice": "所选承继单位不存在"})
    on = forms.DateField(label="调整日期", widget=DateInput(), help_text="承继单位按调整后的机构开始工作的第一天。",
                         error_messages={"required": "请填写调整日期", "invalid": "调整日期格式不对，请按 年-月-日 填写"})
    kind = forms.ChoiceField(label="调整方式", choices=SuccessionKind.choices,
                             error_messages={"required": "请选择调整方式", "invalid_choice": "调整方式无效"})
    note = forms.CharField(label="说明", required=False, max_length=200,
                           help_text="例如：2023年机构改革，原区旅游局职责并入区文化和旅游局。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("predecessor", "successor"):
            self.fields[name].label_from_instance = lambda u: (f"{u.code} {u.name}"
                                                               + ("（已撤销）" if u.is_retired else ""))

    def clean_note(self):
        return _no_formula(self.cleaned_data["note"], "说明")


class SuccessionImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="机构调整工作簿（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": "请选择要上传的 Excel 文件"})
