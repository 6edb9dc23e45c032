"""The analysis side of the demo district: the streets' and parks' attributes (单位属性) of the last two years, so
the nearest-neighbour page (近邻单位) proposes peers a reader of the district would expect. A later part of the
analysis (improvement targets, the half-year report) appends its demo here."""

from jixiao.analysis import demo_attributes, demo_improvement, demo_report
from jixiao.org.models import Cycle

YEARS = (2025, 2026)


def build(rng) -> str:
    written = sum(demo_attributes.load(cycle) for cycle in Cycle.objects.filter(year__in=YEARS).order_by("year"))
    report = demo_report.load(Cycle.objects.get(year=YEARS[-1]))
    quarterly = demo_report.load_quarter(Cycle.objects.get(year=YEARS[-1]))
    return (f"单位属性 {written} 个（{YEARS[0]}–{YEARS[-1]} 年度街道、园区各 6 项）；{report.title}（{report.get_status_display()}）"
            f"；{quarterly.title}（{quarterly.get_status_display()}）" + _improvement())


def _improvement() -> str:
    proposed, with_value, approved = demo_improvement.load()
    return f"；{demo_improvement.YEAR + 1}年度改进目标 {proposed} 项（{with_value} 项有建议目标，已批准 {approved} 项）"
