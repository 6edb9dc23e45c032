"""Every audit event code written by the code has a Chinese name, so no page shows a bare code."""

import re
from pathlib import Path

from jixiao.accounts.access import ACTIONS
from jixiao.audit.labels import EVENT_LABELS, PREFIX_LABELS, label_for

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"\"([a-z]+\.[a-z_]+)\"")


def codes_in_source() -> set[str]:
    """String literals shaped like event codes in every module that writes audit events."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "record(" not in text and "refusal(" not in text and "refuse(" not in text:
            continue
        codes |= {c for c in LITERAL.findall(text) if c.split(".")[0] + "." in PREFIX_LABELS}
    return codes - set(ACTIONS)


def test_the_scan_finds_codes_of_every_stage():
    codes = codes_in_source()
    assert {"unit.created", "submission.locked", "scoring.published", "rectification.closed"} <= codes


def test_every_code_has_a_chinese_name():
    missing = sorted(c for c in codes_in_source() if c not in EVENT_LABELS)
    assert missing == [], f"add these to jixiao/audit/labels.py: {missing}"


def test_an_unknown_code_shows_as_itself():
    assert label_for("nothing.like_this") == "nothing.like_this"
    assert label_for("submission.locked") == "锁定报件"
