"""Build the platform's OpenAPI documents from each HTTP function's own Powertools resolver, describing
what clients really receive: seed 000's envelopes around each model (paged lists as they are served), the
error envelope under every status an operation can answer, and who may call it.

Two audiences, two documents:
- public (`functions/gateway/openapi.json`, served at `/.well-known/openapi.json`): the `/api/v1/` and
  `/.well-known/` routes, plus `GET /internal/health` (public, and named in API.md);
- internal (`docs/openapi.internal.json`, for the platform's own engineers, never served): every other
  `/internal/` route, each callable with a service token only.

Request schemas are the functions' pydantic models as they are: where the document must say more (a
pattern, a length), the model says it, so that what is validated and what is published cannot drift.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from shared.declarations import Auth, Function
from shared.errors import SPECS
from shared.registry import Registry
from stratus import openapi_docs, openapi_graphql, openapi_marketplace, openapi_oidc

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "functions" / "gateway" / "openapi.json"
INTERNAL_DOCUMENT = ROOT / "docs" / "openapi.internal.json"
Audience = Literal["public", "internal"]
DOCUMENTS: dict[Audience, Path] = {"public": DOCUMENT, "internal": INTERNAL_DOCUMENT}

PUBLIC_PREFIXES = ("/api/v1/", "/.well-known/")
# Routes outside those prefixes that anyone may call, as API.md documents them.
PUBLIC_EXCEPTIONS = frozenset({"GET /internal/health"})

_REF = "#/components/schemas/"
_JSON = "application/json"

# What an operation can answer besides what its shape implies (input → 400, a bearer token → 401/403, a
# path id → 404, a body → 413/415, every route → 429 and 5XX): each flow's own refusals, by route key.
EXTRA_STATUSES: dict[str, tuple[int, ...]] = {
    # the tenant is unknown (404) or suspended, or has no seat left (403); the email is taken (409)
    "POST /api/v1/auth/register": (403, 404, 409),
    # wrong credentials (401), suspended or inactive user or tenant (403), unknown tenant (404), locked (423)
    "POST /api/v1/auth/login": (401, 403, 404, 423),
    # an unknown, used or revoked refresh token (401), a suspended user or tenant (403), a gone tenant (404)
    "POST /api/v1/auth/refresh": (401, 403, 404),
    # the current password is checked like a login: repeated failures lock the account
    "POST /api/v1/auth/change-password": (423,),
    "POST /api/v1/tenants": (409,),  # the tenant id is taken
    "POST /api/v1/roles": (409,),  # the role exists
    "POST /api/v1/users/{userId}/roles": (404,),  # no such role (ROLE_NOT_FOUND), besides no such user
    # the emailed links (docs/identity.md): the tenant is unknown (404) or suspended (403)
    "POST /api/v1/auth/forgot-password": (403, 404),
    "POST /api/v1/auth/resend-verification": (403, 404),
    # a link's token that is not ours, used, voided or expired (401 INVALID_TOKEN / TOKEN_EXPIRED)
    "POST /api/v1/auth/reset-password": (401,),
    "POST /api/v1/auth/verify-email": (401,),
    # a bad, revoked or expired invitation (401), no seat or a suspended tenant (403), a role or tenant
    # gone (404), accepted already or the address taken meanwhile (409)
    "POST /api/v1/auth/accept-invitation": (401, 403, 404, 409),
    "POST /api/v1/invitations": (404, 409),  # no such role; the address is already a user's
    "DELETE /api/v1/invitations/{invitationId}": (409,),  # accepted already
    "POST /api/v1/registry/services": (409,),  # the app name is taken or reserved
    "POST /api/v1/registry/heartbeat": (401,),  # not an app's registration token
    # an in-repo app is deployed, not registered: it cannot be deregistered
    "POST /api/v1/registry/services/{serviceId}/deregister": (409,),
    # a write or rollback that did not read the current version (optimistic concurrency)
    "PUT /api/v1/config/{scope}/{key}": (409,),
    "POST /api/v1/config/{scope}/{key}/rollback": (409,),
    # activating before enrolling, disabling when MFA is not active (409); a wrong code on disable (401)
    "POST /api/v1/auth/mfa/activate": (409,),
    "POST /api/v1/auth/mfa/disable": (401, 409, 423),
}

# Bodies served as they are (no envelope: verifiers and tools read them), by route key.
RAW_BODIES: dict[str, dict[str, Any]] = {
    "ANY /api/v1/apps/{name}/{proxy+}": {
        "title": "AppAnswer",
        "description": "Whatever the app answers: its status, content type and body, passed on as they are.",
    },
    "GET /.well-known/jwks.json": {
        "title": "JwkSet",
        "description": "A JSON Web Key Set (RFC 7517): the active signing key first.",
        "type": "object",
        "required": ["keys"],
        "properties": {
            "keys": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kty", "kid", "n", "e"],
                    "properties": {
                        "kty": {"const": "RSA"},
                        "kid": {"type": "string"},
                        "use": {"const": "sig"},
                        "alg": {"const": "RS256"},
                        "key_ops": {"type": "array", "items": {"type": "string"}},
                        "n": {"type": "string"},
                        "e": {"type": "string"},
                    },
                },
            }
        },
    },
    "GET /.well-known/openapi.json": {
        "title": "OpenApiDocument",
        "description": "This document (OpenAPI 3.1).",
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": {
            "openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"},
            "info": {"type": "object"},
            "paths": {"type": "object"},
            "components": {"type": "object"},
        },
    },
}

RAW_BODIES.update(openapi_oidc.RAW_BODIES)  # the OIDC provider: protocol bodies, not envelopes
RAW_BODIES.update(openapi_graphql.RAW_BODIES)  # GraphQL over HTTP: `{data, errors}` (docs/graphql.md)
EXTRA_STATUSES.update(openapi_oidc.EXTRA_STATUSES)
EXTRA_STATUSES.update(openapi_marketplace.EXTRA_STATUSES)  # the marketplace app (docs/marketplace.md)

_META: dict[str, Any] = {
    "type": "object",
    "required": ["requestId", "timestamp", "duration", "version"],
    "properties": {
        "requestId": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
        "duration": {"type": "number", "description": "milliseconds"},
        "version": {"type": "string"},
    },
}
_SECURITY: dict[Audience, dict[str, Any]] = {
    "public": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        # A machine client's key instead of a bearer token (docs/apps.md "API keys"); never both.
        "apiKey": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "`stk_…` (POST /api-keys)",
        },
    },
    "internal": {
        "serviceToken": {"type": "apiKey", "in": "header", "name": "X-Service-Token"},
        "systemToken": {"type": "apiKey", "in": "header", "name": "X-System-Token"},
        "scrapeToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "The stage's Prometheus scrape token",
        },
    },
}
_REQUEST_ID_HEADER = {
    "description": "The request's id (the one the client sent, else generated at the edge).",
    "required": True,
    "schema": {"type": "string"},
}
_DESCRIPTIONS = {
    400: "The request is not valid: malformed JSON, a wrong type or value (`error.field` names it).",
    401: "No valid credential: a missing, malformed, expired or revoked token, or wrong credentials.",
    403: "Not allowed: a missing permission, a suspended user or tenant, an exceeded quota.",
    404: "Not found, or not this tenant's (never revealed to exist elsewhere).",
    409: "It already exists.",
    413: "Too large: the request body, or the file it announces.",
    415: "An unsupported media type: the request body is not JSON in UTF-8, or the file type is refused.",
    423: "The account is locked after repeated failures (`Retry-After` says for how long).",
    429: "Too many requests (`Retry-After` says when to try again).",
}
_CURSOR = "Opaque: the `pagination.nextCursor` of the page before, with the same filters; else a 400."
_SERVER_ERRORS = "A server-side failure, or a dependency that is unavailable or too slow (`retryable`)."
_RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "required": False,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}


def audience_of(fn: Function) -> Audience:
    route = fn.route
    if route.path.startswith(PUBLIC_PREFIXES) or route.key in PUBLIC_EXCEPTIONS:
        return "public"
    return "internal"


def document(registry: Registry, audience: Audience = "public") -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for fn in registry.http_functions:
        if audience_of(fn) != audience:
            continue
        app = importlib.import_module(fn.module).app
        part = json.loads(app.get_openapi_json_schema(title="Stratus", version="1.0.0"))
        renames = _merge(schemas, part.get("components", {}).get("schemas", {}), fn.service)
        for path, operations in _renamed(part.get("paths", {}), renames).items():
            for method, operation in operations.items():
                described = _describe(operation, fn, schemas)
                if getattr(app, "anonymous", False):  # a credential is optional (the handler decides)
                    described["security"] = [*described["security"], {}]
                paths.setdefault(path, {})[method] = described
    schemas |= _error_schemas()
    schemas["Meta"] = _META
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Stratus" if audience == "public" else "Stratus (internal routes)",
            "version": "1.0.0",
            "description": (
                "Multi-tenant SaaS platform core: the public API."
                if audience == "public"
                else "The service-to-service routes: service token only, never on a client's path."
            ),
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {},
            "headers": {"RequestId": _REQUEST_ID_HEADER, "RetryAfter": _RETRY_AFTER},
            "securitySchemes": _SECURITY[audience],
        },
    }
    doc["components"]["examples"] = openapi_docs.example_components(doc)
    doc["components"]["schemas"] = _reachable(doc, schemas)
    openapi_docs.add_body_examples(doc)
    whole: dict[str, Any] = _whole_numbers(doc)
    return whole


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def _whole_numbers(node: Any) -> Any:
    """Powertools writes every bound as a float (`"minimum": 1.0`); a bound that is a whole number is
    written as one, or test-data generators send `1.0` where the API (strict) wants an integer."""
    if isinstance(node, dict):
        return {
            k: int(v) if k in _BOUNDS and isinstance(v, float) and v.is_integer() else _whole_numbers(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_whole_numbers(v) for v in node]
    return node


def render(registry: Registry, audience: Audience = "public") -> str:
    return json.dumps(document(registry, audience), indent=2, sort_keys=False) + "\n"


# --- components: each service names its models independently --------------------------------------------
def _merge(known: dict[str, Any], part: dict[str, Any], service: str) -> dict[str, str]:
    """Add one function's models to `known`. A model whose name another service already uses for a
    different schema is renamed `<Service><Name>`; returns the renames, which its references follow too
    (to a fixed point: renaming a model changes the schemas that refer to it)."""
    part = {n: s for n, s in part.items() if n not in ("HTTPValidationError", "ValidationError")}
    renames: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, schema in part.items():
            if name in renames:
                continue
            if name in known and known[name] != _renamed(schema, renames):
                renames[name] = f"{service.title()}{name}"
                changed = True
    for name, schema in part.items():
        final, resolved = renames.get(name, name), _renamed(schema, renames)
        if known.setdefault(final, resolved) != resolved:
            raise ValueError(f"two different models would both be published as {final!r}")
    return renames


def _renamed(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF) and ref[len(_REF) :] in renames:
            return {**node, "$ref": _REF + renames[ref[len(_REF) :]]}
        return {k: _renamed(v, renames) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, renames) for v in node]
    return node


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reachable(doc: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Only the models the document's operations use, in name order; a reference to nothing is an error."""
    found: dict[str, Any] = {}
    pending = [ref for ref in _refs(doc["paths"]) if ref.startswith(_REF)]
    while pending:
        name = pending.pop()[len(_REF) :]
        if name in found:
            continue
        if name not in schemas:
            raise ValueError(f"the document refers to a model it does not define: {name!r}")
        found[name] = schemas[name]
        pending.extend(ref for ref in _refs(schemas[name]) if ref.startswith(_REF))
    for ref in _refs(doc):
        if ref.startswith("#/components/") and not ref.startswith(_REF):
            _, _, kind, name = ref.split("/", 3)
            if name not in doc["components"].get(kind, {}):
                raise ValueError(f"the document refers to a component it does not define: {ref!r}")
    return dict(sorted(found.items()))


