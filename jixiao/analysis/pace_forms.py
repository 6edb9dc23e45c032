"""The office's form for a cycle's pace thresholds (序时进度规则)."""

from django import forms

from jixiao.analysis.models import PaceRule


class PaceRuleForm(forms.ModelForm):
    """达进度下限 and 超进度下限 of a cycle; the model's validators keep each within its range."""

    class Meta:
        model = PaceRule
        fields = ["on_pace_ratio", "ahead_ratio"]
        widgets = {"on_pace_ratio": forms.NumberInput(attrs={"step": "0.01", "class": "form-control"}),
                   "ahead_ratio": forms.NumberInput(attrs={"step": "0.01", "class": "form-control"})}
        error_messages = {
            "on_pace_ratio": {"required": "请填写达进度下限。", "invalid": "达进度下限须为数字，例如 1.00。"},
            "ahead_ratio": {"required": "请填写超进度下限。", "invalid": "超进度下限须为数字，例如 1.10。"},
        }

    def clean(self):
        data = super().clean()
        on_pace, ahead = data.get("on_pace_ratio"), data.get("ahead_ratio")
        if on_pace is not None and ahead is not None and ahead <= on_pace:
            self.add_error("ahead_ratio", "超进度下限须高于达进度下限，否则没有“达进度”这一档。")
        return data
