"""Evidence removal: only while the value is editable, audited with name and SHA-256, the file kept on record."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import Event
from jixiao.reporting import actions
from jixiao.reporting.models import Evidence, Submission, Value
from jixiao.reporting.tests.builders import fill, world

pytestmark = pytest.mark.usefixtures("frozen")
PDF = b"%PDF-1.4 stamped report"


@pytest.fixture
def w(cast):
    w = world(cast)
    fill(cast, cast.street, w["q1"], w["items"], cast.street_reporter)
    return w


def attach(cast, w, i=0, name="一季度报表.pdf"):
    value = Value.objects.get(indicator=w["items"][i].indicator)
    return actions.attach_evidence(value, SimpleUploadedFile(name, PDF), by=cast.street_reporter)


def remove_url(evidence):
    return reverse("reporting:remove_evidence", args=[evidence.pk])


def test_reporter_removes_a_draft_file_and_it_stays_on_record(cast, w, login):
    evidence = attach(cast, w)
    client = login(cast.street_reporter)
    response = client.post(remove_url(evidence), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "已删除佐证材料：一季度报表.pdf" in body
    assert reverse("reporting:evidence", args=[evidence.pk]) not in body  # the card no longer offers it
    evidence.refresh_from_db()
    assert evidence.removed_by == cast.street_reporter and default_storage.exists(evidence.file.name)
    event = Event.objects.get(code="evidence.removed")
    assert event.before == {"file": "一季度报表.pdf", "kind": "pdf", "size": len(PDF),
                            "sha256": hashlib.sha256(PDF).hexdigest()}
    # Nobody but the office downloads a removed file any more.
    assert client.get(reverse("reporting:evidence", args=[evidence.pk])).status_code == 404
    assert login(cast.office).get(reverse("reporting:evidence", args=[evidence.pk])).status_code == 200
    with pytest.raises(actions.Refused, match="已删除"):
        actions.remove_evidence(evidence, by=cast.street_reporter)


def test_removal_is_refused_once_submitted_and_after_the_period_closed(cast, w, login):
    evidence = attach(cast, w)
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    client = login(cast.street_reporter)
    response = client.post(remove_url(evidence), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "不能删除佐证材料：报件当前状态为“待审核”" in response.content.decode()
    assert Evidence.objects.current().filter(pk=evidence.pk).exists()
    assert Event.objects.filter(code="evidence.remove_refused", outcome="failure").exists()
    # Returned to the unit it is editable again, even after the entry window closed: the return asks for it.
    actions.return_submission(sub, by=cast.street_reviewer, reason="请补盖章页", stage="review")
    with time_machine.travel(datetime.datetime(2026, 5, 10, tzinfo=datetime.UTC), tick=False):
        actions.remove_evidence(evidence, by=cast.street_reporter)
    assert not Evidence.objects.current().exists()


def test_removal_from_a_draft_is_refused_after_the_period_closed(cast, w):
    evidence = attach(cast, w)
    with (time_machine.travel(datetime.datetime(2026, 5, 10, tzinfo=datetime.UTC), tick=False),
          pytest.raises(actions.Refused, match="截止填报")):
        actions.remove_evidence(evidence, by=cast.street_reporter)
    assert Evidence.objects.current().filter(pk=evidence.pk).exists()


def test_a_value_returned_alone_may_change_its_evidence_the_others_not(cast, w):
    returned, other = attach(cast, w, 0), attach(cast, w, 1, "其他.pdf")
    sub = actions.submit(Submission.objects.get(), by=cast.street_reporter)
    actions.approve(sub, by=cast.street_reviewer)
    actions.return_value(returned.value, by=cast.assessor, assessor=cast.tjj, reason="附件不是盖章版")
    with pytest.raises(actions.Refused, match="不能删除佐证材料"):
        actions.remove_evidence(other, by=cast.street_reporter)
    actions.remove_evidence(returned, by=cast.street_reporter)
    assert list(Evidence.objects.current()) == [other]