def _codes_by_status() -> dict[int, list[str]]:
    """Every error code each status can carry (the one table: each code has one status)."""
    found: dict[int, set[str]] = {}
    for code, spec in SPECS.items():
        found.setdefault(spec.status, set()).add(str(code))
    return {status: sorted(codes) for status, codes in sorted(found.items())}


def _error_schemas() -> dict[str, Any]:
    envelope = {
        "type": "object",
        "required": ["success", "error"],
        "properties": {
            "success": {"const": False},
            "error": {
                "type": "object",
                "required": ["code", "message", "requestId", "timestamp", "service", "retryable"],
                "properties": {
                    "code": {"type": "string", "enum": sorted(str(c) for c in SPECS)},
                    "message": {"type": "string"},
                    "details": {},
                    "field": {"type": "string"},
                    "requestId": {"type": "string"},
                    "timestamp": {"type": "string", "format": "date-time"},
                    "service": {"type": "string"},
                    "retryable": {"type": "boolean"},
                },
            },
        },
    }
    schemas: dict[str, Any] = {"ErrorEnvelope": envelope}
    server: list[str] = []
    for status, codes in _codes_by_status().items():
        if status >= 500:
            server.extend(codes)
            continue
        schemas[f"Error{status}"] = _narrowed(codes)
    schemas["ServerError"] = _narrowed(sorted(set(server)))
    return schemas


