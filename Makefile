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

## make bench: time a 100,000-row roster import and the roster screen on a throwaway SQLite database
## (PostgreSQL: set DATABASE_URL), then the peak memory of the web server and the worker refusing a
## 1,000,000-row file and importing 100,000 rows.
bench: $(VENV)/.installed
	rm -f /tmp/mutualaid-bench.sqlite3*
	SQLITE_PATH=/tmp/mutualaid-bench.sqlite3 $(PY) manage.py migrate --noinput -v0
	SQLITE_PATH=/tmp/mutualaid-bench.sqlite3 $(PY) manage.py bench_roster --rows $${ROWS:-100000}
	SQLITE_PATH=/tmp/mutualaid-bench.sqlite3 $(PY) manage.py bench_roster_page
	rm -f /tmp/mutualaid-bench-rss.sqlite3*
	SQLITE_PATH=/tmp/mutualaid-bench-rss.sqlite3 $(PY) manage.py migrate --noinput -v0
	SQLITE_PATH=/tmp/mutualaid-bench-rss.sqlite3 $(PY) -m tests.bench.hostile_rss
