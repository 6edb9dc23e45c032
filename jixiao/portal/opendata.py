"""Open data (数据开放, `/p/data/`): every table the portal publishes, as CSV, Excel and JSON.

Three datasets, each read only from what is public:

- 考核结果 by year (`results-<year>`): the `/p/results/` table of that year's published runs;
- 政策文件库 (`policies`): the public policy documents with their metadata (索引号, 文号, 有效性, …);
- 部门历年考核结果 (`unit-results`): every listed unit's result in each published run, with the year's
  satisfaction as the published result carries it (the department profiles' table).

A dataset is a header of (key, 中文列名) and rows of plain values; `table_csv`, `table_json` and the workbook are
written from it by pure functions. CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese as it is, and a
text cell that a spreadsheet would read as a formula is guarded with a leading apostrophe, as the workbooks are.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jixiao.accounts import access
from jixiao.lib.excel import FORMULA_PREFIXES, Sheet
from jixiao.lib.responses import download, download_workbook
from jixiao.org.models import Cycle
from jixiao.portal import cache, glance, profiles
from jixiao.portal import publishing_queries as queries
from jixiao.portal.models import Kind
from jixiao.results import publication
from jixiao.scoring.models import ScoreResult

FORMATS = {"csv": "CSV", "xlsx": "Excel", "json": "JSON"}
NOT_FOUND = "没有这个数据集，或该年度的考核结果尚未公开发布。"
LICENCE = ("本站开放的数据可以免费下载、复制和使用，使用时请注明来源“{district}绩效管理门户”。"
           "数据只包含已公开发布的信息，以门户页面为准；考核结果如经复核更正，以最新发布的为准。")


@dataclass
class Table:
    """One dataset at the moment it is read: its name, columns [(key, 中文列名)] and rows (tuples in that order)."""

    slug: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[tuple]


# --- The datasets ---------------------------------------------------------------------------------------------

RESULT_COLUMNS = [("year", "年度"), ("group", "考核组别"), ("rank", "名次"), ("unit", "单位"), ("total", "得分"),
                  ("grade", "等次")]
POLICY_COLUMNS = [("title", "标题"), ("index_number", "索引号"), ("issuing_body", "发布机构"),
                  ("document_number", "文号"), ("topic", "主题分类"), ("written_on", "成文日期"),
                  ("published_on", "发布日期"), ("validity", "有效性"), ("replaced_by", "替代文件"), ("url", "网址")]
UNIT_COLUMNS = [("unit_code", "单位编码"), ("unit", "单位"), ("year", "年度"), ("group", "考核组别"),
                ("total", "总分"), ("rank", "组内名次"), ("group_size", "组内单位数"), ("grade", "等次"),
                ("satisfaction", "满意度")]


def published_years() -> list[int]:
    return sorted(publication.published_years(), reverse=True)


def results_table(year: int) -> Table:
    """The /p/results/ table of `year`: published runs only; 404 for a year with none."""
    cycle = Cycle.objects.filter(year=year).first() if year in publication.published_years() else None
    if cycle is None:
        raise Http404(NOT_FOUND)
    rows = [(year, g["name"], r["rank"], r["unit"], r["total"], r["grade"])
            for g in publication.published_groups(cycle) for r in g["rows"]]
    return Table(f"results-{year}", f"{year}年度考核结果", RESULT_COLUMNS, rows)


def policies_table(request=None) -> Table:
    """The public policy documents, newest first, with their metadata and the public replacing document's title."""
    revisions = list(queries.public(Kind.POLICY).select_related("replaced_by"))
    replacing = {r.article_id: r.title for r in queries.public(Kind.POLICY).filter(
        article_id__in=[r.replaced_by_id for r in revisions if r.replaced_by_id])}
    rows = []
    for r in revisions:
        url = reverse("portal:article", args=[r.article_id])
        rows.append((r.title, r.index_number, r.issuing_body, r.document_number, r.topic, r.written_on,
                     timezone.localdate(r.first_published), r.get_validity_display(),
                     replacing.get(r.replaced_by_id, ""), request.build_absolute_uri(url) if request else url))
    return Table("policies", "政策文件库", POLICY_COLUMNS, rows)


