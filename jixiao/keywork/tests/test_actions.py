"""Key-work actions: progress, bad input, warnings and escalation, directives, bulletins, scores."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from jixiao.accounts.roles import Role
from jixiao.audit.models import Event
from jixiao.keywork import actions, scores
from jixiao.keywork.models import DirectiveStatus, KeyTask, Progress, WarningLevel
from jixiao.keywork.tests import builders
from jixiao.lib import refusals
from jixiao.notifications.models import Notice
from tests.cast import grant, make_user

OCT = datetime.datetime(2026, 10, 10, 10, 0, tzinfo=datetime.UTC)


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, builders.PDF, content_type="application/pdf")


@pytest.fixture
def task(cast):
    return builders.task(cast, cooperating=[cast.fgw])


@time_machine.travel(OCT, tick=False)
def test_lead_unit_reports_progress_with_evidence(cast, task):
    progress = actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q3",
                                       text="完成80%", percent=80, milestone_met=True, files=[pdf()])
    assert progress.evidence.get().kind == "pdf"
    assert Event.objects.filter(code="keywork.progress_reported").count() == 1


@time_machine.travel(OCT, tick=False)
def test_cooperating_unit_adds_its_part(cast, task):
    actions.report_progress(task, unit=cast.fgw, by=cast.reporter, period_code="Q3", text="配合", percent=50)
    assert Progress.objects.get(task=task, unit=cast.fgw).is_lead is False


@time_machine.travel(OCT, tick=False)
def test_progress_for_another_units_task_is_refused(cast, task):
    with pytest.raises(PermissionDenied, match="不由金桥街道牵头或配合"):
        actions.report_progress(task, unit=cast.other_street, by=cast.street_reporter, period_code="Q3",
                                text="x", percent=10)
    assert not Progress.objects.exists()


@time_machine.travel(OCT, tick=False)
def test_double_submit_is_refused_and_keeps_the_first(cast, task):
    actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q3", text="第一次",
                            percent=80)
    with pytest.raises(ValidationError, match="不能重复报送"):
        actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q3", text="第二次",
                                percent=90)
    assert Progress.objects.get().text == "第一次"


@time_machine.travel(datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), tick=False)
def test_progress_for_a_period_not_yet_begun_is_refused(cast, task):
    with pytest.raises(ValidationError, match="第四季度尚未开始"):
        actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q4", text="x",
                                percent=10)
    assert not Progress.objects.exists()


@pytest.mark.parametrize("name,data,message", [
    ("伪装.pdf", b"MZ\x90\x00 not a pdf", "不是可接受的类型"),
    ("空.pdf", b"", "空文件"),
    ("宏.xlsx", None, "包含宏"),
])
@time_machine.travel(OCT, tick=False)
def test_evidence_of_the_wrong_type_is_refused_and_nothing_written(cast, task, name, data, message):
    if data is None:
        data = _zip_with_macro()
    with pytest.raises(ValidationError, match=message):
        actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q3", text="x",
                                percent=10, files=[pdf(), SimpleUploadedFile(name, data)])
    assert not Progress.objects.exists()


def _zip_with_macro() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/vbaProject.bin", "evil")
    return buffer.getvalue()


@time_machine.travel(OCT, tick=False)
def test_evidence_over_the_size_cap_is_refused(cast, task, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("大.pdf", builders.PDF + b"0" * 2048)
    with pytest.raises(ValidationError, match="超过上限"):
        actions.report_progress(task, unit=cast.street, by=cast.street_reporter, period_code="Q3", text="x",
                                percent=10, files=[big])
    assert not Progress.objects.exists()


def test_milestone_after_the_cycle_end_is_refused(cast):
    milestones = builders.quarterly(2026)
    milestones[-1]["due_on"] = datetime.date(2027, 1, 15)
    t = KeyTask(cycle=cast.cycle, code="ZD-09", name="跨年", source="livelihood", lead_unit=cast.street,
                annual_goal="x", points=Decimal(3))
    with pytest.raises(ValidationError, match="晚于2026年度结束日"):
        actions.save_task(t, by=cast.office, cooperating=[], milestones=milestones, sub_tasks=[])
    assert not KeyTask.objects.exists()


def test_lead_unit_cannot_cooperate_on_its_own_task(cast):
    t = KeyTask(cycle=cast.cycle, code="ZD-09", name="x", source="livelihood", lead_unit=cast.street,
                annual_goal="x", points=Decimal(3))
    with pytest.raises(ValidationError, match="牵头单位不能同时作为配合单位"):
        actions.save_task(t, by=cast.office, cooperating=[cast.street], milestones=[], sub_tasks=[])


def _lagging_history(cast, task, quarters):
    for code, percent in quarters:
        Progress.objects.create(task=task, unit=cast.street, period_code=code, text="x", percent=percent,
                                milestone_met=percent in (25, 50), reported_by=cast.street_reporter,
                                reported_at=OCT)


@time_machine.travel(OCT, tick=False)
def test_lagging_raises_a_warning_to_unit_and_office_once(cast, task):
    _lagging_history(cast, task, [("Q1", 25), ("Q2", 50), ("Q3", 60)])
    created = actions.raise_warnings(cast.cycle, "Q3", by=cast.office)
    assert [(w.level, w.streak) for w in created] == [(WarningLevel.WARNING, 1)]
    recipients = set(Notice.objects.values_list("recipient__username", flat=True))
    assert recipients == {"street_reporter", "office", "supervisor"}
    assert actions.raise_warnings(cast.cycle, "Q3") == []  # a second run warns nobody twice
    assert Notice.objects.count() == 3


@time_machine.travel(OCT, tick=False)
def test_a_persisting_lag_escalates_to_the_district_leader(cast, task):
    _lagging_history(cast, task, [("Q1", 25), ("Q2", 40), ("Q3", 45)])
    (warning,) = actions.raise_warnings(cast.cycle, "Q3")
    assert (warning.level, warning.streak, warning.status) == (WarningLevel.ESCALATED, 2, "lagging")
    notice = Notice.objects.get(recipient=cast.leader)
    assert notice.subject.startswith("【升级预警】") and notice.kind == "warning"


def _directive(cast, task, deadline=datetime.date(2026, 10, 20)):
    return actions.issue_directive(cycle=cast.cycle, unit=cast.street, task=task, subject="加快进度",
                                   requirement="制定赶超计划", deadline=deadline, by=cast.supervisor)


@time_machine.travel(OCT, tick=False)
def test_directive_reply_accept_and_closed_refuses_more(cast, task):
    directive = _directive(cast, task)
    assert directive.number == "督办〔2026〕1号"
    assert Notice.objects.filter(recipient=cast.street_reporter, subject__contains="督办").exists()
    reply = actions.reply_directive(directive, text="已办理", by=cast.street_reporter, files=[pdf()])
    assert not reply.is_late
    with pytest.raises(ValidationError, match="请勿重复提交"):
        actions.reply_directive(directive, text="再次", by=cast.street_reporter)
    actions.decide_reply(reply, accept=True, note="同意", by=cast.supervisor)
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.CLOSED and directive.closed_at
    with pytest.raises(ValidationError, match="已于 .* 办结，不能再回复"):
        actions.reply_directive(directive, text="又来", by=cast.street_reporter)
    assert directive.replies.count() == 1


def test_late_replies_are_counted_and_a_return_needs_a_reason(cast, task):
    with time_machine.travel(OCT, tick=False):
        directive = _directive(cast, task)
    with time_machine.travel(datetime.datetime(2026, 10, 25, 3, tzinfo=datetime.UTC), tick=False):
        reply = actions.reply_directive(directive, text="迟了", by=cast.street_reporter)
        assert reply.is_late
        with pytest.raises(ValidationError, match="退回时须写明理由"):
            actions.decide_reply(reply, accept=False, note=" ", by=cast.supervisor)
        actions.decide_reply(reply, accept=False, note="措施不具体", by=cast.supervisor)
        actions.reply_directive(directive, text="补充", by=cast.street_reporter)
    directive.refresh_from_db()
    assert (directive.status, directive.late_replies) == (DirectiveStatus.REPLIED, 2)


def test_refusals_are_audited(cast, task):
    error = ValidationError("不能重复报送")
    refusals.record("keywork.progress_refused", task, error, user=cast.street_reporter)
    event = Event.objects.get(code="keywork.progress_refused")
    assert event.outcome == "failure" and event.after == {"message": "不能重复报送"}


@time_machine.travel(OCT, tick=False)
def test_scores_for_prefers_year_end_else_quarterly_mean(cast, task):
    other = builders.task(cast, code="ZD-02", lead=cast.fgw)
    for code, score in (("Q1", "4"), ("Q2", "3"), ("Q3", "3.5")):
        actions.assess(task, unit=cast.street, by=cast.office, period_code=code, score=Decimal(score), comment="ok")
    actions.assess(other, unit=cast.fgw, by=cast.assessor, period_code="Q1", score=Decimal("2"), comment="ok")
    actions.assess(other, unit=cast.fgw, by=cast.assessor, period_code="Y", score=Decimal("4.5"), comment="年终")
    actions.assess(task, unit=cast.fgw, by=cast.office, period_code="Q1", score=Decimal("1"), comment="配合")
    assert scores.scores_for(cast.cycle) == {
        (cast.street.pk, task.pk): Decimal("3.50"), (cast.fgw.pk, other.pk): Decimal("4.50"),
        (cast.fgw.pk, task.pk): Decimal("1.00"),
    }


def test_score_above_the_tasks_points_is_refused(cast, task):
    with pytest.raises(ValidationError, match="得分须在 0 至 5"):
        actions.assess(task, unit=cast.street, by=cast.office, period_code="Q1", score=Decimal("6"), comment="x")


@time_machine.travel(OCT, tick=False)
def test_publish_bulletin_numbers_and_archives(cast, task):
    _lagging_history(cast, task, [("Q1", 25), ("Q2", 40), ("Q3", 45)])
    first = actions.publish_bulletin(cast.cycle, "Q3", by=cast.office)
    second = actions.publish_bulletin(cast.cycle, "Q2", by=cast.office)
    assert (first.doc_number, second.doc_number) == ("示范区绩效办〔2026〕1号", "示范区绩效办〔2026〕2号")
    assert first.counts["lagging"] == 1
    with first.file.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    texts = [p.text for p in doc.paragraphs]
    assert "示范区绩效办〔2026〕1号" in texts and "2026年10月10日" in texts
    assert any("滞后的工作（1项）" in t for t in texts)
    assert doc.tables[0].rows[1].cells[1].text == task.name
    with pytest.raises(ValidationError, match="尚未结束"):
        actions.publish_bulletin(cast.cycle, "Q4", by=cast.office)


def test_unit_people_are_the_units_reporters_and_reviewers(cast):
    extra = make_user("fgw_reviewer")
    grant(extra, cast.fgw, Role.REVIEWER)
    assert {u.username for u in actions.unit_people([cast.fgw.pk])} == {"reporter", "fgw_reviewer"}
