"""The bulk value formats of `/api/v1/datavaluesets` (docs/api_values.md): JSON, CSV and ADX XML in, JSON and CSV
out, as DHIS2's dataValueSets names the fields. Each reader turns a body into `exchange.DataValue`s with the line
(CSV), position (JSON, from 1) or element number (ADX) a conflict names; a body that cannot be read at all raises
`FormatError` (400), with nothing written."""

import csv
import io
import json
from dataclasses import dataclass
from xml.parsers import expat

JSON, CSV, ADX = "application/json", "text/csv", "application/adx+xml"
KINDS = {"application/json": JSON, "text/csv": CSV, "application/csv": CSV, "application/adx+xml": ADX,
         "application/xml": ADX, "text/xml": ADX}
CSV_COLUMNS = ["dataelement", "period", "orgunit", "value", "comment"]


class FormatError(ValueError):
    """A body that is not the format it claims (Chinese, for the caller); `code` names it for programs."""

    def __init__(self, message: str, code: str = "E_FORMAT"):
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class DataValue:
    """One value of an exchange: identifiers by code (idScheme=code), the period in any form `exchange.parse_period`
    reads, the value as text (None or "": empty), and where in the body it stood."""

    data_element: str
    period: str
    org_unit: str
    value: str | None
    comment: str = ""
    line: int = 0


def kind_of(content_type: str) -> str:
    """The format a Content-Type names (its parameters ignored), or FormatError (415's message)."""
    kind = KINDS.get((content_type or "").split(";")[0].strip().lower())
    if kind is None:
        raise FormatError(f"不支持的数据格式“{content_type or '（未注明）'}”：请使用 application/json、text/csv 或 "
                          "application/adx+xml。", "E_CONTENT_TYPE")
    return kind


def read(body: bytes, content_type: str) -> list[DataValue]:
    kind = kind_of(content_type)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError("请求内容不是 UTF-8 编码的文本。", "E_ENCODING") from None
    return {JSON: read_json, CSV: read_csv, ADX: read_adx}[kind](text)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _value(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | dict | list):
        return json.dumps(value, ensure_ascii=False)  # read back as a wrong figure, named in its conflict
    return repr(value) if isinstance(value, float) else str(value)


