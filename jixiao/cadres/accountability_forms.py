from django import forms

from jixiao.cadres.models import AccountabilityKind
from jixiao.org.models import Cycle
from jixiao.results.forms import DateInput, Styled


class AccountabilityForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="问责类型", choices=AccountabilityKind.choices)
    cycle = forms.ModelChoiceField(label="涉及考核年度", queryset=Cycle.objects.order_by("-year"), required=False,
                                   to_field_name="year", help_text="问责与某年度考核结果相关时选择。")
    decided_on = forms.DateField(label="决定日期", widget=DateInput)
    reason = forms.CharField(label="问责事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    decision = forms.CharField(label="处理决定", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
