from django import forms

from jixiao.keywork.forms import style
from jixiao.org.models import Unit
from jixiao.results.models import RectificationSource


class Styled:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DateInput(forms.DateInput):
    input_type = "date"


class RectificationForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="整改单位", queryset=Unit.objects.current().without_villages())
    source = forms.ChoiceField(label="来源", choices=RectificationSource.choices)
    reference = forms.CharField(label="来源依据", max_length=120, required=False)
    problem = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    deadline = forms.DateField(label="整改时限", widget=DateInput)
    disclose = forms.BooleanField(label="向社会公开", required=False)


class MeasuresForm(Styled, forms.Form):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    unit_deadline = forms.DateField(label="承诺完成日期", widget=DateInput)


class ReportForm(Styled, forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    file = forms.FileField(label="佐证材料", required=False)
    completed = forms.BooleanField(label="已完成整改，申请销号", required=False)


class ReasonForm(Styled, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300)


class TalkForm(Styled, forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=DateInput)
    held_by = forms.CharField(label="谈话人", max_length=60)
    summary = forms.CharField(label="谈话要点", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class DeadlineForm(Styled, forms.Form):
    deadline = forms.DateField(label="整改时限", widget=DateInput)
