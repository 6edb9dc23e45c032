"""The office's pages for the units' public profiles (部门公开信息): which units have their duties written, and
one unit's duties to edit. Office admins only (`portal.publish`); every save and every refusal is audited."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jixiao.accounts import access
from jixiao.lib import refusals
from jixiao.org.models import Unit
from jixiao.portal import profile_actions, profiles
from jixiao.portal.models import DUTIES_MAX, UnitProfile

ACTION = "portal.publish"


class DutiesForm(forms.Form):
    duties = forms.CharField(label="部门职责", required=False, widget=forms.Textarea(attrs={"rows": 12}),
                             help_text=f"面向公众的简要职责说明，不超过{DUTIES_MAX}字；空行分段。不要写入个人姓名、电话等个人信息。")

    def clean_duties(self):
        return profile_actions.clean_duties(self.cleaned_data.get("duties", ""))


@login_required
def office_list(request):
    access.require(request.user, ACTION)
    written = dict(UnitProfile.objects.exclude(duties="").values_list("unit_id", "updated_at"))
    groups = profiles.groups_of(profiles.running_cycle())
    for group in groups:
        group["rows"] = [{"unit": u, "updated_at": written.get(u.pk)} for u in group["units"]]
    return render(request, "portal/profile_office/list.html", {"groups": groups, "written": len(written)})


@login_required
@require_http_methods(["GET", "POST"])
def office_edit(request, code):
    access.require(request.user, ACTION)
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("没有这个单位。")
    profile = UnitProfile.objects.filter(unit=unit).first()
    form = DutiesForm(request.POST or None, initial={"duties": profile.duties if profile else ""})
    if request.method == "POST":
        if form.is_valid():
            try:
                profile_actions.set_duties(unit, form.cleaned_data["duties"], by=request.user)
            except ValidationError as error:
                refusals.refuse(request, profile_actions.REFUSED, unit, error, form=form)
            else:
                messages.success(request, f"{unit.name}的部门职责已保存，门户页面即时更新。")
                return redirect("portal_profiles:edit", code=unit.code)
        else:
            refusals.record(profile_actions.REFUSED, unit,
                            ValidationError([e for errors in form.errors.values() for e in errors]), user=request.user)
    return render(request, "portal/profile_office/edit.html", {
        "unit": unit, "form": form, "profile": profile,
        "public": profiles.listed_units().filter(pk=unit.pk).exists(),
    }, status=422 if request.method == "POST" else 200)