def satisfaction(blocks) -> Decimal | None:
    value = glance.satisfaction(blocks)
    return value if value is not None and value.is_finite() else None


def unit_results_table() -> Table:
    """Every listed unit's results in published runs (not superseded), by unit, oldest year first."""
    results = (ScoreResult.objects.filter(run__in=access.visible_runs(access.PUBLIC),
                                          unit__in=profiles.listed_units())
               .exclude(run__status="superseded").select_related("unit", "group", "run__cycle")
               .order_by("unit__sort_order", "unit__code", "run__cycle__year", "run_id"))
    rows = [(r.unit.code, r.unit.name, r.run.cycle.year, r.group.name, r.total, r.rank, r.group_size,
             r.get_grade_display(), satisfaction(r.blocks)) for r in results]
    return Table("unit-results", "部门历年考核结果", UNIT_COLUMNS, rows)


# --- Writing a table ------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A value as CSV text: dates as YYYY-MM-DD, numbers as written, None empty; text a spreadsheet would take
    for a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (datetime.date, int, Decimal, float)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, a header of Chinese column names, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in table.columns])
    writer.writerows([cell_text(v) for v in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    return value


def table_json(table: Table, licence: str) -> bytes:
    """{"dataset", "title", "licence", "fields": [{"name", "title"}], "rows": [{name: value}]}."""
    keys = [key for key, _ in table.columns]
    body = {"dataset": table.slug, "title": table.title, "licence": licence,
            "fields": [{"name": key, "title": title} for key, title in table.columns],
            "rows": [{k: json_value(v) for k, v in zip(keys, row, strict=True)} for row in table.rows]}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def table_sheet(table: Table) -> Sheet:
    rows = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in table.rows]
    return Sheet(table.title[:31], [title for _, title in table.columns], rows)


def licence() -> str:
    return LICENCE.format(district=settings.DISTRICT_NAME)


def respond(table: Table, fmt: str):
    name = f"{settings.DISTRICT_NAME}{table.title}"
    if fmt == "csv":
        return download(table_csv(table), f"{name}.csv")
    if fmt == "json":
        return download(table_json(table, licence()), f"{name}.json")
    return download_workbook([table_sheet(table)], f"{name}.xlsx")


# --- Pages ----------------------------------------------------------------------------------------------------

DATASETS = {"policies": policies_table, "unit-results": unit_results_table}


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404(NOT_FOUND)


@require_GET
def dataset(request, slug, fmt):
    check_format(fmt)
    if slug not in DATASETS:
        raise Http404(NOT_FOUND)
    table = DATASETS[slug](request) if slug == "policies" else DATASETS[slug]()
    return respond(table, fmt)


@require_GET
def results_dataset(request, year, fmt):
    check_format(fmt)
    return respond(results_table(year), fmt)


@require_GET
@cache.public_page()
def data_page(request):
    """The list of datasets, each with its three formats, and the terms of use."""
    entries = [{"title": f"{year}年度考核结果", "slug": f"results-{year}", "year": year,
                "about": "各考核组别的名次、单位、得分和等次（已公开发布的考核结果）。"} for year in published_years()]
    entries += [
        {"title": "政策文件库", "slug": "policies",
         "about": "已公开的政策文件：标题、索引号、发布机构、文号、主题分类、成文日期、发布日期、有效性和替代文件。"},
        {"title": "部门历年考核结果", "slug": "unit-results",
         "about": "各部门、街道和园区历年已公开的总分、组内名次、等次和满意度。"},
    ]
    for entry in entries:
        entry["links"] = [{"label": label, "fmt": fmt,
                           "url": reverse("portal:data_results", args=[entry["year"], fmt]) if "year" in entry
                           else reverse("portal:data_file", args=[entry["slug"], fmt])}
                          for fmt, label in FORMATS.items()]
    return render(request, "portal/opendata.html", {"district_name": settings.DISTRICT_NAME, "entries": entries,
                                                    "licence": licence()})


urlpatterns = [
    path("data/", data_page, name="data"),
    path("data/results-<int:year>.<str:fmt>", results_dataset, name="data_results"),
    path("data/<slug:slug>.<str:fmt>", dataset, name="data_file"),
]
