"""Insert new rows of several tables in one statement (PostgreSQL), or one bulk insert per table elsewhere.

A public answer is an answer row, its ratings and perhaps comments, follow-up items, a contact and flags:
five or six tables. On PostgreSQL they go in as one statement of data-modifying CTEs
(`WITH i0 AS (INSERT … VALUES …), i1 AS (INSERT …) INSERT …`), so the whole answer costs one round trip.
Foreign keys are deferred to the commit, as for every Django table on PostgreSQL, so the order inside the
statement does not matter. Values are prepared by each field exactly as the ORM's own insert prepares them.
(Measured: one array per column, `SELECT * FROM UNNEST(%s::integer[], …)`, as Django's bulk insert does for
many rows, costs twice the CPU for the handful of rows of one answer, on both sides.)
"""

from itertools import groupby

from django.db import DEFAULT_DB_ALIAS, connections

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
