"""How `make run` starts granian, for the bench and the test that must start it the same way.

`make run` sources deploy/granian.env into granian's environment and puts the Makefile's WORKERS and THREADS
(the environment's, when set, as make takes them) on its command line. bench/held_connections.py and
tests/test_held_connections.py both read them here, so a change to either file reaches both.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_default(name: str) -> int:
    """`make run`'s value of WORKERS or THREADS: the environment first (as make does), else the Makefile."""
    found = re.search(rf"^{name} \?= (\d+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return int(os.environ.get(name) or found.group(1))


def granian_env() -> dict[str, str]:
    """deploy/granian.env as a dict (KEY=VALUE lines; # comments)."""
    lines = (ROOT / "deploy/granian.env").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return {key.strip(): value.strip() for key, value in pairs}


def granian_command(port: int) -> list[str]:
    """`make run`'s granian command line, on 127.0.0.1:port; run it with granian_env() in its environment."""
    return [str(ROOT / ".venv/bin/granian"), "jixiao.wsgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(make_default("WORKERS")),
            "--blocking-threads", str(make_default("THREADS"))]
