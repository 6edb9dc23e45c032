"""The before/after table names stored date-times in local time; the stored value stays beside it as code."""

from jixiao.audit import log, readable


def test_a_stored_date_time_reads_in_local_time():
    rows = readable.name_rows("results.Rectification", log.diff(
        {"closed_at": None, "status": "reported"}, {"closed_at": "2026-12-07T06:56:47.888680+00:00", "status": "closed"}))
    closed = next(row for row in rows if row["field"] == "closed_at")
    assert (closed["label"], closed["before_label"], closed["after_label"]) == ("销号时间", "", "2026-12-07 14:56")
    assert closed["after"] == "2026-12-07T06:56:47.888680+00:00"  # the stored value, shown as code beside it


def test_a_value_that_is_no_date_time_gets_no_time_label():
    rows = readable.name_rows("results.Rectification", log.diff({"closed_at": "yesterday"}, {"closed_at": ""}))
    assert (rows[0]["before_label"], rows[0]["after_label"]) == ("", "")
