"""The access decision of every key-work URL for the cast's roles.

Merged into the project-wide matrix (tests/test_access_matrix.py). The task in URLs is led by 华明街道
(cast.street) and assessed by 区统计局 (cast.tjj): the office, leaders and the 督查室 see every task; the
street's reporter leads it; the 统计局's assessor and reviewer see it as its assessor unit; everyone else
gets 404 (not even confirmed to exist).
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from jixiao.keywork.models import Bulletin, Directive, DirectiveReply, Evidence, Supervision
from jixiao.keywork.tests import builders

BOARD = {"office", "leader", "supervisor"}
SUPERVISE = {"office", "supervisor"}
TASK_VIEWERS = BOARD | {"street_reporter", "assessor", "reviewer"}
BULLETIN_READERS = BOARD | {"reporter", "reviewer", "assessor", "street_reporter"}


def _file(name: str, data: bytes) -> str:
    """A fixed, tiny file under MEDIA_ROOT (written once) for the download URLs."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def world(cast):
    if getattr(cast, "_keywork_world", None) is None:
        task = builders.task(cast)
        now = timezone.now()
        progress = task.progress_reports.create(unit=cast.street, period_code="Q1", text="已启动", percent=25,
                                                milestone_met=True, reported_by=cast.street_reporter, reported_at=now)
        evidence = Evidence.objects.create(progress=progress, file=_file("keywork/tests/matrix.pdf", builders.PDF),
                                           original_name="matrix.pdf", kind="pdf", size=len(builders.PDF),
                                           sha256="0" * 64, uploaded_by=cast.street_reporter, uploaded_at=now)
        supervision = Supervision.objects.create(cycle=cast.cycle, kind="on_site", task=task, unit=cast.street,
                                                 done_on=datetime.date(2026, 5, 1), findings="进度正常", rating="good",
                                                 supervisor=cast.supervisor, recorded_at=now)
        directive = Directive.objects.create(cycle=cast.cycle, number="督办〔2026〕1号", unit=cast.street, task=task,
                                             subject="加快进度", requirement="按期完成", deadline=datetime.date(2026, 6, 1),
                                             status="replied", issued_by=cast.supervisor, issued_at=now)
        reply = DirectiveReply.objects.create(directive=directive, text="已完成", replied_by=cast.street_reporter,
                                              replied_at=now)
        bulletin = Bulletin.objects.create(cycle=cast.cycle, period_code="Q1", sequence=1, doc_number="示范区绩效办〔2026〕1号",
                                           title="通报", issued_on=datetime.date(2026, 4, 15), sha256="0" * 64,
                                           file=_file("keywork/tests/matrix.docx", b"PK\x03\x04"), published_at=now)
        cast._keywork_world = {"task": task, "evidence": evidence, "supervision": supervision,
                               "directive": directive, "reply": reply, "bulletin": bulletin}
    return cast._keywork_world


def _pk(key):
    return lambda cast: {"pk": world(cast)[key].pk}


def _task_case(allowed, **extra):
    """A URL on the task: 403 for roles that see the task but may not act, 404 for the rest."""
    seeing = TASK_VIEWERS - set(allowed)
    return {"allowed": set(allowed), "kwargs": _pk("task"), "denied": 404,
            "denied_by_role": dict.fromkeys(seeing, 403), **extra}


# name -> keyword arguments of tests/test_access_matrix.Case
CASES = {
    "keywork:board": {"allowed": BOARD},
    "keywork:board_export": {"allowed": BOARD},
    "keywork:my_tasks": {"allowed": {"leader"}},
    "keywork:unit_tasks": {"allowed": {"reporter", "reviewer", "assessor", "street_reporter"}},
    "keywork:task_create": {"allowed": {"office"}},
    "keywork:task_detail": _task_case(TASK_VIEWERS),
    "keywork:task_edit": _task_case({"office"}),
    "keywork:progress_create": _task_case({"street_reporter"}),
    "keywork:assess": _task_case({"office", "supervisor", "assessor"}),
    "keywork:warnings_raise": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "keywork:evidence_download": {"allowed": TASK_VIEWERS, "kwargs": _pk("evidence"), "denied": 404},
    "keywork:supervision_list": {"allowed": BOARD},
    "keywork:supervision_create": {"allowed": SUPERVISE},
    "keywork:supervision_detail": {"allowed": BOARD | {"street_reporter"}, "kwargs": _pk("supervision"),
                                   "denied": 404},
    "keywork:directive_list": {"allowed": BOARD},
    "keywork:directive_create": {"allowed": SUPERVISE},
    "keywork:directive_detail": {"allowed": BOARD | {"street_reporter"}, "kwargs": _pk("directive"), "denied": 404},
    # An empty reply is refused with the form (422) — the access decision comes first.
    "keywork:directive_reply": {"allowed": {"street_reporter"}, "kwargs": _pk("directive"), "method": "post",
                                "ok": (422,), "denied": 404, "denied_by_role": dict.fromkeys(BOARD, 403)},
    "keywork:reply_decide": {"allowed": SUPERVISE, "kwargs": _pk("reply"), "method": "post", "ok": (422,)},
    "keywork:bulletin_list": {"allowed": BULLETIN_READERS},
    "keywork:bulletin_publish": {"allowed": {"office"}, "method": "post", "ok": (302,)},
    "keywork:bulletin_download": {"allowed": BULLETIN_READERS, "kwargs": _pk("bulletin")},
}


