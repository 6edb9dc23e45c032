"""The look-up and the single use of an invitation code, as statements written once per process.

Every code check and every public submission starts here. Compiling the same four-table select with its
subquery through the ORM costs more CPU than the database needs to answer it, so the statement is assembled
once from the models' metadata and the rows are turned into model instances with the converters the ORM
itself would apply (dates and times, booleans, decimals on SQLite). The columns follow the models, so a new
field needs no change here.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections

from jixiao.evaluation.models import Campaign, InvitationCode, Questionnaire, RaterGroup
from jixiao.org.models import Unit


class _Reader:
    """Columns of one model under a table alias, and how to turn them back into an instance."""

    def __init__(self, model, alias: str):
        fields = model._meta.concrete_fields
        qn = connection.ops.quote_name
        self.model, self.size = model, len(fields)
        self.names = [f.attname for f in fields]
        self.columns = [f"{alias}.{qn(f.column)}" for f in fields]
        self.converters = []
        for index, f in enumerate(fields):
            col = f.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((index, found, col))

    def build(self, values, conn):
        values = list(values)
        for index, found, col in self.converters:
            for convert in found:
                values[index] = convert(values[index], col, conn)
        return self.model.from_db(conn.alias, self.names, values)


class _Statement:
    def __init__(self):
        qn = connection.ops.quote_name
        self.code, self.campaign = _Reader(InvitationCode, "c"), _Reader(Campaign, "k")
        self.group, self.unit = _Reader(RaterGroup, "g"), _Reader(Unit, "u")
        columns = self.code.columns + self.campaign.columns + self.group.columns + self.unit.columns
        table = {m: qn(m._meta.db_table) for m in (InvitationCode, Campaign, RaterGroup, Unit, Questionnaire)}
        # Only quoted table and column names go into the text; the digest is a parameter.
        newest = (f"(SELECT q.{qn('id')} FROM {table[Questionnaire]} q WHERE q.{qn('rater_group_id')} = "  # noqa: S608
                  f"c.{qn('rater_group_id')} ORDER BY q.{qn('version')} DESC LIMIT 1)")
        self.sql = (
            f"SELECT {', '.join(columns)}, {newest} FROM {table[InvitationCode]} c "  # noqa: S608
            f"JOIN {table[Campaign]} k ON k.{qn('id')} = c.{qn('campaign_id')} "
            f"JOIN {table[RaterGroup]} g ON g.{qn('id')} = c.{qn('rater_group_id')} "
            f"LEFT JOIN {table[Unit]} u ON u.{qn('id')} = c.{qn('unit_id')} "
            f"WHERE c.{qn('digest')} = %s")
        self.in_campaign = self.sql + f" AND c.{qn('campaign_id')} = %s"
        # The single use of a code: PostgreSQL's second writer waits for the row and re-checks the condition.
        self.consume = (f"UPDATE {table[InvitationCode]} SET {qn('used_on')} = %s WHERE {qn('id')} = %s "  # noqa: S608
                        f"AND {qn('used_on')} IS NULL AND {qn('voided')} = %s")

    def run(self, conn, digest: str, campaign_id: int | None):
        with conn.cursor() as cursor:
            if campaign_id is None:
                cursor.execute(self.sql, [digest])
            else:
                cursor.execute(self.in_campaign, [digest, campaign_id])
            row = cursor.fetchone()
        if row is None:
            return None, None
        parts, start = [], 0
        for reader in (self.code, self.campaign, self.group, self.unit):
            parts.append(row[start:start + reader.size])
            start += reader.size
        code = self.code.build(parts[0], conn)
        code.campaign, code.rater_group = self.campaign.build(parts[1], conn), self.group.build(parts[2], conn)
        code.unit = self.unit.build(parts[3], conn) if code.unit_id is not None else None
        return code, row[-1]


_statements: dict[str, _Statement] = {}


def _statement(conn) -> _Statement:
    statement = _statements.get(conn.vendor)
    if statement is None:
        statement = _statements[conn.vendor] = _Statement()
    return statement


def find_code(digest: str, campaign_id: int | None = None) -> tuple[InvitationCode | None, int | None]:
    """The code with its campaign, rater group and department, and its group's current questionnaire id."""
    conn = connections[DEFAULT_DB_ALIAS]  # resolved once: the converters ask it for its settings
    return _statement(conn).run(conn, digest, campaign_id)


def consume_sql(conn) -> str:
    """The single use's `UPDATE`; parameters: the day (adapted), the code's id, False."""
    return _statement(conn).consume


def consume_code(code_id: int, day) -> int:
    """Mark an unused, valid code as used on `day`; the number of rows changed (1, or 0 when it was taken)."""
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        cursor.execute(_statement(conn).consume, [conn.ops.adapt_datefield_value(day), code_id, False])
        return cursor.rowcount
