"""Forms of the committee sign-off: the member's opinion and the office's record of the meeting's decision."""

from django import forms

from jixiao.results.forms import DateInput, Styled
from jixiao.results.models import DecisionOutcome, VoteVerdict

RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class SubmitForm(Styled, forms.Form):
    note = forms.CharField(label="提请说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class VoteForm(Styled, forms.Form):
    verdict = forms.ChoiceField(label="意见", choices=VoteVerdict.choices, widget=RADIO)
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False, help_text="提出异议时必填，说明对哪个单位、哪项结果有异议及理由")


class DecisionForm(Styled, forms.Form):
    meeting_date = forms.DateField(label="会议日期", widget=DateInput)
    outcome = forms.ChoiceField(label="会议决定", choices=DecisionOutcome.choices, widget=RADIO)
    notes = forms.CharField(label="决定事项", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                            required=False, help_text="退回修改时写明需要修改的事项")
    minutes = forms.FileField(label="会议纪要（.docx）", required=False,
                              widget=forms.ClearableFileInput(attrs={"accept": ".docx"}))
