"""The access decision of every reporting URL for the cast's roles.

Merged into the project-wide matrix (tests/test_access_matrix.py). Objects in URLs belong to 华明街道
(cast.street): only the office, the leader and that street's reporter reach them; for every other unit role
they are another unit's objects and answer 404. 统计局 (the cast's assessor unit) verifies the indicators.
"""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from jixiao.reporting.models import Evidence, ImportJob, Submission, Value
from jixiao.reporting.tests.builders import world as reporting_world

DISTRICT = {"office", "leader"}
UNIT_PAGE = {"office", "leader", "street_reporter"}
UNIT_ROLES = {"reporter", "reviewer", "street_reporter"}


def world(cast):
    """The reporting world plus a Q1 submission of 华明街道 with a value, its evidence and an import job."""
    w = reporting_world(cast)
    if "value" not in w:
        q1, item = w["q1"], w["items"][0]
        submission = Submission.objects.create(unit=cast.street, period=q1, cycle=cast.cycle)
        value = Value.objects.create(submission=submission, cycle=cast.cycle, unit=cast.street,
                                     indicator=item.indicator, item=item, number=Decimal(5),
                                     updated_by=cast.street_reporter, updated_at=timezone.now())
        evidence = Evidence(value=value, original_name="证明.pdf", kind="pdf", size=9, sha256="0" * 64,
                            uploaded_by=cast.street_reporter, uploaded_at=timezone.now())
        evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        job = ImportJob.objects.create(original_name="a.xlsx", unit=cast.street, period=q1, file="imports/none.xlsx",
                                       created_by=cast.street_reporter, created_at=timezone.now(), status="done")
        w.update(submission=submission, value=value, evidence=evidence, job=job)
    return w


def _none(cast):
    """No URL arguments, but the world exists (so pages have periods and submissions to show)."""
    world(cast)
    return {}


def _unit_period(cast):
    return {"unit_pk": cast.street.pk, "period_pk": world(cast)["q1"].pk}


def _save(cast):
    return {**_unit_period(cast), "item_pk": world(cast)["items"][0].pk}


def _sub(cast):
    return {"pk": world(cast)["submission"].pk}


def _value(cast):
    return {"pk": world(cast)["value"].pk}


def _period(cast):
    return {"pk": world(cast)["q1"].pk}


def _assessor_period(cast):
    return {"period_pk": world(cast)["q1"].pk}


UNIT_DISTRICT_403 = {"office": 403, "leader": 403}
POST = {"method": "post", "ok": (302,)}

CASES = {
    "reporting:home": {"allowed": DISTRICT | UNIT_ROLES},
    "reporting:entry": {"allowed": UNIT_PAGE, "kwargs": _unit_period, "denied": 404},
    # The template is pre-filled with unverified figures: leaders, who see verified data, do not get it.
    "reporting:unit_template": {"allowed": {"office", "street_reporter"}, "kwargs": _unit_period, "denied": 404,
                                "denied_by_role": {"leader": 403}},
    "reporting:save_value": {"allowed": {"street_reporter"}, "kwargs": _save, "denied": 404,
                             "denied_by_role": UNIT_DISTRICT_403, "data": {"number": "7", "version": "1"}, **POST},
    # The whole entry form: an empty form saves nothing and returns to the entry page.
    "reporting:save_values": {"allowed": {"street_reporter"}, "kwargs": _unit_period, "denied": 404,
                              "denied_by_role": UNIT_DISTRICT_403, **POST},
    "reporting:unit_upload": {"allowed": {"street_reporter"}, "kwargs": _unit_period, "denied": 404,
                              "denied_by_role": UNIT_DISTRICT_403},
    "reporting:submit": {"allowed": {"street_reporter"}, "kwargs": _sub, "denied": 404,
                         "denied_by_role": UNIT_DISTRICT_403, **POST},
    # The street's reviewer is not one of the matrix roles: nobody here may approve 华明街道's data.
    "reporting:approve": {"allowed": set(), "kwargs": _sub, "denied": 404,
                          "denied_by_role": {**UNIT_DISTRICT_403, "street_reporter": 403}, **POST},
    "reporting:return": {"allowed": {"office", "assessor"}, "kwargs": _sub, "denied": 404,
                         "denied_by_role": {"leader": 403, "street_reporter": 403}, "data": {"reason": "测试"}, **POST},
    "reporting:verify": {"allowed": {"assessor"}, "kwargs": _sub, **POST},
    "reporting:unlock_submission": {"allowed": {"office"}, "kwargs": _sub, "denied": 404,
                                    "denied_by_role": {"leader": 403, "street_reporter": 403},
                                    "data": {"reason": "测试"}, **POST},
    "reporting:value_history": {"allowed": UNIT_PAGE, "kwargs": _value, "denied": 404},
    "reporting:upload_evidence": {"allowed": {"street_reporter"}, "kwargs": _value, "denied": 404,
                                  "denied_by_role": UNIT_DISTRICT_403, **POST},
    "reporting:unlock_value": {"allowed": {"office"}, "kwargs": _value, "denied": 404,
                               "denied_by_role": {"leader": 403, "street_reporter": 403},
                               "data": {"reason": "测试"}, **POST},
    "reporting:verify_value": {"allowed": {"assessor"}, "kwargs": _value, **POST},
    "reporting:return_value": {"allowed": {"assessor"}, "kwargs": _value, "data": {"reason": "测试"}, **POST},
    "reporting:resubmit_value": {"allowed": {"street_reporter"}, "kwargs": _value, "denied": 404,
                                 "denied_by_role": UNIT_DISTRICT_403, **POST},
    "reporting:remove_evidence": {"allowed": {"street_reporter"}, "kwargs": lambda c: {"pk": world(c)["evidence"].pk},
                                  "denied": 404, "denied_by_role": UNIT_DISTRICT_403, **POST},
    # The value is not yet verified: a leader gets its file only with “?all=1”, as on the page (test_leader_view).
    "reporting:evidence": {"allowed": {"office", "street_reporter", "assessor"},
                           "kwargs": lambda c: {"pk": world(c)["evidence"].pk}, "denied": 404},
    # An import job is personal: only the person who uploaded it follows its progress.
    "reporting:job": {"allowed": {"street_reporter"}, "kwargs": lambda c: {"pk": world(c)["job"].pk}, "denied": 404},
    "reporting:assessor_home": {"kwargs": _none, "allowed": {"assessor"}},
    "reporting:assessor": {"allowed": {"assessor"}, "kwargs": _assessor_period},
    "reporting:assessor_template": {"allowed": {"assessor"}, "kwargs": _assessor_period},
    "reporting:assessor_upload": {"allowed": {"assessor"}, "kwargs": _assessor_period},
    "reporting:board": {"kwargs": _none, "allowed": DISTRICT},
    "reporting:board_export": {"kwargs": _none, "allowed": DISTRICT},
    "reporting:timeliness": {"kwargs": _none, "allowed": DISTRICT},
    "reporting:periods": {"kwargs": _none, "allowed": {"office"}},
    "reporting:generate_periods": {"allowed": {"office"}, "data": {"cycle": "2026"}, **POST},
    "reporting:period_edit": {"allowed": {"office"}, "kwargs": _period},
    "reporting:grant_exception": {"allowed": {"office"}, "kwargs": _period, **POST},
}
