"""The pure status function: every rule of keywork/status.py with a worked example."""

import datetime

from jixiao.keywork.models import TaskStatus
from jixiao.keywork.status import MilestoneFact, ProgressFact, derive_status

D = datetime.date
MILESTONES = [MilestoneFact("Q1", D(2026, 3, 31)), MilestoneFact("Q2", D(2026, 6, 30)),
              MilestoneFact("Q3", D(2026, 9, 30)), MilestoneFact("Q4", D(2026, 12, 31))]


def report(code, percent, met):
    return ProgressFact(code, percent, met)


def test_before_the_first_milestone_is_on_track():
    j = derive_status(MILESTONES, [], D(2026, 2, 1))
    assert (j.status, j.streak, j.percent) == (TaskStatus.ON_TRACK, 0, 0)


def test_due_day_itself_is_not_yet_late():
    assert derive_status(MILESTONES, [], D(2026, 3, 31)).status == TaskStatus.ON_TRACK
    assert derive_status(MILESTONES, [], D(2026, 4, 1)).status == TaskStatus.LAGGING


def test_met_milestones_are_on_track():
    j = derive_status(MILESTONES, [report("Q1", 25, True), report("Q2", 50, True)], D(2026, 7, 1))
    assert (j.status, j.streak, j.percent) == (TaskStatus.ON_TRACK, 0, 50)


def test_one_missed_milestone_is_lagging():
    j = derive_status(MILESTONES, [report("Q1", 25, True), report("Q2", 40, False)], D(2026, 7, 1))
    assert (j.status, j.streak) == (TaskStatus.LAGGING, 1)


def test_catching_up_later_clears_the_miss():
    reports = [report("Q1", 10, False), report("Q2", 50, True)]
    assert derive_status(MILESTONES, reports, D(2026, 7, 1)).status == TaskStatus.ON_TRACK


def test_two_misses_with_movement_stay_lagging():
    reports = [report("Q1", 25, True), report("Q2", 35, False), report("Q3", 60, False)]
    j = derive_status(MILESTONES, reports, D(2026, 10, 1))
    assert (j.status, j.streak) == (TaskStatus.LAGGING, 2)


def test_two_misses_without_movement_are_stalled():
    reports = [report("Q1", 25, True), report("Q2", 35, False), report("Q3", 35, False)]
    assert derive_status(MILESTONES, reports, D(2026, 10, 1)).status == TaskStatus.STALLED


def test_two_misses_and_no_report_are_stalled():
    reports = [report("Q1", 25, True), report("Q2", 35, False)]
    j = derive_status(MILESTONES, reports, D(2026, 10, 1))
    assert (j.status, j.streak) == (TaskStatus.STALLED, 2)


def test_hundred_percent_is_done_whatever_the_dates():
    reports = [report("Q1", 10, False), report("Q3", 100, False)]
    j = derive_status(MILESTONES, reports, D(2027, 1, 1))
    assert (j.status, j.percent) == (TaskStatus.DONE, 100)


def test_reports_given_in_any_order():
    reports = [report("Q2", 35, False), report("Q1", 25, True)]
    assert derive_status(MILESTONES, reports, D(2026, 7, 1)).percent == 35
