# Two commands for a newcomer: `make run` (set up and serve the demo) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run setup test lint bench browser-deps

run: setup
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

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
