"""Stratus's functions: one package per seed service, a module per endpoint, subscriber or job."""

# The first thing a Lambda container imports (shared/lambda_init.py, shared/lazy_packages.py): no garbage
# collection until its handler module is loaded; Powertools' packages without their eager imports.
from shared import lambda_init, lazy_packages  # noqa: F401
