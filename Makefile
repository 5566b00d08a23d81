# UtilityDesk: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test bench lint screenshots clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	./scripts/system-deps.sh
	touch $(STAMP)

# Starts the desktop app on a demo utility kept in ./.demo-data (built on first run).
run: setup
	$(PY) -m app --data-dir .demo-data demo --consumers 400 --months 14 --if-missing
	$(PY) -m app --data-dir .demo-data gui

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -rs -p no:cacheprovider
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check app sync tests bench
	$(VENV)/bin/lint-imports

screenshots: setup
	$(PY) -m app --data-dir .demo-data demo --consumers 400 --months 14 --if-missing
	QT_QPA_PLATFORM=offscreen $(PY) -m app --data-dir .demo-data screenshots --out docs/screenshots

clean:
	rm -rf $(VENV) .demo-data
