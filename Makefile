# Two commands on a fresh clone: `make demo` and `make test`. Each creates .venv when missing and installs
# exactly the versions in uv.lock. The locker itself (uv, pinned below) is bootstrapped from PyPI into .uv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
# uv never downloads an interpreter here: it uses $(PYTHON); and it installs into .venv, not a venv of its own choosing.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
PYTEST_WORKERS ?= auto

.PHONY: demo test lint types unit js lock test-latest bench bench-import bench-portfolio bench-collect bench-measure clean

$(UV):
	@test -x $(UV_HOME)/bin/python || $(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'

# --compile-bytecode: uv leaves .py files uncompiled, and with PYTHONDONTWRITEBYTECODE set (as on our machines)
# every crmcheck process the tests start would compile rich, typer and pydantic again.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --all-extras --compile-bytecode --python $(PYTHON)
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crmcheck demo --out out

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

types: $(STAMP)
	$(BIN)/mypy src

# axe-core and the W3C checker (vnu.jar) for the HTML reports' browser tests, from the committed npm lock; installed
# when node_modules is missing or older than the lock. Without npm the tests that need them skip, saying so.
JS := tests/js
js:
	@if ! command -v npm >/dev/null; then \
	  echo "npm not found: the axe-core (WCAG) and W3C checks of the HTML reports will be skipped" >&2; \
	elif [ ! -f $(JS)/node_modules/.package-lock.json ] || [ $(JS)/package-lock.json -nt $(JS)/node_modules/.package-lock.json ]; then \
	  (cd $(JS) && npm ci --no-audit --no-fund --loglevel=error) || \
	    echo "npm ci failed in $(JS): the axe-core (WCAG) and W3C checks of the HTML reports will be skipped" >&2; \
	fi

# crmcheck's own modules compiled first, for the same reason (Python reads .pyc files it is told not to write).
unit: $(STAMP) js
	$(BIN)/python -m compileall -q src tests benchmarks
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Refresh uv.lock on purpose: the newest releases the ranges in pyproject.toml allow.
lock: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# The suite against the newest releases the ranges allow, in a venv of its own, so an upstream release shows here first.
test-latest: | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-latest
	VIRTUAL_ENV=.venv-latest $(UV) pip install --quiet --upgrade --reinstall-package crmcheck -e '.[dev,xlsx,collect,measure]'
	.venv-latest/bin/pytest -n $(PYTEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/collect_post.py
	$(BIN)/python benchmarks/bad_inputs.py
	$(BIN)/python benchmarks/hostile_inputs.py

bench-import: $(STAMP)
	$(BIN)/python benchmarks/import_speed.py

bench-portfolio: $(STAMP)
	$(BIN)/python benchmarks/portfolio.py

bench-collect: $(STAMP)
	$(BIN)/python benchmarks/collect_load.py

# `crmcheck measure` on 1M and 10M generated deals and tickets against a plain DuckDB scan (docs/benchmark.md)
bench-measure: $(STAMP)
	$(BIN)/python benchmarks/measure.py

clean:
	rm -rf $(VENV) .venv-latest $(UV_HOME) $(JS)/node_modules out build dist .pytest_cache .mypy_cache .ruff_cache
