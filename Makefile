# UtilityDesk: the two commands a new machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test bench lint screenshots bundle bundle-test constraints clean

setup: $(STAMP)

# constraints.txt pins every package to the versions CI tested (`make constraints` renews it).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
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

# A one-folder desktop bundle in dist/utilitydesk (PyInstaller, build.spec); several minutes.
bundle: setup
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec

# Builds the bundle and starts it offscreen on a fresh data folder up to the login window.
bundle-test: bundle
	QT_QPA_PLATFORM=offscreen dist/utilitydesk/utilitydesk --smoke

# After changing pyproject.toml's dependencies: pin what is installed, then commit it.
constraints: setup
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) .demo-data build dist
