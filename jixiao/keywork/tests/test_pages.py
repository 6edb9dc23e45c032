"""Key-work pages: boards and their query counts, export, forms with bad input, bulletins and the command."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from python_calamine import CalamineWorkbook

from jixiao.audit.models import Event
from jixiao.keywork import actions
from jixiao.keywork.models import Bulletin, KeyTask, Progress
from jixiao.keywork.tests import builders

OCT = datetime.datetime(2026, 10, 10, 2, 0, tzinfo=datetime.UTC)


def _tasks(cast, n, start=1):
    return [builders.task(cast, code=f"ZD-{i:03d}", cooperating=[cast.fgw]) for i in range(start, start + n)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(OCT, tick=False)
def test_board_query_count_does_not_grow_with_tasks(cast, login):
    client = login(cast.office)
    _tasks(cast, 3)
    small = _queries(client, reverse("keywork:board"))
    _tasks(cast, 30, start=10)
    large = _queries(client, reverse("keywork:board"))
    assert small == large


@time_machine.travel(OCT, tick=False)
def test_board_filters_by_status_and_source(cast, login):
    lagging, fine = _tasks(cast, 2)
    Progress.objects.create(task=lagging, unit=cast.street, period_code="Q3", text="x", percent=40,
                            milestone_met=False, reported_by=cast.street_reporter, reported_at=OCT)
    for t in (fine,):
        Progress.objects.create(task=t, unit=cast.street, period_code="Q3", text="x", percent=80,
                                milestone_met=True, reported_by=cast.street_reporter, reported_at=OCT)
    client = login(cast.office)
    page = client.get(reverse("keywork:board"), {"status": "lagging"}).content.decode()
    assert lagging.name in page and fine.name not in page
    page = client.get(reverse("keywork:board"), {"source": "party_congress"}).content.decode()
    assert "没有符合条件的重点工作" in page


@time_machine.travel(OCT, tick=False)
def test_board_export_is_a_workbook_with_every_task(cast, login):
    _tasks(cast, 2)
    response = login(cast.leader).get(reverse("keywork:board_export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0][:2] == ["编号", "工作名称"] and [r[0] for r in rows[1:]] == ["ZD-001", "ZD-002"]


@time_machine.travel(OCT, tick=False)
def test_my_tasks_shows_the_leaders_tasks_only(cast, login):
    mine = builders.task(cast, code="ZD-1")
    other = builders.task(cast, code="ZD-2")
    KeyTask.objects.filter(pk=other.pk).update(leader_user=None)
    page = login(cast.leader).get(reverse("keywork:my_tasks")).content.decode()
    assert mine.name in page and other.name not in page


@time_machine.travel(OCT, tick=False)
def test_unit_page_lists_our_tasks_and_directives(cast, login):
    ours = builders.task(cast, code="ZD-1")
    theirs = builders.task(cast, code="ZD-2", lead=cast.other_street, assessor=cast.office_unit)
    actions.issue_directive(cycle=cast.cycle, unit=cast.street, task=ours, subject="请加快", requirement="x",
                            deadline=datetime.date(2026, 10, 30), by=cast.supervisor)
    page = login(cast.street_reporter).get(reverse("keywork:unit_tasks")).content.decode()
    assert ours.name in page and theirs.name not in page and "请加快" in page


@time_machine.travel(OCT, tick=False)
def test_progress_form_double_submit_says_so_and_is_audited(cast, login):
    task = builders.task(cast)
    client = login(cast.street_reporter)
    url = reverse("keywork:progress_create", args=[task.pk])
    data = {"period_code": "Q3", "text": "完成80%", "percent": "80", "milestone_met": "on",
            "files": SimpleUploadedFile("证明.pdf", builders.PDF)}
    assert client.post(url, data).status_code == 302
    data["files"] = SimpleUploadedFile("证明.pdf", builders.PDF)
    second = client.post(url, data)
    assert second.status_code == 422 and "不能重复报送" in second.content.decode()
    assert Progress.objects.count() == 1
    assert Event.objects.filter(code="keywork.progress_refused", outcome="failure").exists()


@time_machine.travel(OCT, tick=False)
def test_progress_form_refuses_a_disguised_file(cast, login):
    task = builders.task(cast)
    response = login(cast.street_reporter).post(reverse("keywork:progress_create", args=[task.pk]), {
        "period_code": "Q3", "text": "x", "percent": "10", "files": SimpleUploadedFile("a.pdf", b"<html>")})
    assert response.status_code == 422 and "不是可接受的类型" in response.content.decode()
    assert not Progress.objects.exists()


@time_machine.travel(OCT, tick=False)
def test_progress_for_another_units_task_is_denied_and_audited(cast, login):
    task = builders.task(cast, assessor=cast.tjj)
    response = login(cast.reviewer).post(reverse("keywork:progress_create", args=[task.pk]),
                                         {"period_code": "Q3", "text": "x", "percent": "10"})
    assert response.status_code == 403
    assert Event.objects.filter(code="keywork.progress_refused", outcome="denied").exists()
    assert not Progress.objects.exists()


def test_task_form_refuses_a_milestone_after_the_cycle(cast, login):
    builders.leader_cadre(cast)
    data = {"cycle": "2026", "code": "ZD-9", "name": "跨年工作", "kind": "key_work", "source": "livelihood",
            "lead_unit": cast.street.pk, "annual_goal": "x", "points": "3",
            "Q4_due": "2027-01-20", "Q4_text": "完成"}
    response = login(cast.office).post(reverse("keywork:task_create"), data)
    assert response.status_code == 422 and "晚于2026年度结束日" in response.content.decode()
    assert not KeyTask.objects.exists()
    assert Event.objects.filter(code="keytask.refused").exists()


@time_machine.travel(OCT, tick=False)
def test_reply_to_a_closed_directive_is_refused_with_a_message(cast, login):
    task = builders.task(cast)
    directive = actions.issue_directive(cycle=cast.cycle, unit=cast.street, task=task, subject="s",
                                        requirement="r", deadline=datetime.date(2026, 10, 30), by=cast.supervisor)
    reply = actions.reply_directive(directive, text="done", by=cast.street_reporter)
    actions.decide_reply(reply, accept=True, note="ok", by=cast.supervisor)
    response = login(cast.street_reporter).post(reverse("keywork:directive_reply", args=[directive.pk]),
                                                {"text": "again"})
    assert response.status_code == 422 and "不能再回复" in response.content.decode()
    assert directive.replies.count() == 1
    assert Event.objects.filter(code="directive.reply_refused").exists()


@time_machine.travel(OCT, tick=False)
def test_publish_button_archives_and_lists_the_bulletin(cast, login):
    builders.task(cast)
    client = login(cast.office)
    response = client.post(reverse("keywork:bulletin_publish"), {"cycle": "2026", "period_code": "Q3"})
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    page = client.get(reverse("keywork:bulletin_list"), {"cycle": "2026"}).content.decode()
    assert bulletin.doc_number in page
    download = login(cast.street_reporter).get(reverse("keywork:bulletin_download", args=[bulletin.pk]))
    assert b"".join(download.streaming_content).startswith(b"PK")


@time_machine.travel(OCT, tick=False)
def test_make_bulletin_command_writes_a_docx(cast, tmp_path):
    builders.task(cast)
    target = tmp_path / "q3.docx"
    call_command("make_bulletin", "--cycle", "2026", "--period", "Q3", str(target), stdout=io.StringIO())
    doc = Document(str(target))
    assert "关于2026年第三季度重点工作推进情况的通报" in [p.text for p in doc.paragraphs]
    assert not Bulletin.objects.exists()  # a draft: nothing archived
    call_command("make_bulletin", "--cycle", "2026", "--period", "Q3", "--publish", str(target),
                 stdout=io.StringIO())
    assert Bulletin.objects.get().doc_number == "示范区绩效办〔2026〕1号"


@pytest.mark.parametrize("args,message", [
    (["--cycle", "2019", "--period", "Q1"], "没有 2019 考核年度"),
    (["--cycle", "2026", "--period", "Q9"], "期次无效"),
    (["--cycle", "2026", "--period", "Q4"], "尚未结束"),
])
@time_machine.travel(OCT, tick=False)
def test_make_bulletin_command_fails_in_chinese_and_writes_nothing(cast, tmp_path, args, message):
    target = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=message):
        call_command("make_bulletin", *args, str(target))
    assert not target.exists()
