"""Uploaded files in a throw-away MEDIA_ROOT, and helpers to take the database and the uploads' picture."""

from pathlib import Path

import pytest
from django.db import connection


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A MEDIA_ROOT with a few uploads (nested folders, a Chinese name, an empty file)."""
    root = tmp_path / "var" / "media"
    files = {
        "reporting/evidence/2026/S01/佐证材料.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "keywork/bulletins/demo-2026-001.docx": b"PK\x03\x04" + b"docx" * 1000,
        "results/rectification/2026/empty.png": b"",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    settings.MEDIA_ROOT = root
    # verify_audit reads the external anchors from here (jixiao/audit/anchors.py); never the machine's var/ folder.
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return root


def media_picture(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def table_picture(skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (or in full-row order for tables without an id)."""
    picture = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in skip:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names come from the introspection
            picture[table] = sorted(cursor.fetchall(), key=repr)
    return picture
