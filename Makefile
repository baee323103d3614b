# One entry point for humans and CI. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
# cfn-lint, checkov and the AWS CLI pin their own boto3/botocore; they live apart from the platform's venv.
TOOLS_VENV := .venv-deploy
TOOLS_STAMP := $(TOOLS_VENV)/.installed
NODE_STAMP := node_modules/.installed
# The console's own npm tree (Vue, Vite, chart.js, axe-core for the accessibility check).
CONSOLE_STAMP := console/node_modules/.installed
CHROMIUM := /usr/bin/chromium
# The test tiers on every core (pytest-xdist), a test module per worker so its platform starts once.
# Each worker has its own emulator and local platform on free ports. PYTEST_PARALLEL= runs them in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile

.PHONY: install dev test tiers check lint types imports unit integration e2e deploy-check clean console chromium

$(BIN)/python:
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

# What running needs: the functions' dependencies and the embedded emulator (the `local` extra), no more.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing Stratus and what it runs on into $(VENV) (the dev tools come with make test)"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -e ".[local]"
	@touch $@

# The dev tools on top (pytest, ruff, mypy, schemathesis, …): every target but `dev` needs them.
$(STAMP): $(RUN_STAMP)
	@echo "==> installing the dev tools into $(VENV)"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -e ".[local,dev]"
	@touch $@

install: $(STAMP)

$(TOOLS_STAMP):
	@echo "==> installing cfn-lint and checkov into $(TOOLS_VENV)"
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check "cfn-lint>=1.20" "checkov>=3.2" awscli
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@echo "==> installing osls (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error || (sleep 5 && npm ci --no-audit --no-fund --loglevel=error)
	@touch $@

$(CONSOLE_STAMP): console/package.json console/package-lock.json
	@echo "==> installing the console's build tools (npm ci in console/)"
	cd console && (npm ci --no-audit --no-fund --loglevel=error || (sleep 5 && npm ci --no-audit --no-fund --loglevel=error))
	@touch $@

## The console's build into the package (stratus/console_assets/, committed: `make dev` needs no Node).
## tests/unit/stratus/test_console_assets.py checks the committed build is what this makes.
console: $(CONSOLE_STAMP)
	cd console && npx vite build

## Debian's chromium for the console's browser tests (Playwright's own download is not reachable).
chromium:
	@test -x $(CHROMIUM) || { echo "==> installing chromium (apt)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

## The local platform: moto server + gateway + queue pumps + schedules.
dev: $(RUN_STAMP)
	$(BIN)/stratus dev $(ARGS)

## The whole suite: lint, types, layering, the deployment checks, then every test. CI runs exactly this.
test: lint types imports deploy-check $(CONSOLE_STAMP) chromium
	$(MAKE) --no-print-directory tiers

# Two runs: the unit tier (in-process moto, no sockets) apart from the tiers that start whole platforms in
# their workers, so that nothing a platform leaves in a worker's process (moto patches, threads) reaches a
# unit test.
tiers: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) tests/unit
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=12 tests/integration tests/e2e tests/fuzz

## osls stacks and Terraform: generated files current, osls compose package, stack sizes, cfn-lint,
## terraform validate, checkov.
deploy-check: $(STAMP) $(TOOLS_STAMP) $(NODE_STAMP)
	./deploy/check.sh

check: lint types imports $(CONSOLE_STAMP) chromium
	$(MAKE) --no-print-directory tiers

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) tests/integration

e2e: $(STAMP) $(CONSOLE_STAMP) chromium
	$(BIN)/pytest $(PYTEST_PARALLEL) tests/e2e

clean:
	rm -rf $(VENV) $(TOOLS_VENV) node_modules console/node_modules build .mypy_cache .ruff_cache
