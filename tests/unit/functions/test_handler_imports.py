"""What a function's cold start imports: each handler module in an interpreter of its own
(`stratus.bench.imports`), checked against a deny-list (issue 15.2).

- no web framework anywhere: the platform's functions are Powertools resolvers, not ASGI/WSGI apps;
- Powertools utilities only where they earn their import: batch processing and the parser in queue
  subscribers, feature flags in the config service;
- no boto3 at import anywhere, nor Powertools parameters (which imports it): clients are botocore's
  (`shared.aws`), made on first use; the subscribers' idempotency layer and step-function tasks' load it
  with their first event or task, the marketplace's writers with their first write
  (`shared.attribute_values`); config's feature flags leave out Powertools' AppConfig store;
- authlib and joserfc only in the OIDC functions that run an OAuth flow or verify its tokens (not in
  discovery);
- none of the resolvers and event classes `aws_lambda_powertools.event_handler` and `.data_classes` import
  eagerly (`shared.lazy_packages`): the HTTP API resolver and its own event classes only; asyncio only
  where a library needs it (queue subscribers' batch processing, graphql-core);
- no argon2 where nothing hashes: auth (it only checks a password's strength), users' read handlers;
- no write path in a read handler of users: neither argon2 nor the calls and events of a change;
- fpdf2 (its import alone costs more than the whole baseline) only in the subscriber that renders reports.
"""

from __future__ import annotations

import pytest

from functions.catalog import registry
from shared.declarations import Function, Subscription
from stratus.bench import imports

WEB_FRAMEWORKS = ("fastapi", "starlette", "flask", "django", "mangum", "werkzeug", "functions_framework")
SUBSCRIBER_ONLY = ("aws_lambda_powertools.utilities.batch", "aws_lambda_powertools.utilities.parser")
CONFIG_ONLY = ("aws_lambda_powertools.utilities.feature_flags",)
NEVER_USED = (
    "aws_lambda_powertools.utilities.validation",
    "aws_lambda_powertools.utilities.streaming",
    "aws_lambda_powertools.utilities.parameters",
    "aws_lambda_powertools.utilities.idempotency.persistence.dynamodb",
)
BOTO3_AT_IMPORT = ("boto3",)
OAUTH = ("authlib", "joserfc")
OAUTH_ALLOWED = ("oidc-authorize", "oidc-token", "oidc-userinfo")
EAGER_POWERTOOLS = tuple(
    f"aws_lambda_powertools.event_handler.{resolver}"
    for resolver in (
        "appsync",
        "bedrock_agent",
        "bedrock_agent_function",
        "events_appsync",
        "graphql_appsync",
        "http_resolver",
        "lambda_function_url",
        "vpc_lattice",
    )
) + tuple(
    f"aws_lambda_powertools.utilities.data_classes.{events}"
    for events in (
        "appsync_resolver_event",
        "cloud_watch_logs_event",
        "code_pipeline_job_event",
        "cognito_user_pool_event",
        "connect_contact_flow_event",
        "kafka_event",
        "s3_event",
        "secrets_manager_event",
        "ses_event",
    )
)
ASYNCIO = ("asyncio",)
ASYNCIO_ALLOWED = ("graphql-query",)  # graphql-core's execution supports coroutines
HASHING = ("argon2",)
NO_HASHING = ("auth",)
RENDERING = ("fpdf",)
RENDERING_ALLOWED = ("health-subscriber",)
WRITE_PATH = ("argon2", "shared.passwords", "functions.users.service", "functions.users.effects")
READ_HANDLERS = ("users-me", "users-get", "users-list", "users-get-internal")


def denied(fn: Function) -> tuple[str, ...]:
    deny: tuple[str, ...] = WEB_FRAMEWORKS + NEVER_USED
    subscriber = isinstance(fn.trigger, Subscription)
    if not subscriber:
        deny += SUBSCRIBER_ONLY + EAGER_POWERTOOLS  # Powertools' batch utility imports some event classes
    if fn.service != "config":
        deny += CONFIG_ONLY
    deny += BOTO3_AT_IMPORT
    if fn.qualified_name not in OAUTH_ALLOWED:
        deny += OAUTH
    if not subscriber and fn.qualified_name not in ASYNCIO_ALLOWED:
        deny += ASYNCIO
    if fn.service in NO_HASHING:
        deny += HASHING
    if fn.qualified_name not in RENDERING_ALLOWED:
        deny += RENDERING
    if fn.qualified_name in READ_HANDLERS:
        deny += WRITE_PATH
    return deny


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str]]:
    functions = registry().functions.values()
    watched = (
        WEB_FRAMEWORKS
        + SUBSCRIBER_ONLY
        + CONFIG_ONLY
        + NEVER_USED
        + BOTO3_AT_IMPORT
        + OAUTH
        + EAGER_POWERTOOLS
        + ASYNCIO
        + RENDERING
        + WRITE_PATH
    )
    return imports.imported(sorted({fn.module for fn in functions}), watched)


@pytest.mark.timeout(600)  # 200-odd handlers imported one by one: minutes on a loaded 2-core machine
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
