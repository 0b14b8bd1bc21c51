# Servicedialog tasks. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test test-sqlite test-postgres lint docs messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## Set up and run the demo: example municipalities with one user per role, on SQLite,
## at http://$(HOST):$(PORT)/ (make demo PORT=8100).
demo: $(STAMP)
	$(BIN)/servicedialog demo --host $(HOST) --port $(PORT)

## Set up and run every test: lint, types, the suite on SQLite (with the browser tests),
## and again on PostgreSQL when TEST_POSTGRES_URL is set (CI sets it).
test: $(STAMP) lint test-sqlite test-postgres

# The suite runs in TEST_WORKERS processes (pytest-xdist; "auto": one per core), each with
# databases of its own; the browser tests run after it in one process, so that their
# timing budgets (tests/browser/test_phone_budget.py) are measured on a machine at rest.
TEST_WORKERS ?= auto

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser"
	$(BIN)/python -m pytest -m browser

test-postgres: $(STAMP)
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser"; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set" >&2; exit 1; \
	else \
		echo "(TEST_POSTGRES_URL not set: PostgreSQL pass skipped; see README)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Regenerate docs/cli.md from the command line's help.
docs: $(STAMP)
	$(BIN)/python scripts/cli_docs.py

## Extract strings and update the Swedish and English catalogues.
messages: $(STAMP)
	$(BIN)/python scripts/catalogues.py

bench: $(STAMP)
	$(BIN)/python bench/load_pages.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .mypy_cache .ruff_cache
