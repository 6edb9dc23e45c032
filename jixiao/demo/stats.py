"""Demo statistics mapping (统计指标对照, 示范数据): the district statistics bureau's codes for the figures it
supplies, so that the office's mapping page is not empty and docs/examples/stats-datanodes.json imports as is.

The bureau's codes here are the demo's own (A02…, A0A…), written in the national bureau's style; a real
installation keeps the codes its bureau uses (docs/api_stats.md).
"""

from decimal import Decimal

from jixiao.api.models import StatsMapping
from jixiao.indicators.models import Indicator

# (bureau's code, our indicator code, factor, note)
MAPPINGS = [
    ("A020101", "K01", Decimal("0.0001"), "街道地区生产总值（累计值，万元）→ 亿元"),
    ("A0A0101", "K02", Decimal(1), "居民人均可支配收入（累计值，元）"),
    ("A0A0201", "H09", Decimal(1), "城镇居民人均可支配收入（累计值，元）"),
    ("A0A0301", "E09", Decimal(1), "农村居民人均可支配收入（累计值，元）"),
]


def build(rng) -> str:
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[m[1] for m in MAPPINGS])}
    StatsMapping.objects.bulk_create([
        StatsMapping(source="nbs", source_code=code, indicator=indicators[ours], factor=factor, note=note)
        for code, ours, factor, note in MAPPINGS if ours in indicators])
    return f"统计指标对照 {len(MAPPINGS)} 条"
