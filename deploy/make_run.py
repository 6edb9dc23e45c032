"""How `make run` prepares the database and starts granian, for the bench and the test that must start it the same way.

`make run` first runs `python deploy/make_run.py prepare` (below), then sources deploy/granian.env into granian's
environment and puts the Makefile's WORKERS and THREADS (the environment's, when set, as make takes them) on its
command line. bench/held_connections.py and tests/test_held_connections.py both read them here, so a change to
either file reaches both. Nothing here imports Django at module level: the tests import this file.
"""

import os
import re
import sys
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


def prepare(stdout=None) -> None:
    """`make run`'s set-up in one Python process: migrate, load the demo district when the database has no units,
    print the demo accounts.

    One process instead of three saves two interpreter starts, two Django set-ups and two more runs of the system
    checks (migrate runs them once; call_command skips them for the other two). `make run` lets this process write the byte-code cache (__pycache__, git
    ignored) even where PYTHONDONTWRITEBYTECODE is set, so granian's workers, db_worker and run_schedule start
    from compiled modules instead of compiling the same thousand modules each (docs/demo.md has the figures).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, skip_checks=False, stdout=stdout)
    call_command("seed_demo", if_empty=True, stdout=stdout)
    call_command("demo_accounts", stdout=stdout)


if __name__ == "__main__":
    if sys.argv[1:] != ["prepare"]:
        raise SystemExit("usage: python deploy/make_run.py prepare")
    prepare()
