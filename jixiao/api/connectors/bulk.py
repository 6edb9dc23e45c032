"""The connector's one door to the bulk path (`jixiao.api.exchange`): rows in, the import summary out.

Imported when called, so the connector's parsing and mapping load without the exchange module, and tests about
the connector's own reading may stand in for it."""

from jixiao.api.connectors.records import ImportRefused


def data_value(**fields):
    """An `exchange.DataValue` (data_element, period, org_unit, value, comment, line)."""
    from jixiao.api import exchange

    return exchange.DataValue(**fields)


def import_rows(rows: list, *, user, strategy: str, dry_run: bool) -> dict:
    """`exchange.import_rows` with the connector's source, "stats". Raises ImportRefused when the bulk path refuses
    the request whole (a role that may not write values, an unknown strategy)."""
    from jixiao.api import exchange

    try:
        return exchange.import_rows(rows, user=user, strategy=strategy, dry_run=dry_run, source="stats")
    except exchange.ExchangeError as error:
        raise ImportRefused(str(error)) from error
