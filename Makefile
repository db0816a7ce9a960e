# The two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
NPM ?= npm

DEMO_ENV := DEBUG=0 SECRET_KEY=demo-only-not-secret DATABASE_URL=sqlite:///$(CURDIR)/demo.sqlite3 \
	CELERY_TASK_ALWAYS_EAGER=1 USE_REDIS_CACHE=0 EMAIL_URL=consolemail:// LOG_FORMAT=text
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# Test processes (pytest-xdist), one per core by default; an idle one takes tests queued for a
# busy one (worksteal), the durations being very uneven. Each process has its own PostgreSQL
# test database and its own Redis database: TEST_REDIS_URL's for the first, the next ones
# after it (tests/isolation.py), which Redis must have (16 by default: lower TEST_PROCESSES
# on a machine with more cores than databases left).
TEST_PROCESSES ?= auto
TEST_ENV := DEBUG=0 SECRET_KEY=test-only-not-secret DATABASE_URL=$(TEST_DATABASE_URL) \
	REDIS_URL=$(TEST_REDIS_URL) USE_REDIS_CACHE=1 EMAIL_URL=consolemail:// \
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage \
	CHROMIUM_PATH=$${CHROMIUM_PATH:-/usr/bin/chromium}

.PHONY: help install demo demo-code test lint bench backup restore system-deps-demo system-deps-test messages clean

help:
	@echo "make demo   install, migrate an SQLite database, load the catalog and demo data, serve on http://127.0.0.1:8000"
	@echo "make demo-code USER_NAME=city_a   the demo official's current second-factor code"
	@echo "make test   install, then run the whole suite against PostgreSQL, Redis, a Celery worker and Chromium"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make lint   ruff, the layering contract (import-linter) and the migrations check"
	@echo "make backup   DATABASE_URL and the private files (folder or bucket) into backups/<timestamp>/"
	@echo "make restore  BACKUP=<folder> TARGET_DATABASE_URL=<url> CONFIRM=yes"

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	$(NPM) ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed frontend/node_modules/.installed messages

messages: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compilemessages -v0 -l en --ignore='.venv' --ignore='frontend'

system-deps-demo:
	scripts/system-deps.sh demo

system-deps-test:
	scripts/system-deps.sh test

demo: system-deps-demo install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The current sign-in code of a demo official (their authenticator's key is the published demo key).
demo-code:
	@$(DEMO_ENV) $(PY) manage.py demo_code $(or $(USER_NAME),city_a)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 DATABASE_URL=sqlite:///:memory: $(PY) manage.py makemigrations --check --dry-run

test: system-deps-test install lint
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "error: PostgreSQL is not accepting connections on 127.0.0.1:5432" >&2; exit 1; }
	@$(PY) -c "import redis,sys; redis.Redis.from_url('$(TEST_REDIS_URL)').ping()" || { echo "error: Redis is not reachable at $(TEST_REDIS_URL)" >&2; exit 1; }
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench

bench: install
	$(TEST_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(BENCH_ARGS)

# Backups need PostgreSQL's client tools (pg_dump, pg_restore): scripts/system-deps.sh test.
backup:
	PYTHON=$(PY) scripts/backup.sh $(BACKUP_DIR)

restore:
	PYTHON=$(PY) scripts/restore.sh "$(BACKUP)" "$(TARGET_DATABASE_URL)" $(if $(filter yes,$(CONFIRM)),--yes)

clean:
	rm -rf $(VENV) frontend/node_modules staticfiles demo.sqlite3 .pytest_cache
