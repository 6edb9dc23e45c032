"""Results of a cycle as JSON or an Excel workbook (per unit: total, blocks, rank, grade, veto; per line why)."""

import io

from jixiao.lib.excel import Sheet, write_workbook
from jixiao.scoring.models import ScoreLine
from jixiao.scoring.queries import results_of


def _num(value) -> str:
    return format(value, "f") if value is not None else ""


def as_json(runs) -> dict:
    schemes = []
    for run in runs:
        lines: dict[int, list] = {}
        for line in ScoreLine.objects.filter(run=run).order_by("id"):
            lines.setdefault(line.result_id, []).append({
                "block": line.block, "indicator": line.indicator, "name": line.name, "rule": line.rule,
                "status": line.status, "status_label": line.status_label, "points": _num(line.points), "max_points": _num(line.max_points.quantize(
                    line.points)), "explanation": line.explanation})
        units = [{
            "code": r.unit.code, "name": r.unit.name, "group": r.group.name, "total": _num(r.total),
            "blocks": {b["code"]: b["score"] for b in r.blocks}, "adjustments": _num(r.adjustment_total),
            "outside_total": _num(r.outside_total), "rank": r.rank, "group_size": r.group_size, "grade": r.grade,
            "grade_label": r.get_grade_display(), "award_eligible": r.award_eligible,
            "vetoes": r.vetoes, "grade_steps": r.grade_steps, "lines": lines.get(r.pk, []),
        } for r in results_of(run)]
        schemes.append({"scheme": run.scheme.code, "name": run.scheme.name, "run": run.pk, "stage": run.stage,
                        "status": run.status, "digest": run.digest, "engine_version": run.engine_version,
                        "units": units})
    return {"cycle": runs[0].cycle.year if runs else None, "schemes": schemes}


def workbook(runs) -> bytes:
    data = as_json(runs)
    summary, details = [], []
    block_codes = sorted({code for s in data["schemes"] for u in s["units"] for code in u["blocks"]})
    for scheme in data["schemes"]:
        for u in scheme["units"]:
            veto = "；".join(v["reason"] or v["condition"] for v in u["vetoes"])
            summary.append([scheme["name"], u["group"], u["code"], u["name"], float(u["total"]),
                            *[float(u["blocks"][c]) if c in u["blocks"] else None for c in block_codes],
                            float(u["adjustments"]), u["rank"], u["grade_label"],
                            "是" if u["award_eligible"] else "否", veto])
            for line in u["lines"]:
                details.append([scheme["name"], u["code"], u["name"], line["block"], line["indicator"], line["name"],
                                float(line["points"]), float(line["max_points"]), line["status_label"],
                                line["explanation"]])
    buffer = io.BytesIO()
    write_workbook(buffer, [
        Sheet("考核结果", ["方案", "组别", "单位编码", "单位", "总分", *[f"板块{c}" for c in block_codes], "加减分",
                          "组内排名", "等次", "评先评优资格", "一票否决"], summary),
        Sheet("得分明细", ["方案", "单位编码", "单位", "板块", "指标编码", "指标", "得分", "满分", "状态", "计分说明"], details),
    ])
    return buffer.getvalue()
