"""Insert new rows of several tables in one statement (PostgreSQL), or one bulk insert per table elsewhere.

A public answer is an answer row, its ratings and perhaps comments, follow-up items, a contact and flags:
five or six tables. On PostgreSQL they go in as one statement of data-modifying CTEs
(`WITH i0 AS (INSERT … VALUES …), i1 AS (INSERT …) INSERT …`), so the whole answer costs one round trip.
Foreign keys are deferred to the commit, as for every Django table on PostgreSQL, so the order inside the
statement does not matter. Values are prepared by each field exactly as the ORM's own insert prepares them.
(Measured: one array per column, `SELECT * FROM UNNEST(%s::integer[], …)`, as Django's bulk insert does for
many rows, costs twice the CPU for the handful of rows of one answer, on both sides.)

`insert_once` goes one step further for a public answer: the code's single use, the flag counters and every
row are one statement, so a plain answer needs no transaction of its own (see its docstring).
"""

import json
from itertools import groupby

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jixiao.evaluation import guards, lookup
from jixiao.evaluation.models import Flag

AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


def _columns(model):
    return [f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type() in AUTO_FIELDS)]


def _insert_sql(conn, model, objs, params: list) -> str:
    qn = conn.ops.quote_name
    fields = _columns(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for obj in objs:
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields)
    columns = ", ".join(qn(f.column) for f in fields)
    return f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(objs))}"  # noqa: S608


def _insert_json_sql(conn, model, objs, params: list, condition: str, select: str = "") -> str:
    """`INSERT … SELECT` of the objects from one JSON parameter (`jsonb_populate_recordset` types each value
    by its column, row alias `r`), under `condition` (`WHERE EXISTS (SELECT FROM used)`: only when the code's
    use took, see `insert_once`). One parameter per table keeps the statement's
    text the same from answer to answer, so psycopg parses it once per process instead of once per answer
    (it stops caching past 50 parameters)."""
    qn = conn.ops.quote_name
    fields, table = _columns(model), qn(model._meta.db_table)
    params.append(json.dumps([{f.column: _json_value(f, obj, conn) for f in fields} for obj in objs]))
    columns = ", ".join(qn(f.column) for f in fields)
    return (f"INSERT INTO {table} ({columns}) SELECT {select or columns} "  # noqa: S608
            f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) r {condition}")


def _json_value(field, obj, conn):
    """The value the ORM would send for `field`, as JSON: numbers, texts and booleans as they are (the ORM's
    preparation returns them unchanged), bytes in bytea's hex form, dates, UUIDs and decimals as their text."""
    value = field.pre_save(obj, True)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    return str(field.get_db_prep_save(value, conn))


def insert_rows(rows: list) -> None:
    """Insert unsaved model instances (grouped by consecutive model, in order); ids are not read back."""
    conn = connections[DEFAULT_DB_ALIAS]  # resolved once: every field below asks it for its operations
    batches = [(model, list(objs)) for model, objs in groupby(rows, key=type)]
    if conn.vendor != "postgresql":
        for model, objs in batches:
            model.objects.bulk_create(objs)
    elif batches:
        params: list = []
        parts = [_insert_sql(conn, model, objs, params) for model, objs in batches]
        ctes = ", ".join(f"i{n} AS ({sql})" for n, sql in enumerate(parts[:-1]))
        with conn.cursor() as cursor:
            cursor.execute(f"WITH {ctes} {parts[-1]}" if ctes else parts[-1], params)
    for obj in rows:
        obj._state.adding, obj._state.db = False, conn.alias


def insert_once(code_id: int, day, rows: list, counted: list[guards.CountedFlag], now) -> bool:
    """Use the code and, only if that took, bump the counters and store the rows with the flags they earn.

    False (and nothing written) when the code was used or voided meanwhile. On PostgreSQL this is one
    statement — `WITH used AS (UPDATE code … WHERE used_on IS NULL), hits AS (INSERT INTO counter … ON CONFLICT
    … RETURNING), i0 AS (INSERT … WHERE EXISTS (SELECT FROM used)), … SELECT count(*) FROM used` — atomic by
    itself: a second writer of the same code waits for the row, re-checks `used_on` and changes nothing.
    Elsewhere the same steps run one by one in a transaction.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    keys = [(c.key, c.window) for c in counted]
    if conn.vendor != "postgresql":
        with transaction.atomic(savepoint=False):  # the caller's transaction, if any, is enough
            if lookup.consume_code(code_id, day) != 1:
                return False
            hits = guards.bump_many(keys, now)
            insert_rows(rows + [c.flag(hits[c.key]) for c in counted if hits[c.key] > c.limit])
        return True
    params: list = [conn.ops.adapt_datefield_value(day), code_id, False]
    used = f"used AS ({lookup.consume_sql(conn)} RETURNING 1)"
    hits = f"hits AS ({guards.bump_sql(conn, keys, now, params, only_if='used')})"
    parts = [_insert_json_sql(conn, model, list(objs), params, "WHERE EXISTS (SELECT FROM used)")
             for model, objs in groupby(rows, key=type)]
    parts += [_counted_flag_sql(conn, c, params) for c in counted]
    ctes = [used, hits] + [f"i{n} AS ({sql})" for n, sql in enumerate(parts)]
    with conn.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT count(*) FROM used", params)  # noqa: S608
        if cursor.fetchone()[0] != 1:
            return False
    for obj in rows:
        obj._state.adding, obj._state.db = False, conn.alias
    return True


def _counted_flag_sql(conn, counted: guards.CountedFlag, params: list) -> str:
    """The flag row of a counter past its limit, its detail filled with the count the statement itself made."""
    qn = conn.ops.quote_name
    flag = counted.flag(0)
    flag.detail = counted.detail  # the template: format() below puts the count in
    detail = f"left(format(r.{qn('detail')}, hits.{qn('hits')}), {Flag._meta.get_field('detail').max_length})"
    select = ", ".join(detail if f.attname == "detail" else f"r.{qn(f.column)}" for f in _columns(Flag))
    # The row only when its counter, bumped in the same statement, passed the limit.
    sql = _insert_json_sql(conn, Flag, [flag], params, f"JOIN hits ON hits.{qn('key')} = %s WHERE hits.{qn('hits')} > %s",
                           select)
    params += [counted.key, counted.limit]
    return sql
