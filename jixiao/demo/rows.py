"""Plain-row inserts for the demo's largest tables (evaluation answers, codes, comments, follow-ups).

`bulk_create` builds a model instance per row and prepares every value of every row through the ORM's
compiler; for tens of thousands of synthetic rows that is most of the seed's time. The demo knows its rows
are valid (it made them), so it hands `insert` tuples in database order and one `executemany` writes them.
Only the values whose database form differs from the Python one (dates and times, UUIDs, JSON, decimals) go
through their field's own preparation, so SQLite and PostgreSQL get exactly what the ORM would send.
"""

from django.db import connection, models

BATCH = 5000
# Values the database driver takes as they are.
PLAIN = (models.AutoField, models.BigAutoField, models.IntegerField, models.CharField, models.TextField,
         models.BooleanField)


def insert(model, names: list[str], rows: list[tuple]) -> int:
    """Insert `rows` (tuples ordered as `names`; a foreign key by its id, named by the field) into `model`'s table.

    A column not named takes its field's default (the same value for every row), as a new instance would.
    """
    fields = [model._meta.get_field(name) for name in names]
    rest = [f for f in model._meta.concrete_fields if f not in fields and not isinstance(f, models.AutoField)]
    missing = [f.name for f in rest if not f.has_default() and not f.null]
    if missing:
        raise ValueError(f"{model._meta.label}: no value and no default for {missing}")
    if rest:
        defaults = tuple(f.get_default() for f in rest)
        fields += rest
        rows = [row + defaults for row in rows]
    preps = [_prep(field) for field in fields]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    convert = [(i, prep) for i, prep in enumerate(preps) if prep is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            if convert:
                chunk = [_converted(row, convert) for row in chunk]
            cursor.executemany(sql, chunk)
    return len(rows)


def _converted(row: tuple, convert) -> tuple:
    values = list(row)
    for i, prep in convert:
        if values[i] is not None:
            values[i] = prep(values[i])
    return tuple(values)


def _prep(field):
    """None when the driver takes the value as it is, else the field's own conversion to its database form."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, PLAIN):
        return None
    return lambda value: target.get_db_prep_save(value, connection)
