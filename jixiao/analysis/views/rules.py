"""The office's page for a cycle's thresholds (序时进度规则, 数据质量预警规则): one shape for every rule.

GET shows the cycle's rule (or the defaults); POST checks the form, saves through the rule's audited action and
comes back to the page, or shows why not with 422. A refusal, by the form or by the action, is shown and audited
the same way (`lib/refusals`) under the rule's code.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from jixiao.accounts import access
from jixiao.lib import cycles, refusals


def edit(request, *, current_of, form_class, fields, set_rule, refused, saved, template):
    """The rule page. `current_of(cycle)` is the stored rule or an unsaved one with the defaults; the form edits a
    fresh copy of its `fields`; `set_rule(cycle, by=…, **values)` saves it; `refused` is the audit code;
    `saved` names the rule in the success message (“2026年度{saved}已保存。”)."""
    access.require(request.user, "analysis.manage")
    pick = cycles.pick_or_404(request) if request.method == "POST" else cycles.pick(request)
    cycle = pick.cycle
    if cycle is None:
        raise Http404("尚未设立考核年度。")
    current = current_of(cycle)
    model = type(current)
    form = form_class(request.POST or None,
                      instance=model(cycle=cycle, **{name: getattr(current, name) for name in fields}))
    stored = current if current.pk else None
    if request.method == "POST" and form.is_valid():
        try:
            set_rule(cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            refusals.refuse(request, refused, stored, error, form=form)
        else:
            messages.success(request, f"{cycle.year}年度{saved}已保存。")
            return redirect(f"{request.path}?cycle={cycle.year}")
    elif request.method == "POST":
        refusals.record(refused, stored, ValidationError([e for errors in form.errors.values() for e in errors]),
                        user=request.user)
    status = 422 if request.method == "POST" else 200
    return render(request, template, {"pick": pick, "cycle": cycle, "form": form, "current": current}, status=status)
