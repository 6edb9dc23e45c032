"""The forms of the analysis reports: what to generate (a half-year analysis report or a quarterly key-project
evaluation report), and the office's 问题/建议 text."""

from django import forms

from jixiao.analysis.models import QUARTERS, ReportKind, ReportScope

TEXT_MAX = 5000


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=ReportKind.choices, required=False,
                             error_messages={"invalid_choice": "请选择报告类型。"})
    half = forms.TypedChoiceField(label="半年", choices=[(1, "上半年"), (2, "下半年")], coerce=int, required=False,
                                  empty_value=None, error_messages={"invalid_choice": "请选择上半年或下半年。"})
    quarter = forms.TypedChoiceField(label="季度", choices=list(QUARTERS.items()), coerce=int, required=False,
                                     empty_value=None, error_messages={"invalid_choice": "请选择第一至第四季度。"})
    scope = forms.ChoiceField(label="范围", choices=ReportScope.choices,
                              error_messages={"required": "请选择报告范围。", "invalid_choice": "请选择报告范围。"})
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False, empty_label="（全区或全部单位时不选）",
                                  error_messages={"invalid_choice": "所选单位在本年度没有指标或重点工作。"})

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or ReportKind.HALF  # the form before quarterly reports sent no kind
        if data["kind"] == ReportKind.QUARTER:
            data["half"] = None
            if data.get("quarter") is None and "quarter" not in self.errors:
                self.add_error("quarter", "请选择第一至第四季度。")
        else:
            data["quarter"] = None
            if data.get("half") is None and "half" not in self.errors:
                self.add_error("half", "请选择上半年或下半年。")
        scope, unit = data.get("scope"), data.get("unit")
        if scope == ReportScope.UNIT and unit is None:
            self.add_error("unit", "单位报告须选择单位。")
        elif scope in (ReportScope.DISTRICT, ReportScope.ALL_UNITS):
            data["unit"] = None
        return data


class TextForm(forms.Form):
    problems = forms.CharField(label="六、存在问题", widget=forms.Textarea(attrs={"rows": 8}), max_length=TEXT_MAX,
                               error_messages={"required": "请填写存在问题。",
                                               "max_length": f"存在问题不超过{TEXT_MAX}字。"})
    suggestions = forms.CharField(label="七、改进建议", widget=forms.Textarea(attrs={"rows": 8}), max_length=TEXT_MAX,
                                  error_messages={"required": "请填写改进建议。",
                                                  "max_length": f"改进建议不超过{TEXT_MAX}字。"})

    def __init__(self, *args, quarterly: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if quarterly:  # the quarterly report's parts 五 and 六
            self.fields["problems"].label, self.fields["suggestions"].label = "五、存在问题", "六、改进建议"
