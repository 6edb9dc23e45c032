"""Results of a cycle as JSON or an Excel workbook: everything a run decided (docs/formats.md, 考核结果导出).

Per unit: total, blocks, the adjustments counted in the total and those listed outside it (单列), rank, grade,
vetoes and the grade's steps; per line how it was scored; per unit and ledger category the entries claimed, the
cap and what was counted; per run its warnings (a quota that left places empty or had none …).
"""

import io
from decimal import Decimal

from jixiao.lib.excel import Sheet, write_workbook
from jixiao.scoring.models import ScoreLine
from jixiao.scoring.queries import results_of
from jixiao.scoring.types import BONUS

CENT = Decimal("0.01")
KIND_LABELS = {BONUS: "加分", "deduction": "扣分"}
# A result's `adjustment_total` and `outside_total` as every results table names them (the publication table too).
ADJUSTMENT_COLUMNS = ("加减分（计入总分）", "单列加减分（不计入总分）")


def _num(value) -> str:
    return format(value, "f") if value is not None else ""


def _points(value, sign: int = 1) -> str:
    """A stored figure (Decimal or the snapshot's string) with two decimals, signed: "5.00", "-2.00"."""
    return format((sign * Decimal(str(value))).quantize(CENT), "f")


def _ledger(adjustments: list[dict]) -> list[dict]:
    """The snapshot's ledger of a unit, one entry per category, every figure signed (+ bonus, − deduction)."""
    rows = []
    for a in adjustments:
        sign = 1 if a["kind"] == BONUS else -1
        rows.append({
            "category": a["category"], "name": a["name"], "kind": a["kind"], "kind_label": KIND_LABELS[a["kind"]],
            "outside_total": a["outside_total"], "claimed": _points(a["requested"]), "counted": _points(a["applied"]),
            "cap": _points(a["cap"]), "explanation": a["explanation"],
            "entries": [{"id": e["id"], "points": _points(abs(Decimal(e["points"])), sign), "reason": e["reason"]}
                        for e in a["entries"]],
        })
    return rows


def _lines(run) -> dict[int, list]:
    lines: dict[int, list] = {}
    for line in ScoreLine.objects.filter(run=run).order_by("id"):
        lines.setdefault(line.result_id, []).append({
            "block": line.block, "indicator": line.indicator, "name": line.name, "rule": line.rule,
            "status": line.status, "status_label": line.status_label, "points": _num(line.points),
            "max_points": _num(line.max_points.quantize(line.points)), "explanation": line.explanation})
    return lines


def as_json(runs) -> dict:
    schemes = []
    for run in runs:
        lines = _lines(run)
        units = [{
            "code": r.unit.code, "name": r.unit.name, "group": r.group.name, "total": _num(r.total),
            "blocks": {b["code"]: b["score"] for b in r.blocks}, "adjustments": _num(r.adjustment_total),
            "outside_total": _num(r.outside_total), "rank": r.rank, "group_size": r.group_size, "grade": r.grade,
            "grade_label": r.get_grade_display(), "award_eligible": r.award_eligible,
            "vetoes": r.vetoes, "grade_steps": r.grade_steps, "ledger": _ledger(r.adjustments),
            "lines": lines.get(r.pk, []),
        } for r in results_of(run)]
        schemes.append({"scheme": run.scheme.code, "name": run.scheme.name, "run": run.pk, "label": run.label,
                        "stage": run.stage, "status": run.status, "digest": run.digest,
                        "engine_version": run.engine_version, "warnings": list(run.warnings), "units": units})
    return {"cycle": runs[0].cycle.year if runs else None, "schemes": schemes}


def workbook(runs) -> bytes:
    data = as_json(runs)
    block_codes = sorted({code for s in data["schemes"] for u in s["units"] for code in u["blocks"]})
    buffer = io.BytesIO()
    write_workbook(buffer, [
        Sheet("考核结果", ["方案", "组别", "单位编码", "单位", "总分", *[f"板块{c}" for c in block_codes],
                          *ADJUSTMENT_COLUMNS, "组内排名", "等次", "评先评优资格", "一票否决"],
              _summary_rows(data, block_codes)),
        Sheet("得分明细", ["方案", "单位编码", "单位", "板块", "指标编码", "指标", "得分", "满分", "状态", "计分说明"],
              _detail_rows(data)),
        Sheet("加减分明细", ["方案", "单位编码", "单位", "加减分项目", "类型", "是否计入总分", "条数", "申报分值", "上限",
                            "计入分值", "事由"], _ledger_rows(data)),
        warnings_sheet(runs),
    ])
    return buffer.getvalue()


def warnings_sheet(runs) -> Sheet:
    """The 计算提示 sheet: each run's warnings (a quota that left places empty …); shared with the publication table."""
    return Sheet("计算提示", ["方案", "计算批次", "提示"],
                 [[run.scheme.name, run.label, warning] for run in runs for warning in run.warnings])


def _summary_rows(data: dict, block_codes: list[str]) -> list[list]:
    rows = []
    for scheme in data["schemes"]:
        for u in scheme["units"]:
            veto = "；".join(v["reason"] or v["condition"] for v in u["vetoes"])
            rows.append([scheme["name"], u["group"], u["code"], u["name"], float(u["total"]),
                         *[float(u["blocks"][c]) if c in u["blocks"] else None for c in block_codes],
                         float(u["adjustments"]), float(u["outside_total"]), u["rank"], u["grade_label"],
                         "是" if u["award_eligible"] else "否", veto])
    return rows


def _detail_rows(data: dict) -> list[list]:
    return [[scheme["name"], u["code"], u["name"], line["block"], line["indicator"], line["name"],
             float(line["points"]), float(line["max_points"]), line["status_label"], line["explanation"]]
            for scheme in data["schemes"] for u in scheme["units"] for line in u["lines"]]


def _ledger_rows(data: dict) -> list[list]:
    """One row per unit and category: its entries' sum as claimed, the cap and what counted after it."""
    return [[scheme["name"], u["code"], u["name"], row["name"], row["kind_label"],
             "单列，不计入总分" if row["outside_total"] else "计入总分", len(row["entries"]), float(row["claimed"]),
             float(row["cap"]), float(row["counted"]),
             "；".join(f"{e['reason']}（{_points(abs(Decimal(e['points'])))}）" for e in row["entries"])]
            for scheme in data["schemes"] for u in scheme["units"] for row in u["ledger"]]
