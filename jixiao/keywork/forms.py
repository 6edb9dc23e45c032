"""Forms of the key-work pages. Evidence files come from request.FILES.getlist("files")."""

from django import forms

from jixiao.accounts.roles import Role
from jixiao.keywork.models import KeyTask, Rating, SupervisionKind
from jixiao.keywork.periods import PERIOD_CHOICES, QUARTERS, label
from jixiao.lib.cells import NameFieldsMixin
from jixiao.org.models import Cadre, Unit, UnitKind


def style(form) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class Styled:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class TaskForm(NameFieldsMixin, forms.ModelForm):
    cooperating_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.current().without_villages(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    sub_tasks = forms.CharField(
        label="分解任务", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：配合单位编码、全角或半角冒号、任务内容，例如 “B03：落实配套资金”。")

    class Meta:
        model = KeyTask
        fields = ["code", "name", "kind", "source", "lead_unit", "leader_cadre", "leader_user", "annual_goal",
                  "points", "scheme_block", "assessor_unit"]
        widgets = {"annual_goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["lead_unit"].queryset = Unit.objects.current().without_villages()
        self.fields["leader_cadre"].queryset = Cadre.objects.filter(unit__kind=UnitKind.DISTRICT, tenure_to__isnull=True)
        self.fields["leader_user"].queryset = self.fields["leader_user"].queryset.filter(
            memberships__role=Role.LEADER, memberships__revoked_at__isnull=True).distinct()
        self.fields["assessor_unit"].queryset = Unit.objects.current().filter(is_assessor=True)
        blocks = self.fields["scheme_block"].queryset.select_related("scheme")
        self.fields["scheme_block"].queryset = blocks.filter(scheme__cycle=cycle) if cycle else blocks.none()
        existing = {m.period_code: m for m in self.instance.milestones.all()} if self.instance.pk else {}
        for code in QUARTERS:
            m = existing.get(code)
            self.fields[f"{code}_due"] = forms.DateField(
                label=f"{label(code)}节点时限", required=False, initial=m.due_on if m else None,
                widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"{code}_text"] = forms.CharField(
                label=f"{label(code)}节点目标", required=False, max_length=300, initial=m.description if m else "")
        style(self)
        if self.instance.pk:
            self.fields["sub_tasks"].initial = "\n".join(
                f"{s.unit.code}：{s.content}" for s in self.instance.sub_tasks.select_related("unit"))

    def milestones(self) -> list[dict]:
        rows = []
        for code in QUARTERS:
            due, text = self.cleaned_data.get(f"{code}_due"), self.cleaned_data.get(f"{code}_text", "").strip()
            if due and text:
                rows.append({"period_code": code, "due_on": due, "description": text})
        return rows

    def clean(self):
        data = super().clean()
        for code in QUARTERS:
            if bool(data.get(f"{code}_due")) != bool((data.get(f"{code}_text") or "").strip()):
                self.add_error(f"{code}_due", f"{label(code)}节点须同时填写时限和目标，或都不填。")
        return data

    def clean_sub_tasks(self) -> list[dict]:
        rows, problems = [], []
        for n, line in enumerate(self.cleaned_data["sub_tasks"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, content = line.replace("：", ":").partition(":")
            unit = Unit.objects.filter(code=code.strip()).first()
            if not sep or not content.strip() or unit is None:
                problems.append(f"第{n}行：应为“单位编码：任务内容”，且单位编码须存在。")
            else:
                rows.append({"unit": unit, "content": content.strip()[:300]})
        if problems:
            raise forms.ValidationError(problems)
        return rows


class ProgressForm(Styled, forms.Form):
    period_code = forms.ChoiceField(label="期次", choices=PERIOD_CHOICES)
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    percent = forms.IntegerField(label="完成进度(%)", min_value=0, max_value=100)
    milestone_met = forms.BooleanField(label="本期节点目标已完成", required=False)
    problems = forms.CharField(label="存在问题与下步打算", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=2000)


class AssessForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="被考核单位", queryset=Unit.objects.none())
    period_code = forms.ChoiceField(label="期次", choices=PERIOD_CHOICES)
    score = forms.DecimalField(label="得分", min_value=0, max_digits=7, decimal_places=2)
    comment = forms.CharField(label="评价意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [task.lead_unit_id] + [u.pk for u in task.cooperating_units.all()]
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=ids)
        self.fields["unit"].initial = task.lead_unit_id


class SupervisionForm(Styled, forms.Form):
    kind = forms.ChoiceField(label="督查方式", choices=SupervisionKind.choices)
    unit = forms.ModelChoiceField(label="被督查单位", queryset=Unit.objects.current().without_villages())
    task = forms.ModelChoiceField(label="督查事项（重点工作）", queryset=KeyTask.objects.none(), required=False)
    done_on = forms.DateField(label="督查日期", widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label="发现问题与情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    rating = forms.ChoiceField(label="评价", choices=Rating.choices)

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = KeyTask.objects.filter(cycle=cycle).order_by("code")


class DirectiveForm(Styled, forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.current().without_villages())
    task = forms.ModelChoiceField(label="督办事项（重点工作）", queryset=KeyTask.objects.none(), required=False)
    subject = forms.CharField(label="督办事由", max_length=200)
    requirement = forms.CharField(label="办理要求", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    deadline = forms.DateField(label="办理时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = KeyTask.objects.filter(cycle=cycle).order_by("code")


class ReplyForm(Styled, forms.Form):
    text = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class DecideForm(Styled, forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("accept", "通过，办结"), ("return", "退回重办")])
    note = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)


class BulletinForm(Styled, forms.Form):
    period_code = forms.ChoiceField(label="期次", choices=PERIOD_CHOICES)
