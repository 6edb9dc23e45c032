"""What the reporting pages of every audience share: reaching an object (with an audit event when it lies outside
the user's reach), the period, the cycle picker, refusals, downloads, the Excel upload, and the pages several
audiences read (evidence files, a value's history, an import's progress)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.accounts.roles import Role
from jixiao.audit import log
from jixiao.audit.models import Outcome
from jixiao.lib import cycles, refusals
from jixiao.lib.excel import WorkbookError
from jixiao.lib.responses import download
from jixiao.org.models import Unit
from jixiao.reporting import actions, imports
from jixiao.reporting.forms import ReasonForm, UploadForm
from jixiao.reporting.models import Evidence, ImportJob, Period, Value
from jixiao.reporting.tasks import import_values_task

# Uploads larger than this go to the background worker, with a progress page.
BACKGROUND_BYTES = 150 * 1024


def refused_access(request, what: str, pk) -> None:
    """Audit a request for an object outside the user's reach (it answers 404, so its id reveals nothing)."""
    log.record("reporting.access_refused", outcome=Outcome.DENIED, user=request.user,
               object_repr=f"{what} #{pk}", after={"path": request.path})


def get(request, model, pk, action, queryset=None):
    """access.get_for_user, with an audit event when the object lies outside the user's reach."""
    try:
        return access.get_for_user(request.user, model, pk, action, queryset=queryset)
    except Http404:
        refused_access(request, model._meta.label, pk)
        raise


def unit(request, unit_pk, action):
    return get(request, Unit, unit_pk, action)


def my_unit(request):
    membership = access.current_membership(request.user)
    return membership.unit if membership else None


def assessed_submission(request, pk):
    """`access.get_assessed_submission`, with an audit event when the submission lies outside the assessor's reach."""
    try:
        return access.get_assessed_submission(request.user, pk)
    except Http404:
        refused_access(request, "reporting.Submission", pk)
        raise


def period(pk):
    return get_object_or_404(Period.objects.select_related("cycle"), pk=pk)


def pick_cycle(request) -> dict:
    """The cycle picker's context (`lib.cycles`): `pick` for the template, `cycles` and the chosen `cycle`."""
    pick = cycles.pick(request)
    return {"pick": pick, "cycles": pick.cycles, "cycle": pick.cycle}


def hidden_from_leader(request, value) -> bool:
    """A leader sees unverified figures only after choosing “查看含未核定的全部数据” (?all=1)."""
    return (access.role_of(request.user) == Role.LEADER and request.GET.get("all") != "1"
            and value.verified_at is None)


def refuse(request, refused, code, obj, **details) -> None:
    """Show an action's refusal on the page and audit it (`lib.refusals`)."""
    refusals.refuse(request, code, obj, refused, **details)


def attempt(request, act, *, done: str, code: str, obj) -> bool:
    """Run the action `act()`: say `done` when it succeeds, show and audit its refusal under `code` when it does not.

    The one shape of every submit, approve, return, verify and unlock button, whoever presses it."""
    try:
        act()
    except actions.Refused as refused:
        refuse(request, refused, code, obj)
        return False
    messages.success(request, done)
    return True


def reason(request, missing: str) -> str:
    """The mandatory reason posted with a return or an unlock; refused with `missing` when there is none."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise actions.Refused(missing)
    return form.cleaned_data["reason"]


def xlsx(name: str, write):
    """A workbook written by `write(out)` as a download named `name`."""
    buffer = io.BytesIO()
    write(buffer)
    return download(buffer.getvalue(), name)


def upload(request, period, *, unit=None, assessor=None, back):
    """Handle a template upload: small files inline, big ones as a background job with a progress page."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "period": period, "unit": unit, "assessor": assessor, "back": back}
    if request.method != "POST" or not form.is_valid():
        return render(request, "reporting/upload.html", context, status=422 if request.method == "POST" else 200)
    file = form.cleaned_data["file"]
    expect = {"expect_unit": unit} if unit is not None else {"expect_assessor": assessor}
    if file.size > BACKGROUND_BYTES:
        return _start_job(request, file, period, unit or assessor, as_assessor=assessor is not None)
    try:
        summary = imports.import_file(file, by=request.user, expect_period=period, **expect)
    except WorkbookError as error:
        problems = [str(e) for e in error.errors]
        refusals.record("values.import_refused", period, problems[0], user=request.user, file=file.name[:100],
                        problems=error.total)
        context.update(problems=problems, refusal=error)
        return render(request, "reporting/upload.html", context, status=422)
    wrote = summary["created"] or summary["changed"]
    (messages.success if wrote else messages.info)(request, imports.describe(summary))
    return redirect(back)


def _start_job(request, file, period, unit, *, as_assessor):
    job = ImportJob(original_name=file.name[:200], unit=unit, period=period, as_assessor=as_assessor,
                    created_by=request.user, created_at=timezone.now(), total=0)
    file.seek(0)
    job.file.save("upload.xlsx", ContentFile(file.read()), save=False)
    job.save()
    transaction.on_commit(lambda: import_values_task.enqueue(job.pk))
    return redirect("reporting:job", job.pk)


@login_required
@require_GET
def job(request, pk):
    """Progress of a background import; htmx polls the status part until it is finished."""
    job = get_object_or_404(ImportJob.objects.select_related("period__cycle", "unit"), pk=pk,
                            created_by=request.user)
    if job.as_assessor:
        back = reverse("reporting:assessor", args=[job.period_id])
    else:
        back = reverse("reporting:entry", args=[job.unit_id, job.period_id])
    template = "reporting/_job_status.html" if request.htmx else "reporting/job.html"
    return render(request, template, {"job": job, "back": back})


@login_required
@require_GET
def evidence_file(request, pk):
    """An evidence file, for the unit's people, the office and leaders, and the assessor unit owning its item."""
    evidence = get_object_or_404(Evidence.objects.select_related("value__unit", "value__item__version"), pk=pk)
    if access.can(request.user, "reporting.verify"):
        if not access.assesses(request.user, evidence.value.item):
            refused_access(request, "reporting.Evidence", pk)
            raise Http404("对象不存在或无权访问")
    else:
        get(request, Evidence, pk, "reporting.view", queryset=Evidence.objects.select_related("value__unit"))
    # A removed file stays on record for the office; the pages no longer offer it to anyone else.
    if evidence.removed_at is not None and not access.can(request.user, "reporting.manage"):
        raise Http404("对象不存在或无权访问")
    # A leader sees a file of an unverified value only after choosing “查看含未核定的全部数据”, as on the page.
    if hidden_from_leader(request, evidence.value):
        refused_access(request, "reporting.Evidence", pk)
        raise Http404("该佐证材料所属数值尚未核定")
    return download(evidence.file.open("rb"), evidence.original_name)


@login_required
@require_GET
def value_history(request, pk):
    value = get(request, Value, pk, "reporting.view",
                queryset=Value.objects.select_related("unit", "indicator", "submission__period__cycle", "entered_by"))
    template = "reporting/_history.html" if request.htmx else "reporting/history.html"
    if hidden_from_leader(request, value):  # the figures of an unverified value stay out of a leader's view
        return render(request, template, {"value": value, "hidden": True})
    revisions = list(value.revisions.select_related("by"))
    first = revisions[-1].old_display if revisions else value.display
    return render(request, template, {"value": value, "revisions": revisions, "first": first,
                                      "entered_by": value.entered_by})
