"""Counters in the database for rate limits and for spotting bursts and same-source floods.

Django's default cache (locmem) lives in one process, and granian runs several workers: a limit kept there
would multiply by the worker count. The counters therefore live in a small table (`Counter`), one row per key
and fixed window, so every worker sees the same figure. A bump is one statement, `INSERT … ON CONFLICT DO
UPDATE … RETURNING hits` (PostgreSQL and SQLite ≥ 3.35 alike): no read-after-write, no savepoint for the first
hit. Several keys are bumped in one statement, in key order, so two requests never lock them in opposite order.
On PostgreSQL the table is UNLOGGED (migration 0003): a bump writes no WAL, so a rate-limit check outside a
transaction costs no disk flush; after a crash the counters start again from zero, which only forgets the
current windows.
"""

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from jixiao.evaluation import privacy
from jixiao.evaluation.models import Counter, Flag, FlagKind

# Public channel limits (per client-address bucket and per phone key).
ADDRESS_LIMIT, ADDRESS_WINDOW = 60, 600  # requests that check or submit a code, per 10 minutes
PHONE_LIMIT, PHONE_WINDOW = 5, 3600  # submissions giving the same phone number, per hour
# Flags.
MIN_DWELL_SECONDS = 5  # faster than this is refused outright: no person reads the form that fast
SPEEDER_SECONDS_PER_RATING, SPEEDER_MIN_SECONDS = 3, 15
STRAIGHT_MIN_RATINGS = 8
DUPLICATE_MIN_RATINGS = 8
BURST_LIMIT, BURST_WINDOW = 20, 600  # answers for one group (and department) in 10 minutes
SAME_SOURCE_LIMIT, SAME_SOURCE_WINDOW = 10, 3600  # answers from one address bucket in an hour
KEEP_COUNTERS = datetime.timedelta(days=2)


def window_start(now: datetime.datetime, seconds: int) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def bump(key: str, seconds: int, now: datetime.datetime | None = None) -> int:
    """Count one hit for `key` in the current window and return the window's total."""
    return bump_many([(key, seconds)], now)[key]


def bump_many(keys: list[tuple[str, int]], now: datetime.datetime | None = None) -> dict[str, int]:
    """Count one hit for each (key, window seconds) in one statement; returns key → the window's total."""
    conn, params = connections[DEFAULT_DB_ALIAS], []
    sql = bump_sql(conn, keys, now or timezone.now(), params)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def bump_sql(conn, keys: list[tuple[str, int]], now: datetime.datetime, params: list, only_if: str = "") -> str:
    """The upsert of `bump_many` (returning key, hits), its parameters appended to `params`; with `only_if`
    (a CTE's name, PostgreSQL) it bumps only when that CTE returned a row."""
    rows = sorted({key: window_start(now, seconds) for key, seconds in keys}.items())
    table, qn = Counter._meta.db_table, conn.ops.quote_name
    params += [p for key, start in rows for p in (key, conn.ops.adapt_datetimefield_value(start))]
    k, w, h = qn("key"), qn("window_start"), qn("hits")  # only quoted names and placeholders go into the text
    if only_if:
        values = ", ".join(["(%s::varchar, %s::timestamptz)"] * len(rows))
        source = f"SELECT v.*, 1 FROM (VALUES {values}) v WHERE EXISTS (SELECT FROM {only_if}) ORDER BY 1"  # noqa: S608
    else:
        source = "VALUES " + ", ".join(["(%s, %s, 1)"] * len(rows))
    return (f"INSERT INTO {qn(table)} ({k}, {w}, {h}) {source} ON CONFLICT ({k}, {w}) "  # noqa: S608
            f"DO UPDATE SET {h} = {qn(table)}.{h} + 1 RETURNING {k}, {h}")


@dataclass
class CountedFlag:
    """A flag an answer earns when a counter bumped with it passes its limit; `detail` has %s for the count."""

    key: str
    window: int
    limit: int
    kind: str
    detail: str
    answer: object
    day: datetime.date

    def flag(self, hits: int) -> Flag:
        return Flag(answer=self.answer, campaign_id=self.answer.campaign_id, kind=self.kind,
                    detail=(self.detail % hits)[:200], created_on=self.day)


def over(key: str, limit: int, seconds: int, now: datetime.datetime | None = None) -> bool:
    return bump(key, seconds, now) > limit


def purge(now: datetime.datetime | None = None) -> int:
    """Forget windows older than two days."""
    deleted, _ = Counter.objects.filter(window_start__lt=(now or timezone.now()) - KEEP_COUNTERS).delete()
    return deleted


def content_flags(values: dict, seconds: int | None) -> list[tuple[str, str]]:
    """Flags that follow from the answer alone: (kind, Chinese detail)."""
    flags = []
    count = len(values)
    if seconds is not None:
        expected = max(SPEEDER_MIN_SECONDS, SPEEDER_SECONDS_PER_RATING * count)
        if seconds < expected:
            flags.append((FlagKind.SPEEDER, f"{count} 项评分仅用时 {seconds} 秒（低于 {expected} 秒）"))
    if count >= STRAIGHT_MIN_RATINGS and len(set(values.values())) == 1:
        flags.append((FlagKind.STRAIGHT, f"{count} 项评分全部相同"))
    return flags


def address_over_limit(ip: str | None, now: datetime.datetime | None = None) -> bool:
    """Count a code check or submission from this client address (bucketed under the day's salt) against the
    public channel's limit; shared by every public form that takes a code."""
    now = now or timezone.now()
    bucket = privacy.address_bucket(ip, timezone.localdate(now))
    return over(f"ip:{bucket}", ADDRESS_LIMIT, ADDRESS_WINDOW, now)
