"""The national bureau's `easyquery` JSON (国家统计局数据查询): `returndata.datanodes`, each a figure keyed by its
dimensions, e.g. `zb.A01030101_reg.110105_sj.202609`:

    {"returncode": 200, "returndata": {"datanodes": [{"code": "zb.A01030101_reg.110105_sj.202609",
      "data": {"data": 123.4, "dotcount": 1, "hasdata": true, "strdata": "123.4"},
      "wds": [{"wdcode": "zb", "valuecode": "A01030101"}, {"wdcode": "reg", "valuecode": "110105"},
              {"wdcode": "sj", "valuecode": "202609"}]}],
      "wdnodes": [{"wdcode": "zb", "nodes": [{"code": "A01030101", "cname": "…", "unit": "…"}]}, …]}}

`zb` is the indicator, `reg` the region (absent from a single-region query), `sj` the period. A figure the
bureau does not have (`hasdata` false) is skipped and counted; any other dimension is a conflict, never ignored.
"""

import json

from jixiao.api.connectors import periods
from jixiao.api.connectors.records import (
    E_DIMENSION,
    E_FILE,
    E_PERIOD,
    E_VALUE,
    FileProblem,
    Parsed,
    SourceRow,
    conflict,
)
from jixiao.lib.cells import CellProblem, parse_number
from jixiao.lib.excel import MAX_ROWS

KNOWN = {"zb": "指标", "reg": "地区", "sj": "时期"}
PLACES = 10  # the bureau's figures before the factor; the product is rounded to our four places


def parse(data: bytes) -> Parsed:
    """The figures of an easyquery answer. Raises FileProblem when the file is not one."""
    body = _load(data)
    nodes, names = _datanodes(body)
    parsed = Parsed(format="nbs")
    for line, node in enumerate(nodes, start=1):
        _read_node(parsed, line, node, names)
    return parsed


def _load(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileProblem("文件不是 UTF-8 编码的 JSON，无法读取。") from exc
    except json.JSONDecodeError as exc:
        raise FileProblem(f"文件不是完整的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{_why(exc)}），可能下载"
                          "未完成或被截断，请重新下载后再导入。") from exc


def _why(exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(exc.doc.rstrip()):
        return "文件在此意外结束"
    return "此处格式有误"


def _datanodes(body) -> tuple[list, dict[str, dict[str, str]]]:
    """The datanodes and the names of the codes (wdnodes), from the answer or from its `returndata` saved alone."""
    if not isinstance(body, dict):
        raise FileProblem("文件不是国家统计局数据查询的格式：最外层应为含 returndata 的对象。")
    code = body.get("returncode", 200)
    returned = body.get("returndata", body)
    if code != 200:
        said = returned if isinstance(returned, str) else ""
        raise FileProblem(f"文件是国家统计局的出错应答（returncode {str(code)[:10]}）{('：' + said[:100]) if said else ''}，"
                          "没有数据，请重新查询后导出。")
    nodes = returned.get("datanodes") if isinstance(returned, dict) else None
    if not isinstance(nodes, list):
        raise FileProblem("文件不是国家统计局数据查询的格式：找不到 returndata.datanodes 数据列表。")
    if len(nodes) > MAX_ROWS:
        raise FileProblem(f"文件含 {len(nodes)} 条数据，超过单次导入上限 {MAX_ROWS} 条，请分批导出。")
    return nodes, _names(returned.get("wdnodes"))


def _names(wdnodes) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for dimension in wdnodes if isinstance(wdnodes, list) else []:
        if isinstance(dimension, dict) and isinstance(dimension.get("nodes"), list):
            names[str(dimension.get("wdcode"))] = {
                str(n.get("code")): str(n.get("cname") or n.get("name") or "")
                for n in dimension["nodes"] if isinstance(n, dict)}
    return names


def _read_node(parsed: Parsed, line: int, node, names) -> None:
    parsed.records += 1
    dimensions = _dimensions(parsed, line, node)
    if dimensions is None:
        return
    data = node.get("data")
    if not isinstance(data, dict):
        parsed.conflicts.append(conflict(line, "value", E_VALUE, "", f"第 {line} 条数据缺少 data（数值）。"))
        return
    if data.get("hasdata") is False:
        parsed.skipped += 1
        return
    zb, sj = dimensions["zb"], dimensions["sj"]
    try:
        period = periods.from_nbs(sj)
    except periods.PeriodProblem as problem:
        parsed.conflicts.append(conflict(line, "period", E_PERIOD, sj, f"第 {line} 条数据（{zb}）：{problem}。"))
        return
    try:
        value = _value(data)
    except CellProblem as problem:
        parsed.conflicts.append(conflict(line, "value", E_VALUE, data.get("strdata", data.get("data")),
                                         f"第 {line} 条数据（{zb}，{sj}）的数值{problem}。"))
        return
    if value is None:
        parsed.skipped += 1
        return
    parsed.rows.append(SourceRow(line=line, code=zb, region=dimensions.get("reg", ""), period=period, value=value,
                                 name=names.get("zb", {}).get(zb, "")))


def _dimensions(parsed: Parsed, line: int, node) -> dict[str, str] | None:
    """A datanode's dimensions by wdcode ({"zb": …, "sj": …, "reg": …}), or None after recording its conflict."""
    if not isinstance(node, dict):
        parsed.conflicts.append(conflict(line, "file", E_FILE, "", f"第 {line} 条数据不是对象，无法读取。"))
        return None
    wds = node.get("wds")
    if isinstance(wds, list) and wds:
        pairs = [(str(w.get("wdcode", "")), str(w.get("valuecode", ""))) for w in wds if isinstance(w, dict)]
    else:  # no wds: the key says the same, zb.A01030101_reg.110105_sj.202609
        pairs = [tuple(part.split(".", 1)) if "." in part else (part, "")
                 for part in str(node.get("code", "")).split("_") if part]
    dimensions = dict(pairs)
    key = str(node.get("code", ""))[:60]
    unknown = [code for code, _ in pairs if code not in KNOWN]
    if unknown:
        parsed.conflicts.append(conflict(line, "file", E_DIMENSION, unknown[0],
                                         f"第 {line} 条数据（{key}）含未知维度“{unknown[0][:20]}”：本平台只识别 "
                                         "zb（指标）、reg（地区）、sj（时期），请按指标、地区、时期重新导出。"))
        return None
    missing = [KNOWN[code] for code in ("zb", "sj") if not dimensions.get(code)]
    if missing:
        parsed.conflicts.append(conflict(line, "file", E_DIMENSION, key,
                                         f"第 {line} 条数据（{key or '无编码'}）缺少{'、'.join(missing)}维度。"))
        return None
    return dimensions


def _value(data: dict):
    """The figure: `strdata` as the bureau printed it (exact), else the number `data`; None when empty."""
    text = data.get("strdata")
    if isinstance(text, str) and text.strip():
        return parse_number(text, places=PLACES)
    raw = data.get("data")
    if raw is None or raw == "":
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    return parse_number(raw, places=PLACES)
