from django import forms


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写理由。"})


class PeriodForm(forms.Form):
    opens_on = forms.DateField(label="开放填报日期", widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label="报送截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    grace_days = forms.IntegerField(label="宽限天数", min_value=0, max_value=60)
    verify_deadline = forms.DateField(label="核定截止日期", widget=forms.DateInput(attrs={"type": "date"}))


class ExceptionForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None)
    deadline = forms.DateField(label="延至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", max_length=300)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class UploadForm(forms.Form):
    file = forms.FileField(label="填好的模板（.xlsx）")