def _narrowed(codes: list[str]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": f"{_REF}ErrorEnvelope"},
            {"properties": {"error": {"properties": {"code": {"enum": codes}}}}},
        ]
    }


# --- one operation ---------------------------------------------------------------------------------------
def _describe(operation: dict[str, Any], fn: Function, schemas: dict[str, Any]) -> dict[str, Any]:
    route = fn.route
    named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    for greedy in re.findall(r"\{(\w+\+)\}", route.path):  # API Gateway's `{proxy+}`: the rest of the path
        if greedy not in named:
            operation.setdefault("parameters", []).append(
                {
                    "name": greedy,
                    "in": "path",
                    "required": True,
                    "description": "The rest of the path: one or more segments.",
                    "schema": {"type": "string", "minLength": 1},
                }
            )
    for parameter in operation.get("parameters", []):
        parameter["schema"] = _not_null(parameter["schema"])
        if parameter["in"] == "query" and parameter["name"] == "cursor":
            parameter["description"] = _CURSOR
    declared = str(route.status)
    responses = {
        status: response
        for status, response in operation.get("responses", {}).items()
        if status.startswith("2")
    }
    success = responses.get(declared, {"description": "Success"})
    responses = {declared: _success(success, route.key, route.status, schemas)}
    for status in _error_statuses(operation, fn, schemas):
        responses[str(status)] = _protocol_error(route.key, status) or _error_response(status)
    responses["5XX"] = _error_response(500)
    operation["responses"] = responses
    if route.auth is Auth.USER:
        operation["security"] = [{"bearer": []}, {"apiKey": []}]
    elif route.auth is Auth.SERVICE:
        operation["security"] = [{"serviceToken": []}]
    elif route.auth is Auth.SYSTEM:
        operation["security"] = [{"serviceToken": [], "systemToken": []}]
    elif route.auth is Auth.METRICS:
        operation["security"] = [{"scrapeToken": []}, {"serviceToken": []}]
    else:
        operation["security"] = []
    openapi_docs.describe_permission(operation, fn)
    return operation


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a string: `X | None = None` is documented as an optional `X`."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) == 1 and len(kept) < len(options):
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            return {**kept[0], **rest}
    return schema


