"""The connector's one door to the bulk path (`jixiao.api.exchange`): rows in, the import summary out.

Imported when called, so the connector's parsing and mapping load without the exchange module, and tests may
stand in for it."""


def data_value(**fields):
    """An `exchange.DataValue` (data_element, period, org_unit, value, comment, line)."""
    from jixiao.api import exchange

    return exchange.DataValue(**fields)


def import_rows(rows: list, *, user, strategy: str, dry_run: bool) -> dict:
    """`exchange.import_rows` with the connector's source, "stats"."""
    from jixiao.api import exchange

    return exchange.import_rows(rows, user=user, strategy=strategy, dry_run=dry_run, source="stats")
