"""Forms of the office's team and cadre assessment pages. The rules themselves are checked in actions."""

from django import forms

from jixiao.cadres.actions import RULE_FIELDS
from jixiao.cadres.models import CadreGrade, CadreRules
from jixiao.org.models import Cadre, Unit


class RulesForm(forms.ModelForm):
    class Meta:
        model = CadreRules
        fields = RULE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "min": "0", "max": "100", "step": "0.01"})
        self.fields["excellent_percent"].widget.attrs["max"] = "25"

    def _post_clean(self):
        # The sums and the 25 % cap are the action's (grading.check_rules); the model's own check constraints are
        # not validated here, so a bad value reaches the action and is refused there with the same message.
        pass


class CalibrationForm(forms.Form):
    grade = forms.ChoiceField(label="校准后等次", choices=CadreGrade.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label="校准理由", max_length=500,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
                             error_messages={"required": "请填写校准理由。"})


class ImportForm(forms.Form):
    file = forms.FileField(label="民主测评结果（.xlsx）", error_messages={"required": "请选择要导入的 Excel 文件。"},
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}),
                                  error_messages={"required": "请选择单位。", "invalid_choice": "请选择本年度考核的单位。"})
    cadre = forms.ModelChoiceField(label="干部（留空为领导班子述职报告）", queryset=Cadre.objects.none(), required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}),
                                   error_messages={"invalid_choice": "请选择本年度在该单位任职的干部。"})
    file = forms.FileField(label="述职报告（PDF 或 .docx）", error_messages={"required": "请选择要上传的文件。"},
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.docx"}))

    def __init__(self, *args, units=(), cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["cadre"].queryset = Cadre.objects.filter(pk__in=[c.pk for c in cadres]).select_related("unit")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.unit.label} {c.name}（{c.title}）"
        self.fields["unit"].label_from_instance = lambda u: u.label
