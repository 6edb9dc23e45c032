"""A small statistics bureau's world for the connector's tests: indicators, a mapping table, a datanodes JSON
as the national bureau's easyquery gives it, a district bureau's workbook, and a stand-in for the bulk path
(used only by the tests that are about the connector's own reading and mapping)."""

import io
import json
import sys
import types
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

from jixiao.api.connectors import workbook
from jixiao.api.models import StatsMapping
from jixiao.indicators.models import Category, Direction, Frequency, Indicator
from jixiao.lib import excel


def indicators():
    gdp = Indicator.objects.create(code="K01", name="地区生产总值", category=Category.ECONOMIC_CORE,
                                   direction=Direction.HIGHER_BETTER, frequency=Frequency.QUARTER, measure_unit="亿元")
    retail = Indicator.objects.create(code="K02", name="社会消费品零售总额", category=Category.ECONOMIC_CORE,
                                      direction=Direction.HIGHER_BETTER, frequency=Frequency.MONTH,
                                      measure_unit="亿元")
    cpi = Indicator.objects.create(code="K03", name="居民消费价格涨幅", category=Category.ECONOMIC_CORE,
                                   direction=Direction.LOWER_BETTER, frequency=Frequency.MONTH, measure_unit="%")
    return gdp, retail, cpi


def mappings(gdp, retail, cpi):
    StatsMapping.objects.create(source="nbs", source_code="A010102", indicator=gdp, factor=Decimal(1),
                                note="地区生产总值_累计值")
    StatsMapping.objects.create(source="nbs", source_code="A070102", indicator=retail, factor=Decimal("0.0001"),
                                note="万元 → 亿元")
    StatsMapping.objects.create(source="nbs", source_code="A01030101", indicator=cpi, factor=Decimal(1))


def node(zb, sj, value, *, reg=None, hasdata=True, strdata=None):
    wds = [{"valuecode": zb, "wdcode": "zb"}]
    if reg:
        wds.append({"valuecode": reg, "wdcode": "reg"})
    wds.append({"valuecode": sj, "wdcode": "sj"})
    code = "_".join(f"{w['wdcode']}.{w['valuecode']}" for w in wds)
    shown = "" if not hasdata else (strdata if strdata is not None else str(value))
    return {"code": code, "data": {"data": value if hasdata else 0, "dotcount": 1, "hasdata": hasdata,
                                   "strdata": shown}, "wds": wds}


def easyquery(nodes, *, names=None) -> bytes:
    names = names or {"A010102": "地区生产总值_累计值(亿元)", "A070102": "社会消费品零售总额_累计值(万元)",
                      "A01030101": "居民消费价格指数(上年同月=100)"}
    wdnodes = [{"wdcode": "zb", "wdname": "指标", "nodes": [{"code": c, "cname": n, "unit": ""}
                                                           for c, n in names.items()]},
               {"wdcode": "sj", "wdname": "时间", "nodes": []}]
    body = {"returncode": 200, "returndata": {"datanodes": nodes, "wdnodes": wdnodes}}
    return json.dumps(body, ensure_ascii=False).encode()


def district_json() -> bytes:
    """A district query: GDP year to date in Q3, retail sales in 万元 for two months (one the bureau lacks)."""
    return easyquery([
        node("A010102", "2026C", 356.7),
        node("A070102", "202609", 1234567.0, strdata="1234567"),
        node("A070102", "202608", 0, hasdata=False),
        node("A01030101", "202609", 101.2),
    ])


def bureau_workbook(rows, *, header=None, sheet=workbook.DATA_SHEET) -> bytes:
    buffer = io.BytesIO()
    excel.write_workbook(buffer, [excel.Sheet(sheet, header or workbook.HEADER, rows)])
    return buffer.getvalue()


def formula_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(workbook.DATA_SHEET)
    for col, title in enumerate(workbook.HEADER):
        sheet.write_string(0, col, title)
    sheet.write_row(1, 0, ["A010102", "地区生产总值", "S01", "2026Q3"])
    sheet.write_formula(1, 4, "=300+56.7", None, 356.7)
    book.close()
    return buffer.getvalue()


@dataclass
class FakeDataValue:
    data_element: str
    period: str
    org_unit: str
    value: str | None
    comment: str = ""
    line: int = 0


class FakeBulk:
    """Stands in for jixiao.api.exchange: keeps the rows and the options it was called with, and answers as the
    bulk path would for rows it has no objection to."""

    def __init__(self):
        self.calls = []
        self.module = types.ModuleType("jixiao.api.exchange")
        self.module.DataValue = FakeDataValue
        self.module.import_rows = self.import_rows
        self.module.ExchangeError = type("ExchangeError", (Exception,), {})

    def import_rows(self, rows, *, user, strategy="create_and_update", dry_run=False, token=None, source="api"):
        self.calls.append({"rows": list(rows), "user": user, "strategy": strategy, "dry_run": dry_run,
                           "source": source})
        return {"status": "SUCCESS", "dryRun": dry_run, "strategy": strategy,
                "importCount": {"imported": len(rows), "updated": 0, "ignored": 0, "deleted": 0}, "conflicts": []}

    def install(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "jixiao.api.exchange", self.module)
        import jixiao.api as package

        monkeypatch.setattr(package, "exchange", self.module, raising=False)
        return self
