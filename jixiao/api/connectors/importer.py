"""One bureau file through the connector: read it, map it, and import the rows through the bulk path.

All or nothing, like every import: a file with a conflict of its own (an unmapped code, a period not ours …) is
still run through the bulk path as a dry run, so the summary names every problem at once, and nothing is written.
"""

from pathlib import Path

from django.conf import settings

from jixiao.api.connectors import bulk, mapping, nbs, workbook
from jixiao.api.connectors.records import FileProblem
from jixiao.lib.cells import MAX_LISTED

FORMATS = {"nbs": nbs.parse, "workbook": workbook.parse}
STRATEGIES = ("create", "update", "create_and_update", "delete")


def format_of(path: str) -> str:
    """The format a file's name suggests: .xlsx a workbook, anything else the national bureau's JSON."""
    return "workbook" if Path(path).suffix.lower() in (".xlsx", ".xlsm") else "nbs"


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise FileProblem(f"文件超过 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB 的上限，请分批导出。")
    return data


def run(data: bytes, *, format: str, user, strategy: str = "create_and_update", dry_run: bool = False,
        source: str = "nbs", unit: str = "", regions: dict[str, str] | None = None) -> dict:
    """The import summary of one file (the bulk path's, with a `stats` part saying what the file held).

    Raises FileProblem or WorkbookError for a file that cannot be read at all."""
    parsed = FORMATS[format](data)
    rows, conflicts = mapping.apply(parsed, source=source, unit=unit, regions=regions)
    conflicts = parsed.conflicts + conflicts
    summary = bulk.import_rows(rows, user=user, strategy=strategy, dry_run=dry_run or bool(conflicts))
    if conflicts:
        summary = _refused(summary, conflicts, dry_run, parsed.records - parsed.skipped)
    summary["stats"] = {"format": format, "source": source, "records": parsed.records, "skipped": parsed.skipped,
                        "rows": len(rows)}
    return summary


def _refused(summary: dict, conflicts: list[dict], dry_run: bool, total: int) -> dict:
    """The bulk path's dry-run summary of the mapped rows, made the summary of a refused file: nothing written
    (every figure counted as ignored, as the bulk path counts a refused payload), the file's conflicts and the bulk
    path's together in the file's order."""
    together = sorted(conflicts + list(summary.get("conflicts", [])), key=lambda c: c.get("line") or 0)
    count = len(conflicts) + summary.get("conflictCount", len(summary.get("conflicts", [])))
    return {**summary, "status": "ERROR", "dryRun": dry_run, "description": f"发现 {count} 处问题，未写入任何数据。",
            "importCount": {"imported": 0, "updated": 0, "ignored": total, "deleted": 0},
            "conflicts": together[:MAX_LISTED], "conflictCount": count}


def describe(summary: dict) -> str:
    """The summary in a sentence, as the command prints it."""
    counts, stats = summary.get("importCount", {}), summary.get("stats", {})
    held = (f"文件共 {stats.get('records', 0)} 条数据，无数据跳过 {stats.get('skipped', 0)} 条，"
            f"对照成功 {stats.get('rows', 0)} 条")
    if summary.get("status") == "ERROR":
        count = summary.get("conflictCount", len(summary.get("conflicts", [])))
        return f"导入失败：{held}，发现 {count} 处问题，未写入任何数据。"
    done = (f"新增 {counts.get('imported', 0)} 项，修改 {counts.get('updated', 0)} 项，"
            f"忽略 {counts.get('ignored', 0)} 项，删除 {counts.get('deleted', 0)} 项")
    if summary.get("dryRun"):
        return f"试导入通过（未写入）：{held}；将{done}。"
    return f"导入完成：{held}；{done}。"
