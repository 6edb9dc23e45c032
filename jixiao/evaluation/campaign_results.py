"""Campaign results: one aggregate query feeds the pure satisfaction arithmetic in satisfaction.py.

`block_scores(cycle)` is what the scoring engine's evaluation block reads: department id → satisfaction
(0–100, Decimal). Excluded answers never count; answers still waiting for review do.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from jixiao.evaluation import satisfaction
from jixiao.evaluation.models import Answer, Campaign, Dimension, Flag, FlagStatus, RaterGroup, Rating
from jixiao.lib.excel import Sheet, write_workbook
from jixiao.org.models import Unit


@dataclass
class CampaignResults:
    campaign: Campaign
    groups: list[RaterGroup]
    dimensions: list[Dimension]
    units: list[Unit]
    scores: dict[int, satisfaction.UnitScore]
    history: dict[int, dict[int, Decimal | None]]  # unit id -> {year: score}
    years: list[int]
    pending_flags: int

    def rows(self):
        """Departments ranked by score (unscored last), each with its score object and history."""
        ranked = sorted(self.units, key=lambda u: (self.scores.get(u.pk) is None or self.scores[u.pk].score is None,
                                                   -(self.scores[u.pk].score or 0) if u.pk in self.scores else 0,
                                                   u.sort_order))
        return [(rank, unit, self.scores.get(unit.pk), self.history.get(unit.pk, {}))
                for rank, unit in enumerate(ranked, start=1)]

    def table(self) -> list[dict]:
        """Rows for a page: lists aligned with `dimensions`, `groups` and `years`."""
        out = []
        for rank, unit, score, history in self.rows():
            scored = score is not None and score.score is not None
            last = history.get(self.years[-1]) if self.years else None
            groups = []
            for g in self.groups:
                gs = score.groups.get(g.pk) if score else None
                groups.append({"raters": gs.raters if gs else 0, "score": gs.score if gs and gs.counted else None,
                               "hidden": bool(gs and not gs.counted)})
            out.append({
                "rank": rank if scored else None, "unit": unit, "score": score.score if scored else None,
                "raters": score.raters if score else 0, "explanation": score.explanation if score else "",
                "dimensions": [score.dimensions.get(d.pk) if scored else None for d in self.dimensions],
                "groups": groups, "history": [history.get(y) for y in self.years],
                "delta": (score.score - last) if scored and last is not None else None,
            })
        return out


def cells(campaign: Campaign) -> list[satisfaction.Cell]:
    # The campaign's excluded answers are few: an anti-join on them reads only the campaign's ratings. Joining
    # every rating to its answer made PostgreSQL hash every answer of the installation once per campaign
    # (bench/province.py: 2,000,000 answers in 100 districts' campaigns).
    excluded = Answer.objects.filter(campaign=campaign, excluded=True).values("pk")
    rows = (Rating.objects.filter(campaign=campaign).exclude(answer__in=excluded)
            .values_list("unit_id", "rater_group_id", "dimension_id")
            .annotate(total=Sum("value"), n=Count("id")).order_by())
    return [satisfaction.Cell(u, g, d, int(total), int(n)) for u, g, d, total, n in rows]


def specs(groups) -> list[satisfaction.GroupSpec]:
    return [satisfaction.GroupSpec(g.pk, g.name, g.weight) for g in groups]


def unit_scores(campaign: Campaign) -> dict[int, satisfaction.UnitScore]:
    groups = list(campaign.groups.all())
    return satisfaction.compute(cells(campaign), specs(groups))


def campaign_results(campaign: Campaign, *, history_years: int = 5) -> CampaignResults:
    groups = list(campaign.groups.all())
    scores = satisfaction.compute(cells(campaign), specs(groups))
    earlier = list(Campaign.objects.filter(assessing_unit_id=campaign.assessing_unit_id, purpose=campaign.purpose,
                                           cycle__year__lt=campaign.cycle.year)
                   .select_related("cycle").order_by("-cycle__year")[:history_years])
    history: dict[int, dict[int, Decimal | None]] = {}
    for past in reversed(earlier):
        for unit_id, result in unit_scores(past).items():
            history.setdefault(unit_id, {})[past.cycle.year] = result.score
    return CampaignResults(
        campaign=campaign, groups=groups, dimensions=list(campaign.dimensions.all()),
        units=list(campaign.units.order_by("sort_order", "code")), scores=scores, history=history,
        years=[c.cycle.year for c in reversed(earlier)],
        pending_flags=Flag.objects.filter(campaign=campaign, status=FlagStatus.PENDING)
        .values("answer_id").distinct().count(),
    )


def block_scores(cycle, assessing_unit=None) -> dict[int, Decimal]:
    """Department id → weighted satisfaction (0–100) of the cycle's campaign, for the scoring engine.

    Departments without any counted group are left out: the engine decides what a missing score means.
    """
    campaigns = Campaign.objects.satisfaction().filter(cycle=cycle)
    if assessing_unit is not None:
        campaigns = campaigns.filter(assessing_unit=assessing_unit)
    out: dict[int, Decimal] = {}
    for campaign in campaigns:
        for unit_id, result in unit_scores(campaign).items():
            if result.score is not None:
                out[unit_id] = result.score
    return out


def as_json(results: CampaignResults) -> dict:
    """The per-department scores as plain JSON (the `evaluation_results --json` output)."""
    dims = {d.pk: d.name for d in results.dimensions}
    groups = {g.pk: g.name for g in results.groups}
    departments = []
    for rank, unit, score, history in results.rows():
        entry = {"rank": rank if score and score.score is not None else None, "code": unit.code, "name": unit.name,
                 "score": _num(score.score) if score else None, "raters": score.raters if score else 0,
                 "dimensions": {dims[d]: _num(v) for d, v in score.dimensions.items()} if score else {},
                 "groups": {}, "history": {str(y): _num(v) for y, v in history.items()}}
        if score:
            for gid, gs in score.groups.items():
                entry["groups"][groups[gid]] = ({"raters": gs.raters, "score": _num(gs.score)} if gs.counted
                                                else {"raters": gs.raters, "score": None, "note": "不足5份，不单独显示"})
        departments.append(entry)
    campaign = results.campaign
    return {"cycle": campaign.cycle.year, "campaign": campaign.name, "status": campaign.status,
            "scale": campaign.scale, "min_raters": satisfaction.MIN_RATERS,
            "weights": {g.name: _num(g.weight) for g in results.groups}, "pending_review": results.pending_flags,
            "departments": departments}


def _num(value):
    return float(value) if value is not None else None


def workbook(results: CampaignResults) -> bytes:
    """The results as .xlsx: one sheet of departments, one of department × group × dimension."""
    header = ["名次", "单位编码", "单位名称", "满意度", *[d.name for d in results.dimensions],
              *[g.name for g in results.groups], *[f"{y}年" for y in results.years], "计算说明"]
    rows = []
    for rank, unit, score, history in results.rows():
        scored = score is not None and score.score is not None
        row = [rank if scored else None, unit.code, unit.name, _num(score.score) if scored else None]
        row += [_num(score.dimensions.get(d.pk)) if scored else None for d in results.dimensions]
        row += [_group_cell(score, g) for g in results.groups]
        row += [_num(history.get(y)) for y in results.years]
        row.append(score.explanation if score else "尚无答卷")
        rows.append(row)
    detail = []
    for _, unit, score, _ in results.rows():
        for g in results.groups:
            gs = score.groups.get(g.pk) if score else None
            if gs is None:
                continue
            detail.append([unit.code, unit.name, g.name, float(g.weight), gs.raters,
                           *[_num(gs.dimensions.get(d.pk)) if gs.counted else None for d in results.dimensions],
                           _num(gs.score) if gs.counted else "不足5份，不单独显示"])
    buffer = io.BytesIO()
    write_workbook(buffer, [
        Sheet("满意度汇总", header, rows),
        Sheet("分主体明细", ["单位编码", "单位名称", "评议主体", "权重(%)", "答卷数",
                        *[d.name for d in results.dimensions], "主体得分"], detail),
    ])
    return buffer.getvalue()


def _group_cell(score, group):
    gs = score.groups.get(group.pk) if score else None
    if gs is None:
        return None
    return _num(gs.score) if gs.counted else "不足5份"
