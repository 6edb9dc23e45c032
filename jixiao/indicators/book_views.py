"""Export and import of the scheme workbook from the pages (docs/formats.md §2).

Import is two steps: the upload is read, checked and shown as a preview (nothing written); the parsed rows
travel to the confirmation in a signed, compressed token bound to the user (valid one hour), and the action
checks them again inside its transaction before writing every row or none.
"""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jixiao.accounts import access
from jixiao.indicators import schemebook, schemeimport, schemeplan
from jixiao.indicators.forms import BookConfirmForm, BookUploadForm
from jixiao.lib.excel import WorkbookError
from jixiao.lib.responses import download_workbook
from jixiao.lib.uploads import record_refusal
from jixiao.org.models import Cycle

IMPORT_SALT = "jixiao.indicators.scheme_import"
IMPORT_MAX_AGE = 3600
PREVIEW_ROWS = 300


@login_required
@require_GET
def book_export(request, year):
    """The whole cycle: schemes, parts, every unit's targets, milestones and decompositions."""
    access.require(request.user, "targets.view_all")
    cycle = get_object_or_404(Cycle, year=year)
    return download_workbook(schemebook.sheets_for(cycle), f"scheme-{cycle.year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def book_import(request):
    access.require(request.user, "indicators.manage")
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = BookUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "cycles": Cycle.objects.order_by("-year")}
    if request.method == "GET":
        return render(request, "indicators/book_import.html", context)
    if not form.is_valid():
        return render(request, "indicators/book_import.html", context, status=422)
    upload = form.cleaned_data["file"]
    try:
        book, plan = schemeplan.read(upload, settings.UPLOAD_MAX_BYTES)
    except WorkbookError as exc:
        record_refusal("scheme.import_refused", None, user=request.user, error=exc, file_name=upload.name)
        context.update(form=BookUploadForm(), errors=exc.errors, error=exc)
        return render(request, "indicators/book_import.html", context, status=422)
    token = signing.dumps({"u": request.user.pk, "name": upload.name, "book": schemebook.book_to_json(book)},
                          salt=IMPORT_SALT, compress=True)
    confirm = BookConfirmForm(initial={"token": token})
    return render(request, "indicators/book_preview.html", _preview_context(plan, confirm, upload.name))


def _preview_context(plan, confirm, file_name):
    changes = plan.changes
    return {"plan": plan, "confirm": confirm, "file_name": file_name, "changes": changes[:PREVIEW_ROWS],
            "hidden_changes": max(len(changes) - PREVIEW_ROWS, 0)}


def _confirm(request):
    form = BookConfirmForm(request.POST)
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "导入预览已过期或无效，请重新上传文件。")
        return redirect("indicators:book_import")
    if payload.get("u") != request.user.pk:
        messages.error(request, "导入预览不属于当前用户，请重新上传文件。")
        return redirect("indicators:book_import")
    book = schemebook.book_from_json(payload["book"])
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        plan = schemeimport.import_scheme_book(book, by=request.user, reason=reason, file_name=payload.get("name", ""))
    except WorkbookError as exc:
        record_refusal("scheme.import_refused", None, user=request.user, error=exc, file_name=payload.get("name", ""))
        context = {"form": BookUploadForm(), "errors": exc.errors, "error": exc, "stale": True,
                   "cycles": Cycle.objects.order_by("-year")}
        return render(request, "indicators/book_import.html", context, status=422)
    except schemeimport.ImportConflict as exc:
        messages.error(request, exc.messages[0])
        return redirect("indicators:book_import")
    except ValidationError as exc:
        form.add_error("reason", exc.messages)
        plan = schemeplan.plan(book)
        return render(request, "indicators/book_preview.html", _preview_context(plan, form, payload.get("name", "")),
                      status=422)
    totals = plan.totals
    messages.success(request, f"导入完成：新增 {totals['new']} 行，修改 {totals['changed']} 行，"
                              f"未变 {totals['unchanged']} 行。")
    return redirect(f"{reverse('indicators:scheme_list')}?cycle={plan.cycle.year}")
