"""Which key tasks, directives and supervisions a user reaches — resolved through accounts/access.py.

The office, district leaders and the supervision office (督查室) see every task of the district; a unit's
people see the tasks their unit leads, cooperates on or assesses, and the directives and supervisions
addressed to it. Anything else answers 404, so ids of other units' objects reveal nothing.
"""

from django.http import Http404

from jixiao.accounts import access
from jixiao.keywork.models import Directive, Evidence, KeyTask, Supervision


def sees_all(user) -> bool:
    return access.can(user, "keywork.view_all")


def unit_ids(user) -> list[int]:
    return list(access.visible_units(user).values_list("pk", flat=True))


def tasks_for(user):
    tasks = KeyTask.objects.all()
    return tasks if sees_all(user) else tasks.involving(unit_ids(user))


def directives_for(user):
    directives = Directive.objects.all()
    return directives if sees_all(user) else directives.filter(unit_id__in=unit_ids(user))


def supervisions_for(user):
    supervisions = Supervision.objects.all()
    return supervisions if sees_all(user) else supervisions.filter(unit_id__in=unit_ids(user))


def _get(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或无权访问") from None


def get_task(user, pk, action: str) -> KeyTask:
    task = _get(tasks_for(user).select_related("cycle", "lead_unit", "leader_cadre", "leader_user",
                                               "assessor_unit", "scheme_block"), pk)
    access.require(user, action)
    return task


def get_directive(user, pk, action: str) -> Directive:
    directive = _get(directives_for(user).for_table(), pk)
    access.require(user, action)
    return directive


def get_supervision(user, pk, action: str) -> Supervision:
    supervision = _get(supervisions_for(user).select_related("cycle", "unit", "task", "supervisor"), pk)
    access.require(user, action)
    return supervision


def get_evidence(user, pk) -> Evidence:
    """An evidence file is reachable when its owner (progress, supervision or reply) is."""
    evidence = _get(Evidence.objects.select_related("progress", "reply__directive"), pk)
    if evidence.progress_id:
        get_task(user, evidence.progress.task_id, "keywork.view_task")
    elif evidence.supervision_id:
        get_supervision(user, evidence.supervision_id, "keywork.view_task")
    else:
        get_directive(user, evidence.reply.directive_id, "keywork.view_task")
    return evidence
