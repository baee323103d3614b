"""What a function's cold start imports: each handler module in an interpreter of its own
(`stratus.bench.imports`), checked against a deny-list (issue 15.2).

- no web framework anywhere: the platform's functions are Powertools resolvers, not ASGI/WSGI apps;
- Powertools utilities only where they earn their import: batch processing and the parser in queue
  subscribers, parameters and feature flags in the config service;
- no `boto3.resources` (boto3 loaded at import) in the identity path's request handlers — users, gateway,
  auth, cache: their clients are made on first use, and their (de)serializers too. (Queue subscribers get
  boto3 from the kernel's subscriber, and other services from their stores: not yet held to it.)
- no write path in a read handler of users: neither argon2 nor the calls and events of a change.
"""

from __future__ import annotations

import pytest

from functions.catalog import registry
from shared.declarations import Function, Subscription
from stratus.bench import imports

WEB_FRAMEWORKS = ("fastapi", "starlette", "flask", "django", "mangum", "werkzeug", "functions_framework")
SUBSCRIBER_ONLY = ("aws_lambda_powertools.utilities.batch", "aws_lambda_powertools.utilities.parser")
CONFIG_ONLY = ("aws_lambda_powertools.utilities.parameters", "aws_lambda_powertools.utilities.feature_flags")
NEVER_USED = ("aws_lambda_powertools.utilities.validation", "aws_lambda_powertools.utilities.streaming")
BOTO3_AT_IMPORT = ("boto3.resources",)
IDENTITY_PATH = ("users", "gateway", "auth", "cache")
WRITE_PATH = ("argon2", "shared.passwords", "functions.users.service", "functions.users.effects")
READ_HANDLERS = ("users-me", "users-get", "users-list", "users-get-internal")


def denied(fn: Function) -> tuple[str, ...]:
    deny: tuple[str, ...] = WEB_FRAMEWORKS + NEVER_USED
    if not isinstance(fn.trigger, Subscription):
        deny += SUBSCRIBER_ONLY
    if fn.service != "config":
        deny += CONFIG_ONLY
    if fn.service in IDENTITY_PATH and not isinstance(fn.trigger, Subscription):
        deny += BOTO3_AT_IMPORT
    if fn.qualified_name in READ_HANDLERS:
        deny += WRITE_PATH
    return deny


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str]]:
    functions = registry().functions.values()
    watched = WEB_FRAMEWORKS + SUBSCRIBER_ONLY + CONFIG_ONLY + NEVER_USED + BOTO3_AT_IMPORT + WRITE_PATH
    return imports.imported(sorted({fn.module for fn in functions}), watched)


def test_no_function_imports_a_module_of_its_deny_list(loaded: dict[str, list[str]]) -> None:
    # GIVEN every function of the platform, each imported in an interpreter of its own
    offenders = {}
    for fn in registry().functions.values():
        deny = denied(fn)
        hits = [m for m in loaded[fn.module] if any(m == d or m.startswith(d + ".") for d in deny)]
        if hits:
            offenders[fn.qualified_name] = sorted(
                {m.split(".")[0] if "powertools" not in m else m for m in hits}
            )
    # THEN none of them loads what its deny-list names
    assert offenders == {}


def test_the_probe_sees_what_a_handler_imports() -> None:
    # GIVEN a subscriber (which uses Powertools' batch processing)  WHEN it is imported on its own
    found = imports.imported(["functions.audit.subscriber"], SUBSCRIBER_ONLY + WEB_FRAMEWORKS)
    # THEN the probe reports the batch utility, and no web framework
    modules = found["functions.audit.subscriber"]
    assert "aws_lambda_powertools.utilities.batch" in modules
    assert not [m for m in modules if m.split(".")[0] in WEB_FRAMEWORKS]
