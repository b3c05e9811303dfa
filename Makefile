# a6hub: `make run` starts the hub, `make test` runs every test. Both install what is missing first.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
FRONTEND := frontend
FRONTEND_DEPS := $(FRONTEND)/node_modules/.installed
FRONTEND_BUILD := $(FRONTEND)/dist/index.html
HAS_FRONTEND := $(wildcard $(FRONTEND)/package.json)

.PHONY: run test check lint typecheck pytest frontend-test install system-deps frontend bench bench-quick clean

run: install $(if $(HAS_FRONTEND),frontend)
	@bash scripts/install-system-deps.sh || echo "a6hub: could not install iverilog and bubblewrap: simulations need iverilog, and jobs need bubblewrap (or A6HUB_SANDBOX=off on a laptop no one else uses)"
	$(PY) -m a6hub up

test: install system-deps $(if $(HAS_FRONTEND),frontend)
	$(MAKE) check
	$(MAKE) pytest
	$(if $(HAS_FRONTEND),$(MAKE) frontend-test)

check: lint typecheck

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(PY) -m pytest

frontend-test: $(FRONTEND_DEPS)
	cd $(FRONTEND) && npm test

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON)" || { echo "a6hub needs Python 3.11 or newer on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

system-deps:
	bash scripts/install-system-deps.sh --browser

frontend: $(FRONTEND_BUILD)

$(FRONTEND_DEPS): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND_BUILD): $(FRONTEND_DEPS) $(shell find $(FRONTEND)/src $(FRONTEND)/index.html $(FRONTEND)/vite.config.ts -type f 2>/dev/null)
	cd $(FRONTEND) && npm run build

bench: install
	$(PY) -m bench

bench-quick: install
	$(PY) -m bench --quick

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist
