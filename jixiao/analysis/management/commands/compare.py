"""`python manage.py compare --cycle YEAR --indicator CODE [--group CODE] [--json]`: one indicator across a peer set.

Prints per unit the figures of the 横比纵比 page (issue 16 part 9): value, rank, group size, percentile, quartile,
group median, mean, z-score, best unit, gap, previous year's value and change. Units without a value come last
with rank null. Decimals are printed as strings, exactly as computed (z and percentile to 4 places).
"""

import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from jixiao.analysis import compare as q
from jixiao.indicators.models import SINGLE_BOUND_DIRECTIONS, Indicator
from jixiao.org.models import Cycle

PLACES = Decimal("0.0001")


def _s(value, places=None):
    if value is None:
        return None
    if places:
        return str(value.quantize(places))
    text = format(value.normalize(), "f")  # 120.0000 → "120", never "1.2E+2"
    return "0" if text == "-0" else text


def record(table, row) -> dict:
    """One unit's line of the output."""
    c, s = table.comparison, row.standing
    return {
        "unit": row.unit.code, "unit_name": row.unit.name,
        "value": _s(row.current.number), "source": row.current.note,
        "rank": s.rank if s else None, "group_size": table.size,
        "percentile": _s(s.percentile, PLACES) if s else None, "quartile": s.quartile if s else None,
        "group_median": _s(c.median), "mean": _s(c.mean, PLACES), "z_score": _s(s.z, PLACES) if s else None,
        "best_unit": [u.code for u in table.best_units], "gap": _s(s.gap) if s else None,
        "previous_value": _s(row.previous.number) if row.previous else None,
        "change": _s(row.change),
        "growth_percent": _s(row.growth.value, PLACES) if row.growth and row.growth.value is not None else None,
    }


class Command(BaseCommand):
    help = "横比：某考核年度某指标在一个比较范围内各单位的名次、百分位、四分位、中位数、平均数、z 值、标杆与差距、上年同期与增减"

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="考核年度，如 2026")
        parser.add_argument("--indicator", required=True, help="指标编码")
        parser.add_argument("--group", default="", help="考核组别或比较组的编码，或 all（默认：该指标的第一个考核组别）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, cycle, indicator, group, json: bool, **options):
        found = Cycle.objects.filter(year=cycle).first()
        if found is None:
            raise CommandError(f"没有 {cycle} 考核年度")
        ind = Indicator.objects.filter(code=indicator).first()
        if ind is None:
            raise CommandError(f"没有编码为 {indicator} 的指标")
        if ind.direction not in SINGLE_BOUND_DIRECTIONS:
            raise CommandError(f"指标 {indicator} 为{ind.get_direction_display()}指标，没有可排名的单一数值")
        peers = q.peer_set(found, ind, group)
        if peers is None:
            choices = "、".join(s.code for s in q.peer_sets(found, ind))
            raise CommandError(f"{cycle} 年度指标 {indicator} 没有编码为 {group} 的比较范围；可选：{choices}")
        table = q.indicator_table(found, ind, peers)
        rows = [record(table, row) for row in table.rows + table.missing]
        if json:
            self.stdout.write(_dumps({"cycle": cycle, "indicator": ind.code, "indicator_name": ind.name,
                                      "direction": ind.direction, "peer_set": peers.code,
                                      "peer_set_name": peers.name, "notes": table.notes, "units": rows}))
            return
        self.stdout.write(f"{cycle}年度 {ind.code} {ind.name} · {peers.label}")
        for note in table.notes:
            self.stdout.write(f"  {note}")
        for r in rows:
            self.stdout.write(
                f"{r['rank'] or '—':>3} / {r['group_size']}  {r['unit_name']}  {r['value'] or '无数值'}  "
                f"百分位 {r['percentile'] or '—'}  Q{r['quartile'] or '—'}  z {r['z_score'] or '—'}  "
                f"差距 {r['gap'] or '—'}  上年同期 {r['previous_value'] or '—'}  增减 {r['change'] or '—'}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
