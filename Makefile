# 职工互助保障信息化管理系统 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test lint format bench system-deps clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_DEPS)

## make run: install, migrate, load demo data, collect static files, then serve like production
## (gunicorn, DEBUG off, WhiteNoise) on http://$(HOST):$(PORT) with one background worker (supervisord).
# DEMO ONLY: the union's receiving account printed on payment notices, marked 演示 so nobody pays into it.
# Settings have no default (no notice is issued without an account); production sets its own (README).
# `make bench` loads the demo data too, so it gets the same values.
run dev bench: export UNION_ACCOUNT_NAME ?= 青岛市总工会职工互助保障专户（演示）
run dev bench: export UNION_BANK_NAME ?= 演示银行青岛分行（演示数据）
run dev bench: export UNION_BANK_ACCOUNT ?= 0000 0000 0000 0000 000（演示账号，请勿转账）
run: $(VENV)/.installed
	@bash scripts/system-deps.sh fonts pango
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh run

## make dev: the same with Django's runserver and DEBUG on (tracebacks, static files from the apps).
dev: $(VENV)/.installed
	@bash scripts/system-deps.sh fonts pango
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh dev

## make test: install test dependencies and run the whole suite (browser tests need Debian chromium).
# Two test processes (pytest-xdist, a file at a time; each its own database): PYTEST_ARGS="-n 0" runs one.
PYTEST_ARGS ?= -n 2 --dist loadfile
test: $(VENV)/.installed-test
	@bash scripts/system-deps.sh fonts pango chromium poppler
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var staticfiles test-artifacts

## make bench: side by side in one run (bench/run.py) — roster import at 1k/10k/100k rows on SQLite and
## PostgreSQL (ours, the floor, django-import-export tuned and default; median of 3, stored rows checked),
## the generated city on PostgreSQL, pages under load (gunicorn + locust) and the services on it → bench/results.json
## and docs/benchmarks.md. BENCH_SCALE=small: 1k/10k rows, a 1/50 city, 4 s per page (< 3 min).
## The full run then also reports the peak memory of the web server and the worker refusing a 1,000,000-row
## file and importing 100,000 rows (tests/bench/hostile_rss.py). PostgreSQL: BENCH_PG_URL (default the local
## server as user postgres); the bench creates and drops its own bench_* databases.
$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-bench
	@bash scripts/system-deps.sh fonts pango
	$(PY) -m bench.run
	@if [ "$${BENCH_SCALE:-full}" = full ]; then \
	  rm -f /tmp/mutualaid-bench-rss.sqlite3*; \
	  SQLITE_PATH=/tmp/mutualaid-bench-rss.sqlite3 $(PY) manage.py migrate --noinput -v0 && \
	  SQLITE_PATH=/tmp/mutualaid-bench-rss.sqlite3 $(PY) -m tests.bench.hostile_rss; \
	fi
