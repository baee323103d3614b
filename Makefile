# One entry point for humans and CI. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# cfn-lint, checkov and the AWS CLI pin their own boto3/botocore; they live apart from the platform's venv.
TOOLS_VENV := .venv-deploy
TOOLS_STAMP := $(TOOLS_VENV)/.installed
NODE_STAMP := node_modules/.installed
# The test tiers on every core (pytest-xdist), a test module per worker so its platform starts once.
# Each worker has its own emulator and local platform on free ports. PYTEST_PARALLEL= runs them in one process.
PYTEST_PARALLEL ?= -n auto --dist loadfile

.PHONY: install dev test check lint types imports unit integration e2e deploy-check clean

$(STAMP): pyproject.toml
	@echo "==> installing Stratus and its dev tools into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
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

## The local platform: moto server + gateway + queue pumps + schedules.
dev: $(STAMP)
	$(BIN)/stratus dev $(ARGS)

## The whole suite: lint, types, layering, the deployment checks, then every test. CI runs exactly this.
test: lint types imports deploy-check
	$(BIN)/pytest $(PYTEST_PARALLEL)

## osls stacks and Terraform: generated files current, osls compose package, stack sizes, cfn-lint,
## terraform validate, checkov.
deploy-check: $(STAMP) $(TOOLS_STAMP) $(NODE_STAMP)
	./deploy/check.sh

check: lint types imports
	$(BIN)/pytest $(PYTEST_PARALLEL)

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

e2e: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) tests/e2e

clean:
	rm -rf $(VENV) $(TOOLS_VENV) node_modules build .mypy_cache .ruff_cache
