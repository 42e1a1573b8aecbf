# Two commands for a newcomer: `make run` (set up and serve the demo) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run serve setup test lint bench browser-deps

run: setup
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production server (config/gunicorn.conf.py), in the foreground, settings from the environment (and .env):
# HOST/PORT (default 127.0.0.1:8000). Migrations are a deploy step of their own (`manage.py migrate`).
# SIGTERM stops it cleanly: make passes it on, the calls in flight finish and settle their quota.
serve: $(VENV)/.installed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config config/gunicorn.conf.py

# The load benchmark (bench/__main__.py): a fake upstream, the production server, wrk. Prints a table; ~2 min.
bench: $(VENV)/.installed
	$(BIN)/python -m bench $(BENCH_ARGS)

setup: $(VENV)/.installed .env
	$(BIN)/python manage.py migrate --noinput

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# A development .env with fresh random secrets; never committed.
.env:
	@printf 'DEBUG=true\nSECRET_KEY=%s\nCRYPTOGRAPHY_KEY=%s\n' \
		"$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		"$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "wrote .env (DEBUG=true, random secrets)"

test: $(VENV)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
