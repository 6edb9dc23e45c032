"""The before/after table of an event in the words of its model: 状态 已开放 → 整改中, not status open → in_progress.

The log keeps the stored values (they are what the hash covers); the page names each field by the model's
verbose name and each coded value by its choice label, and shows the stored code beside it for the auditor.
"""

import datetime

from django.apps import apps
from django.db import models
from django.utils import timezone

# A yes/no value is stored as JSON true/false and reads "True"/"False" once shown as text.
YES_NO = {"True": "是", "False": "否"}


def name_rows(object_type: str, rows: list[dict]) -> list[dict]:
    """Copies of the rows of `log.diff` for a model label, each with `label`, `before_label`, `after_label` and
    `structured` (a JSON value, shown as code)."""
    fields = _fields(object_type)
    rows = [dict(row) for row in rows]  # the log's own rows stay as log.diff made them
    for row in rows:
        field = fields.get(row["field"])
        row["label"] = str(field.verbose_name) if field is not None else ""
        choices = {str(value): str(label) for value, label in (getattr(field, "flatchoices", None) or ())}
        row["before_label"] = choices.get(row["before"]) or YES_NO.get(row["before"], "") or _moment(field, row["before"])
        row["after_label"] = choices.get(row["after"]) or YES_NO.get(row["after"], "") or _moment(field, row["after"])
        row["structured"] = any(row[side].startswith(("{", "[")) for side in ("before", "after"))
    return rows


def _moment(field, value: str) -> str:
    """A stored date-time (ISO, in UTC) in the reader's local time, e.g. 2026-12-07 14:56; "" for anything else."""
    if not isinstance(field, models.DateTimeField) or not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(moment) else ""


def _fields(object_type: str) -> dict:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    return {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
