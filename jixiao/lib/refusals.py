"""A refused attempt, the same in every app: the person reads why, the audit log records it.

An action refuses by raising an exception with Chinese text (a ValidationError, PermissionDenied, an
EvaluationError, a WorkbookError). The view hands it to `refuse`, which puts each message on the form (or,
without a form, into the page's messages) and writes one audit event with outcome "failure" (or "denied" for a
refusal by role or reach). Call it after the action's transaction rolled back, so the event stays written.

Every refusal event has the same shape: `after = {"message": <what the person read>, **details}`, so an office
that reads the audit log finds the reason in one place whatever the app.
"""

from __future__ import annotations

from django.contrib import messages as flash

from jixiao.audit import log
from jixiao.audit.models import Outcome

MESSAGE_CAP = 500  # an audit row keeps the reason, not a whole list of a thousand workbook problems
SEPARATOR = "；"


def messages_of(error) -> list[str]:
    """The Chinese messages an exception carries, in order.

    A ValidationError lists them in `messages`; an EvaluationError or a WorkbookError in `errors`; anything else
    says it in its text."""
    listed = getattr(error, "messages", None) or getattr(error, "errors", None)
    return [str(message) for message in listed] if listed else [str(error)]


def record(code: str, obj, error, *, user=None, outcome: str = Outcome.FAILURE, **details) -> None:
    """Audit one refused attempt on `obj` (None when there is none yet) with the message the person read.

    `user` None attributes it to the request's or the command's actor; `details` (the file, the indicator, how
    many problems) go into the event beside the message."""
    message = SEPARATOR.join(messages_of(error))[:MESSAGE_CAP]
    log.record(code, obj, outcome=outcome, user=user, after={"message": message, **details})


def show(request, error, *, form=None, limit: int | None = None) -> list[str]:
    """Put each message of `error` where the person looks: on `form` as a form-wide error, else as a message.

    `limit` shows only the first messages (a rating matrix may have a hundred blank cells; ten say enough)."""
    texts = messages_of(error)[:limit]
    if form is not None:
        if not hasattr(form, "cleaned_data"):
            form.is_valid()  # add_error needs a form that has been cleaned
        for text in texts:
            form.add_error(None, text)
    else:
        for text in texts:
            flash.error(request, text)
    return texts


def refuse(request, code: str, obj, error, *, form=None, limit: int | None = None, outcome: str = Outcome.FAILURE,
           **details) -> list[str]:
    """Show a refusal (on `form`, else as messages; `limit` as in `show`) and audit it; returns the messages shown."""
    texts = show(request, error, form=form, limit=limit)
    record(code, obj, error, user=request.user, outcome=outcome, **details)
    return texts