def read_json(text: str) -> list[DataValue]:
    """`{"dataValues": [{"dataElement", "period", "orgUnit", "value", "comment"}, …]}`; a set-wide `period`,
    `orgUnit` or `dataElement` fills the values that leave it out, as in DHIS2."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"JSON 格式错误（第 {error.lineno} 行第 {error.colno} 列）：内容不完整或有语法错误，"
                          "未写入任何数据。", "E_JSON") from None
    rows = document.get("dataValues") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise FormatError("JSON 中缺少数组 dataValues。", "E_JSON")
    shared = {key: _text(document.get(key)) for key in ("dataElement", "period", "orgUnit")}
    if not all(isinstance(row, dict) for row in rows):
        line = next(i for i, row in enumerate(rows, start=1) if not isinstance(row, dict))
        raise FormatError(f"dataValues 第 {line} 项不是对象。", "E_JSON")
    # One comprehension, the usual string fields read inline: a function call a field cost a third of the read.
    de, pe, ou = shared["dataElement"], shared["period"], shared["orgUnit"]
    found = [DataValue(a.strip() if (a := row.get("dataElement")).__class__ is str else _text(a) or de,
                       b.strip() if (b := row.get("period")).__class__ is str else _text(b) or pe,
                       c.strip() if (c := row.get("orgUnit")).__class__ is str else _text(c) or ou,
                       v if (v := row.get("value")) is None or v.__class__ is str else _value(v),
                       m.strip() if (m := row.get("comment")).__class__ is str else _text(m), line)
             for line, row in enumerate(rows, start=1)]
    if de or pe or ou:  # a set-wide identifier fills the values that leave it out (or leave it empty)
        for value in found:
            value.data_element, value.period = value.data_element or de, value.period or pe
            value.org_unit = value.org_unit or ou
    return found


def read_csv(text: str) -> list[DataValue]:
    """A header row naming the columns (any case, any order: dataelement, period, orgunit, value[, comment]) and a
    row a value. A truncated file (an unterminated quote, a row shorter than the header) is refused whole."""
    if text.count('"') % 2:
        raise FormatError("CSV 文件不完整：有未闭合的引号（文件可能在上传中被截断），未写入任何数据。", "E_CSV_TRUNCATED")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in CSV_COLUMNS[:4] if c not in header]
        if missing:
            raise FormatError(f"CSV 表头缺少列：{'、'.join(missing)}（应为 dataelement,period,orgunit,value,comment）。",
                              "E_CSV_HEADER")
        at = [header.index(c) if c in header else None for c in CSV_COLUMNS]
        found = []
        for row in reader:
            if not row or row == [""]:
                continue
            if len(row) < len(header):
                raise FormatError(f"CSV 第 {reader.line_num} 行只有 {len(row)} 列，表头有 {len(header)} 列：文件可能"
                                  "在上传中被截断，未写入任何数据。", "E_CSV_TRUNCATED")
            cells = [row[i].strip() if i is not None else "" for i in at]
            found.append(DataValue(cells[0], cells[1], cells[2], cells[3], cells[4], reader.line_num))
    except csv.Error as error:
        raise FormatError(f"CSV 第 {reader.line_num} 行格式错误（{error}），未写入任何数据。", "E_CSV") from None
    return found


def read_adx(text: str) -> list[DataValue]:
    """ADX: `<adx><group orgUnit= period="2026-07-01/P1M" dataSet=…><dataValue dataElement= value=/></group></adx>`.

    Read with expat as a stream of elements. A document type, an entity declaration or an external entity is
    refused where it appears (ADX needs none; expanding or fetching them is how XML bombs and external-entity
    reads work), as defusedxml does, which the project does not depend on."""
    found: list[DataValue] = []
    state = {"group": None, "depth": 0, "root": None}

    def start(tag, attributes):
        name = _local(tag)
        state["depth"] += 1
        if state["root"] is None:
            state["root"] = name
            if name != "adx":
                raise FormatError("不是 ADX 文件：根元素应为 <adx>。", "E_XML")
        elif name == "group" and state["depth"] == 2:
            state["group"] = attributes
        elif name == "dataValue" and state["group"] is not None and state["depth"] == 3:
            group = state["group"]
            found.append(DataValue(_text(attributes.get("dataElement")), _text(group.get("period")),
                                   _text(group.get("orgUnit")), attributes.get("value"),
                                   _text(attributes.get("comment")), len(found) + 1))

    def end(tag):
        state["depth"] -= 1
        if state["depth"] == 1:
            state["group"] = None

    def refuse(*_args):
        raise FormatError("ADX 文件不能含有文档类型声明（DOCTYPE）或实体定义。", "E_XML")

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise FormatError(f"ADX（XML）格式错误（{expat.errors.messages[error.code]}，第 {error.lineno} 行）："
                          "内容不完整或有语法错误，未写入任何数据。", "E_XML") from None
    if state["root"] is None:
        raise FormatError("ADX 文件为空。", "E_XML")
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def write_csv(values: list[dict], deletions: list[dict]) -> str:
    """A delta export as CSV: the values, then each deletion as a row with `deleted` set."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dataelement", "period", "orgunit", "value", "comment", "lastupdated", "deleted"])
    for v in values:
        writer.writerow([v["dataElement"], v["period"], v["orgUnit"], v["value"] or "", v["comment"],
                         v["lastUpdated"] or "", ""])
    for d in deletions:
        writer.writerow([d["dataElement"], d["period"], d["orgUnit"], "", "", d["deleted"], "true"])
    return out.getvalue()
