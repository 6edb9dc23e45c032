"""Our median, MAD and modified z against a real published benchmarking table (Oflog, England; see data/README.md)."""

import csv
from decimal import Decimal as D
from pathlib import Path

from jixiao.analysis import stats

DATA = Path(__file__).parent / "data" / "oflog_asc_carer_qol_2016_17.csv"


def rows():
    with DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def values():
    return {row["la_code"]: D(row["value"]) if row["value"] else None for row in rows()}


def test_the_table_is_whole():
    data = rows()
    assert len(data) == 152 and len({row["la_code"] for row in data}) == 152
    assert {row["median"] for row in data} == {"7.6"}


def test_our_median_is_the_published_one_and_the_missing_council_is_not_counted():
    c = stats.compare(values(), stats.HIGHER_BETTER)
    assert c.missing == ("E06000053",)  # Isles of Scilly: no value, listed apart
    assert c.size == 151
    assert c.median == D("7.6")  # Oflog's MEDIAN column
    # counted as 0 it would drag the mean: the mean is of the 151 values only
    assert c.mean == sum(v for v in values().values() if v is not None) / 151


def test_every_published_distance_from_the_median_is_ours():
    pool = [v for v in values().values() if v is not None]
    middle, spread = stats.median(pool), stats.mad(pool)
    assert spread == D("0.3")  # Enfield: (7.7 − 7.6) / MAD = 0.3333 → MAD = 0.3
    for row in rows():
        if not row["value"]:
            continue
        ours = (D(row["value"]) - middle) / spread
        assert abs(ours - D(row["mads_from_median"])) < D("0.000001"), row["la_name"]
        modified = stats.modified_z(D(row["value"]), pool).value
        assert abs(modified - stats.IGLEWICZ_HOAGLIN * D(row["mads_from_median"])) < D("0.000001")


def test_ranks_follow_the_published_direction():
    c = stats.compare(values(), stats.HIGHER_BETTER)  # rank_order "desc": higher is better
    assert c.best == ("E06000001",) and c.best_value == D("8.9")  # Hartlepool, 4.33 MADs above the median
    # three councils share the lowest value 6.8: 149th place each, by competition ranking (148 better)
    last = [s for s in c.standings if s.value == D("6.8")]
    assert len(last) == 3 and {s.rank for s in last} == {149}
