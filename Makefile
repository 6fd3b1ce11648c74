# The README's two commands: `make demo` and `make test`. Everything they need is installed here.
# `make serve` runs the example site as production would (scripts/serve-production).
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PRODUCTION_INSTALLED := $(VENV)/.installed-production

.PHONY: demo serve load test test-sqlite test-postgres install install-production messages lint format clean

$(INSTALLED): pyproject.toml
	PYTHON=$(PYTHON) scripts/ensure-system-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# The "production" extra: gunicorn, Redis client, django-tasks-db, WhiteNoise.
$(PRODUCTION_INSTALLED): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,production]"
	touch $(PRODUCTION_INSTALLED)

install-production: $(PRODUCTION_INSTALLED)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --port $(PORT)
	@echo "Serving the demo on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/). Stop with Ctrl+C."
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The example site as production would run it on this machine: a throwaway PostgreSQL, Redis as
# the shared cache, gunicorn (WORKERS=4), the django-tasks worker; DEBUG off. Ctrl+C stops it all.
serve: install-production
	PYTHON=$(BIN)/python PORT=$(PORT) scripts/serve-production

# 100 residents for 120 s against a stack of its own (benchmarks/README.md); LOAD_ARGS=--fault etc.
load: install-production
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)

# The whole suite on SQLite, then on a throwaway PostgreSQL server.
test: install
	PYTHON=$(PYTHON) scripts/ensure-system-packages test
	@echo "=== Test suite on SQLite ==="
	$(BIN)/python -m pytest
	@echo "=== Test suite on PostgreSQL ==="
	PYTHON=$(BIN)/python scripts/with-postgres $(BIN)/python -m pytest

test-sqlite: install
	PYTHON=$(PYTHON) scripts/ensure-system-packages test
	$(BIN)/python -m pytest

test-postgres: install
	PYTHON=$(PYTHON) scripts/ensure-system-packages test
	PYTHON=$(BIN)/python scripts/with-postgres $(BIN)/python -m pytest

# Re-extract wagtail_ocena's messages into its catalogs and compile them (needs GNU gettext).
# Translate new entries in wagtail_ocena/locale/pl/LC_MESSAGES/django.po between the two steps.
messages: install
	cd wagtail_ocena && ../$(BIN)/python ../manage.py makemessages -l pl -l en --no-location --no-obsolete
	$(BIN)/python scripts/fill-english-catalog
	cd wagtail_ocena && ../$(BIN)/python ../manage.py compilemessages

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) example_site/db.sqlite3 example_site/media build dist *.egg-info