def _success(response: dict[str, Any], key: str, status: int, schemas: dict[str, Any]) -> dict[str, Any]:
    headers = {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}}
    described = {"description": response.get("description", "Success"), "headers": headers}
    if status == 204:
        return described
    if 300 <= status < 400:  # a redirect (the OAuth authorization endpoint): where to, no body
        location = {"description": "Where to go next.", "required": True, "schema": {"type": "string"}}
        return {
            **described,
            "description": RAW_BODIES.get(key, {}).get("description", "A redirect."),
            "headers": {**headers, "Location": location},
        }
    if key in RAW_BODIES:
        return {**described, "content": {_JSON: {"schema": RAW_BODIES[key]}}}
    schema = response.get("content", {}).get(_JSON, {}).get("schema")
    if schema is None:
        raise ValueError(f"{key}: no response model to document")
    page = _page_of(schema, schemas)
    if page is not None:
        envelope = {
            "type": "object",
            "required": ["success", "data", "pagination", "meta"],
            "properties": {
                "success": {"const": True},
                "data": page["properties"]["data"],
                "pagination": page["properties"]["pagination"],
                "meta": {"$ref": f"{_REF}Meta"},
            },
        }
    else:
        envelope = {
            "type": "object",
            "required": ["success", "data", "meta"],
            "properties": {
                "success": {"const": True},
                "data": schema,
                "meta": {"$ref": f"{_REF}Meta"},
            },
        }
    return {**described, "content": {_JSON: {"schema": envelope}}}


