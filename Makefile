# The commands people type. `make run` and `make test` do all the set-up on a fresh clone.
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
UV := $(PYTHON_BIN) -m uv
PY := .venv/bin/python
PORT ?= 8000
# Two test processes on two cores; an idle one takes over half of the busy one's queue (worksteal), so the slow
# browser tests at the end do not leave a core idle; the 30 slowest tests are listed at the end, to keep CI short.
# Override with PYTEST_ARGS= for a serial run.
PYTEST_ARGS ?= -n 2 --dist worksteal --durations=30
WORKERS ?= 2
THREADS ?= 4
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test setup deps static system-deps lint migrations-check pytest serve demo clean-db bench

# granian's options (connection limits, header timeout) come from deploy/granian.env, as in production.
# migrate, seed_demo --if-empty and demo_accounts run in one Python process (deploy/make_run.py prepare), which
# writes the byte-code cache even under PYTHONDONTWRITEBYTECODE so that the four processes after it start faster.
run: setup
	JIXIAO_DEMO_MODE=true PYTHONDONTWRITEBYTECODE= $(PY) deploy/make_run.py prepare
	@echo "后台任务进程（db_worker）与每日定时任务（run_schedule）随网站一同启动；按 Ctrl+C 同时停止。"
	@export JIXIAO_DEMO_MODE=true PYTHONDONTWRITEBYTECODE=; \
		$(PY) manage.py db_worker --interval 1 & worker=$$!; \
		$(PY) manage.py run_schedule --loop & schedule=$$!; \
		trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
		set -a; . deploy/granian.env; set +a; \
		.venv/bin/granian jixiao.wsgi:application \
		--host 127.0.0.1 --port $(PORT) --workers $(WORKERS) --blocking-threads $(THREADS)

test: setup system-deps lint migrations-check pytest

setup: deps static

# uv comes from PyPI when it is missing; the virtualenv follows the lock file.
deps: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON_BIN) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON_BIN)
	@touch $@

# Bootstrap, icons, ECharts and axe-core from npm, copied into the git-ignored static_vendor/.
static: staticfiles/.collected
static_vendor/.copied: package.json package-lock.json scripts/copy_static.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/copy_static.mjs
	@touch $@
staticfiles/.collected: static_vendor/.copied .venv/.synced $(shell find jixiao/static -type f 2>/dev/null)
	JIXIAO_DEMO_MODE=true $(PY) manage.py collectstatic --noinput -v 0
	@touch $@

# Debian's Chromium drives the browser tests; the CJK font makes Chinese screenshots readable; nginx is the
# production front (deploy/nginx/), which bench/held_connections.py starts on loopback; pango lays out the
# PDFs WeasyPrint writes (the analysis reports).
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
		|| ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null \
		|| ! /sbin/ldconfig -p | grep -q libpangoft2-1.0; then \
		echo "installing chromium, fonts-noto-cjk, nginx and pango from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	fi

lint: deps
	.venv/bin/ruff check .

migrations-check: deps
	JIXIAO_DEMO_MODE=true $(PY) manage.py makemigrations --check --dry-run

pytest: deps static
	.venv/bin/pytest $(PYTEST_ARGS)

demo: setup
	JIXIAO_DEMO_MODE=true $(PY) manage.py migrate --noinput
	JIXIAO_DEMO_MODE=true $(PY) manage.py seed_demo --reset

bench: setup
	@for script in bench/*.py; do echo "== $$script"; JIXIAO_DEMO_MODE=true $(PY) $$script || exit 1; done

clean-db:
	rm -f var/jixiao.sqlite3 var/jixiao.sqlite3-wal var/jixiao.sqlite3-shm var/audit-anchors-sqlite3-jixiao.jsonl
