"""Accountability records (问责): the list for the readers, and the office's form on a cadre."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from jixiao.cadres import access, accountability
from jixiao.cadres.accountability_forms import AccountabilityForm
from jixiao.cadres.models import Accountability
from jixiao.lib import refusals
from jixiao.org.models import Cadre
from jixiao.results.models import CadreRecord

LIST_CAP = 500


@login_required
def accountability_list(request):
    """Every record, newest first, with the unit's result of the cycle it concerns (from the cadre record)."""
    access.require_read(request.user)
    items = list(Accountability.objects.select_related("cadre", "unit", "cycle").order_by("-decided_on", "-id")
                 [:LIST_CAP])
    records = {(r.cycle_id, r.cadre_id): r for r in CadreRecord.objects.filter(
        cadre_id__in={i.cadre_id for i in items}, cycle_id__in={i.cycle_id for i in items if i.cycle_id})}
    for item in items:
        item.unit_record = records.get((item.cycle_id, item.cadre_id))
    return render(request, "cadres/accountability_list.html", {
        "items": items, "capped": len(items) >= LIST_CAP, "can_manage": access.can_manage(request.user)})


def _initial(request, cadre) -> dict:
    """A correction (?corrects=ID) opens with the corrected record's values and a reason that names it."""
    corrects = request.GET.get("corrects", "")
    original = Accountability.objects.filter(pk=corrects, cadre=cadre).first() if corrects.isdigit() else None
    if original is None:
        return {}
    return {"kind": original.kind, "cycle": original.cycle.year if original.cycle else None,
            "reason": accountability.correction_reason(original), "decision": original.decision}


@login_required
def accountability_create(request, pk):
    access.require_manage(request.user)
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=pk)
    form = AccountabilityForm(request.POST or None, initial=_initial(request, cadre))
    if request.method == "POST" and form.is_valid():
        try:
            accountability.record(cadre, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            refusals.refuse(request, "cadre.accountability_refused", cadre, exc, form=form)
        else:
            messages.success(request, "问责记录已登记。")
            return redirect("cadres:file_detail", pk=cadre.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "cadres/accountability_form.html", {"cadre": cadre, "form": form}, status=status)