def _page_of(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """The `Page[T]` model a response refers to, if it is one (`envelopes.success` flattens it)."""
    ref = schema.get("$ref", "")
    model: dict[str, Any] | None = schemas.get(ref[len(_REF) :]) if ref.startswith(_REF) else None
    if model is not None and set(model.get("properties", {})) == {"data", "pagination"}:
        return model
    return None


# A body field that is a credential to check (a token, a one-time code, the current password): a public
# route that takes one answers 401 when it is wrong. A body that names a tenant: 404 when there is no such
# tenant, 403 when it is suspended.
_CREDENTIAL_FIELD = re.compile(r"(?i)(token|code)$|^currentPassword$")


def _body_fields(operation: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    schema = operation.get("requestBody", {}).get("content", {}).get(_JSON, {}).get("schema", {})
    ref = schema.get("$ref", "")
    model = schemas.get(ref[len(_REF) :], {}) if ref.startswith(_REF) else schema
    return set(model.get("properties", {}))


def _error_statuses(operation: dict[str, Any], fn: Function, schemas: dict[str, Any]) -> list[int]:
    route = fn.route
    body = "requestBody" in operation
    fields = _body_fields(operation, schemas)
    statuses: set[int] = set(EXTRA_STATUSES.get(route.key, ()))
    if body or operation.get("parameters"):
        statuses.add(400)
    if route.auth is not Auth.PUBLIC:
        statuses |= {401, 403}  # no or a bad credential; a credential that may not do this
    elif any(_CREDENTIAL_FIELD.search(name) for name in fields):
        statuses.add(401)
    if "tenantId" in fields and route.auth is Auth.PUBLIC:
        statuses |= {403, 404}
    if route.params:
        statuses.add(404)
    if body:
        statuses |= {413, 415}
    if audience_of(fn) == "public":
        statuses.add(429)  # the gateway's rate limits (and API Gateway's throttling) cover every route
    return sorted(statuses)


def _protocol_error(key: str, status: int) -> dict[str, Any] | None:
    """A status whose body is a protocol's error (or the platform's envelope, refused before it ran)."""
    found = {**openapi_oidc.RAW_ERRORS, **openapi_graphql.RAW_ERRORS}.get(key, {}).get(status)
    if found is None:
        return None
    schema, description = found
    envelope = _error_response(status)
    return {
        **envelope,
        "description": description,
        "content": {_JSON: {"schema": {"anyOf": [schema, envelope["content"][_JSON]["schema"]]}}},
    }


def _error_response(status: int) -> dict[str, Any]:
    name = "ServerError" if status >= 500 else f"Error{status}"
    headers: dict[str, Any] = {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}}
    if status in (423, 429):
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    statuses = [s for s in _codes_by_status() if s >= 500] if status >= 500 else [status]
    description = _SERVER_ERRORS if status >= 500 else _DESCRIPTIONS[status]
    return {
        "description": f"{description} Codes: {openapi_docs.error_codes_text(statuses)}.",
        "headers": headers,
        "content": {
            _JSON: {
                "schema": {"$ref": f"{_REF}{name}"},
                "examples": openapi_docs.error_examples(statuses),
            }
        },
    }


def write(registry: Registry) -> list[Path]:
    """Write both documents, and the GraphQL schema (stratus.graphql_schema); → the paths written."""
    from stratus import graphql_schema

    for audience, path in DOCUMENTS.items():
        path.write_text(render(registry, audience))
    return [*DOCUMENTS.values(), *graphql_schema.write(registry)]


def stale(registry: Registry) -> list[Path]:
    """The documents that do not match the declarations (missing ones included)."""
    from stratus import graphql_schema

    return [
        path
        for audience, path in DOCUMENTS.items()
        if not path.exists() or path.read_text() != render(registry, audience)
    ] + graphql_schema.stale(registry)
