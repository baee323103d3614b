"""Service-to-service calls on AWS: Lambda Invoke of the callee's function, never the public HTTP API.

Both deployments read this module, so they agree on:

- which routes are on the HTTP API: every route except service-to-service ones (`service` and `system`
  auth). Two `/internal/` routes stay, each behind its own auth: `GET /internal/health` (public: a load
  balancer's or an uptime checker's probe) and `GET /internal/metrics` (the stage's Prometheus scrape
  token, or a service token);
- which functions a function may invoke: the internal-route functions of every service its `calls=`
  names — exactly those (its role's `lambda:InvokeFunction` statement), so a call the declarations do not
  name is refused by IAM as well as by the typed client (`shared.typed_client.UndeclaredCall`) and the
  callee's layer check (`shared.http_app`).

The functions themselves pick the Lambda transport from `STRATUS_INTERNAL_TRANSPORT=lambda` and name the
callee `<STRATUS_FUNCTION_PREFIX>-<service>-<function>` (`shared.transports.LambdaTransport`).
"""

from __future__ import annotations

from shared.declarations import Auth, Function, Route
from shared.registry import Registry

# The settings every deployed function gets for its internal calls.
TRANSPORT_SETTING = "STRATUS_INTERNAL_TRANSPORT"
PREFIX_SETTING = "STRATUS_FUNCTION_PREFIX"
TARGET_SETTING = "STRATUS_INTERNAL_FUNCTION"  # the monolith: one function serves every internal route
METRICS_TOKEN_SETTING = "STRATUS_METRICS_TOKEN"  # noqa: S105 - the name of a setting
INVOKED_ONLY = (Auth.SERVICE, Auth.SYSTEM)


def on_http_api(fn: Function) -> bool:
    """A route the HTTP API serves (every route but service-to-service ones)."""
    return isinstance(fn.trigger, Route) and fn.trigger.auth not in INVOKED_ONLY


def invoked_only(fn: Function) -> bool:
    """A service-to-service route: reached by Lambda Invoke only."""
    return isinstance(fn.trigger, Route) and fn.trigger.auth in INVOKED_ONLY


def scraped(fn: Function) -> bool:
    """A scrape target: it gets the stage's scrape token."""
    return isinstance(fn.trigger, Route) and fn.trigger.auth is Auth.METRICS


def invoke_targets(fn: Function, registry: Registry) -> tuple[str, ...]:
    """The functions `fn` may invoke (qualified names): the internal routes of the services it calls."""
    targets = {
        callee.qualified_name
        for service in fn.calls
        if service in registry.by_service
        for callee in registry.by_service[service].functions
        if invoked_only(callee)
    }
    return tuple(sorted(targets))


def takes_keyed_calls(fn: Function) -> bool:
    """An internal route that is not idempotent: its callers send an idempotency key, and it keeps its
    answer in the idempotency table (shared.idempotent_calls)."""
    return invoked_only(fn) and not fn.route.idempotent
