"""Helpers for imports that read and write thousands of rows at once: plain parameterised INSERT / UPDATE,
and pausing the cyclic garbage collector while an import builds its rows.

Django's bulk_create builds a model instance and prepares every field of every row; for 50,000 values that
costs several times the database's own work. These helpers take tuples already in the database's form
(ids, Decimals, `connection.ops.adapt_datetimefield_value` for datetimes) and the model only for its table
and column names. The caller checks the rows first; the table's constraints still hold them. Works on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from itertools import chain

from django.db import connection

ROWS_PER_STATEMENT = 500  # at most; fewer when the backend's parameter limit asks for it


def _columns(model, names: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(model._meta.get_field(n).column) for n in names)


def insert_rows(model, names: Sequence[str], rows: Sequence[Sequence], shared: dict | None = None) -> None:
    """INSERT `rows` (tuples in the order of `names`): one executemany of multi-row statements plus one
    statement for the remainder.

    Several rows a statement is about a third less work for SQLite than one row a statement, and the query
    text is converted once for the executemany rather than once per statement. Rows per statement stay
    within the backend's parameter limit (999 on SQLite, as Django assumes).

    `shared` holds columns that take the same value in every row (the importing user, the time): on SQLite
    each statement binds them once and every row refers to them by number (`?1`), which saves a third of
    the binding work for a wide table; elsewhere they are added to each row.
    """
    if not rows:
        return
    shared = shared or {}
    if shared and connection.vendor != "sqlite":
        extra = tuple(shared.values())
        rows = [(*row, *extra) for row in rows]
        names, shared = [*names, *shared], {}
    limit = (connection.features.max_query_params or 32_766) - len(shared)
    per = max(1, min(ROWS_PER_STATEMENT, limit // len(names)))
    table = connection.ops.quote_name(model._meta.db_table)
    head = f"INSERT INTO {table} ({_columns(model, [*names, *shared])}) VALUES "  # noqa: S608
    common = list(shared.values())

    def values(count: int) -> str:
        if not shared:
            one = f"({', '.join(['%s'] * len(names))})"
            return ", ".join([one] * count)
        tail = ", ".join(f"?{i}" for i in range(1, len(shared) + 1))
        width, first = len(names), len(shared) + 1
        return ", ".join("(" + ", ".join(f"?{first + r * width + i}" for i in range(width)) + f", {tail})"
                         for r in range(count))

    full = len(rows) - len(rows) % per
    with connection.cursor() as cursor:
        if full:
            cursor.executemany(head + values(per), [common + [v for row in rows[start:start + per] for v in row]
                                                    for start in range(0, full, per)])
        if full < len(rows):
            cursor.execute(head + values(len(rows) - full), common + [v for row in rows[full:] for v in row])


def insert_grouped(model, names: Sequence[str], groups: Sequence[tuple[Sequence, Sequence[Sequence]]], *,
                   by: Sequence[str], shared: dict | None = None) -> None:
    """INSERT rows that come in groups sharing the columns `by`: each group is (its values of `by`, its rows in
    the order of `names`), e.g. a unit's values with their submission and unit.

    On SQLite a statement holds one group (or part of a large one): the group's columns are bound once with
    `shared`, each row binds only `names`. Statements of the same number of rows share one executemany.
    Elsewhere the rows go to `insert_rows` with the group's columns added to each.
    """
    if not groups:
        return
    shared = shared or {}
    if connection.vendor != "sqlite":
        insert_rows(model, [*by, *names], [(*key, *row) for key, rows in groups for row in rows], shared=shared)
        return
    common = [*shared.values()]
    fixed = len(common) + len(by)  # ?1 … ?fixed: the shared columns, then the group's
    width = len(names)
    per = max(1, min(ROWS_PER_STATEMENT, (connection.features.max_query_params - fixed) // width))
    table = connection.ops.quote_name(model._meta.db_table)
    head = f"INSERT INTO {table} ({_columns(model, [*names, *by, *shared])}) VALUES "  # noqa: S608
    tail = ", ".join(f"?{i}" for i in [*range(len(common) + 1, fixed + 1), *range(1, len(common) + 1)])
    by_count: dict[int, list[list]] = {}  # rows a statement -> the parameters of each such statement
    for key, rows in groups:
        for start in range(0, len(rows), per):
            part = rows[start:start + per]
            by_count.setdefault(len(part), []).append([*common, *key, *chain.from_iterable(part)])
    with connection.cursor() as cursor:
        for count, params in by_count.items():
            values = ", ".join("(" + ", ".join(f"?{fixed + 1 + r * width + i}" for i in range(width)) + f", {tail})"
                               for r in range(count))
            cursor.executemany(head + values, params)


def update_rows(model, names: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE by id: each row is the values of `names` followed by the id; one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(model._meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def plain_rows(model, names: Sequence[str], where_column: str, value) -> list[tuple]:
    """`SELECT names FROM model's table WHERE where_column = value` as tuples of the driver's values, without
    Django's per-value converters (decimals: see `db_decimal`)."""
    quote = connection.ops.quote_name
    sql = (f"SELECT {_columns(model, names)} FROM {quote(model._meta.db_table)} "  # noqa: S608
           f"WHERE {quote(where_column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return cursor.fetchall()


# A decimal of at most four places below this (in absolute value) has at most 15 significant digits: a float holds
# it exactly (the float's shortest repr is the decimal), and SQLite stores it as that REAL, which Django reads back,
# rounded to 15 digits, as the same decimal. Longer decimals lose digits in a float.
EXACT_FLOAT = 1e11


def is_exact_float(number: float) -> bool:
    """Whether a float is a decimal of at most four places below EXACT_FLOAT.

    That is `round(number, 4) == number` (the float is the one nearest to its four-place rounding), tested here at
    a third of its cost: below EXACT_FLOAT, number × 10⁴ lies within far less than ½ of the integer k it would be
    for such a decimal k / 10⁴, every integer below 10¹⁵ is a float, and k / 10⁴ in floats is the float nearest to
    k / 10⁴."""
    return -EXACT_FLOAT < number < EXACT_FLOAT and round(number * 10000.0) / 10000.0 == number


def sqlite_amount(value: Decimal | None) -> float | Decimal | None:
    """A DecimalField amount (at most four places) to bind on SQLite: the float SQLite stores for it when that is
    exact (below EXACT_FLOAT), else the Decimal, which SQLite stores from Django's text as before.

    Python's sqlite3 binds a float directly; for a Decimal it calls Django's adapter, whose text SQLite then parses.
    """
    if value is None:
        return None
    number = float(value)
    return number if -EXACT_FLOAT < number < EXACT_FLOAT else value


def db_decimal(value) -> Decimal:
    """A DecimalField value as the driver returns it, as a Decimal equal to what Django would give.

    PostgreSQL returns Decimals. SQLite stores decimals of up to 15 significant digits as REAL (longer ones as
    text): the shortest repr of such a float is the stored decimal itself, which is what Django's converter
    recovers by rounding to 15 digits.
    """
    if value.__class__ is float:
        return Decimal(repr(value))
    if value.__class__ is Decimal:
        return value
    return Decimal(value)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a bounded bulk job without the cyclic garbage collector — only in a process that runs nothing else
    meanwhile: the task worker and the import commands (`reporting.tasks.import_in_own_process`, the
    `import_scheme` command's `import_in_own_process`). Never in a server thread: the collector is process-wide,
    so the pause would hold for every other request the worker serves meanwhile.

    An import allocates hundreds of thousands of small objects (cells, Decimals, row dicts and tuples) that all
    stay alive until it ends; each allocation burst sets off collections that walk the whole heap and find
    nothing to free. Reference counting still frees everything as usual; the collector runs again (and
    collects any cycles left) as soon as the block ends. Nested use keeps it paused until the outermost block
    ends. The measured gains are beside each caller.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
