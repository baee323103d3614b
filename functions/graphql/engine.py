"""One GraphQL request, start to answer: parse (token limit) → shape limits (depth, aliases) → validation
(the spec's rules: unknown fields, fragment cycles, variable types...) → introspection and cost → execute
with the request's scope → the standard `{data, errors}` body and its HTTP status.

A document refused before execution is HTTP 400 (403 for introspection the caller may not see) with
`errors` only; an executed one is 200, each failed field null with its error. Every error carries
`extensions.code`, a seed 000 code: the owning service's own (PERMISSION_DENIED, INVALID_REQUEST...),
INVALID_REQUEST for a document the spec refuses, INTERNAL_ERROR for anything unexpected (logged, never
shown)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
    specified_rules,
    validate,
)

from functions.graphql import app_fields, app_types, limits
from functions.graphql.models import GraphQLRequest
from functions.graphql.platform import Platform
from functions.graphql.resolvers import FIELD_PERMISSIONS, RESOLVERS
from functions.graphql.scope import Scope
from shared import observability, permissions
from shared.context import UserContext
from shared.errors import ErrorCode, StratusError

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
MAX_VALIDATION_ERRORS = 20

logger = observability.logger("graphql")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def sdl(apps: tuple[app_types.AppTypes, ...] | None = None) -> str:
    """The served schema's text: schema.graphql, then each deployed app's fragment (`extend type Query`
    and its own types; a name two of them define is an error when it is built)."""
    parts = [SCHEMA_FILE.read_text(encoding="utf-8")]
    parts += [
        f"# --- the {a.app} app (apps/{a.app}/graphql_types.py)\n{a.sdl}"
        for a in apps or app_types.deployed()
    ]
    return "\n".join(parts)


@cache
def schema() -> GraphQLSchema:
    """The composed schema with its resolvers bound (once per container). A resolver for a field the
    schema does not declare is a KeyError here, at the first request and in the unit tests."""
    built = build_schema(sdl())
    bound: dict[str, dict[str, Any]] = {name: dict(fields) for name, fields in RESOLVERS.items()}
    nested = {(b.type_name, b.field_name): b for a in app_types.deployed() for b in a.bindings if b.key}
    for app in app_types.deployed():
        for b in app.bindings:
            resolve = app_fields.by_key(b, nested) if b.key else app_fields.root(app, b, nested)
            bound.setdefault(b.type_name, {})[b.field_name] = resolve
    for type_name, fields in bound.items():
        kind = built.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType)
        for field_name, resolve in fields.items():
            kind.fields[field_name].resolve = resolve
    return built


@cache
def field_permissions() -> frozenset[str]:
    """Every permission a field of the schema needs (introspection needs them all)."""
    apps = {b.permission for a in app_types.deployed() for b in a.bindings if b.permission}
    return frozenset(FIELD_PERMISSIONS.values()) | apps


@cache
def list_sizes() -> tuple[frozenset[str], dict[str, int]]:
    """The paged fields and unpaged lists' estimates of the cost limit, the apps' included."""
    bindings = [b for a in app_types.deployed() for b in a.bindings]
    paged = limits.PAGED_FIELDS | {b.field_name for b in bindings if b.paged}
    estimates = {**limits.LIST_ESTIMATES, **{b.field_name: b.estimate for b in bindings if b.estimate}}
    return frozenset(paged), estimates


def run(request: GraphQLRequest, user: UserContext, platform: Platform) -> Answer:
    try:
        document = parse(request.query, max_tokens=limits.MAX_TOKENS, no_location=False)
        limits.check_shape(document)
    except GraphQLError as exc:  # a syntax error, or more tokens than allowed
        return _refused(400, [exc])
    except StratusError as exc:
        return _refused(exc.status, [GraphQLError(exc.message, original_error=exc)])
    invalid = validate(schema(), document, specified_rules, max_errors=MAX_VALIDATION_ERRORS)
    if invalid:
        return _refused(400, invalid)
    try:
        limits.check_introspection(document, sees_every_field=_sees_every_field(user))
        paged, estimates = list_sizes()
        limits.check_cost(document, request.variables or {}, paged=paged, estimates=estimates)
    except StratusError as exc:
        return _refused(exc.status, [GraphQLError(exc.message, original_error=exc)])
    result = execute(
        schema(),
        document,
        context_value=Scope(user=user, platform=platform),
        variable_values=request.variables,
        operation_name=request.operation_name,
    )
    assert not hasattr(result, "__await__"), "every resolver is synchronous"
    errors = list(result.errors or [])
    data = result.data
    if data is None and errors and all(e.path is None for e in errors):
        return _refused(400, errors)  # the variables or the operation name: nothing ran
    body: dict[str, Any] = {"data": data}
    if errors:
        body["errors"] = [_formatted(e) for e in errors]
    return Answer(200, body)


def _sees_every_field(user: UserContext) -> bool:
    return all(permissions.allows(user.permissions, p) for p in field_permissions())


def _refused(status: int, errors: list[GraphQLError]) -> Answer:
    return Answer(status, {"errors": [_formatted(e) for e in errors]})


def _formatted(error: GraphQLError) -> dict[str, Any]:
    out = dict(error.formatted)
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, StratusError) and original.code is not ErrorCode.INTERNAL_ERROR:
        out["message"] = original.message
        extensions: dict[str, Any] = {"code": str(original.code)}
        if original.field:
            extensions["field"] = original.field
        if original.details:
            extensions["details"] = original.details
    elif original is None or isinstance(
        original, GraphQLError
    ):  # the document: syntax, validation, variables
        extensions = {"code": str(ErrorCode.INVALID_REQUEST)}
    else:
        logger.exception("resolver failed", exc_info=original, path=error.path)
        out["message"] = "Internal error"
        extensions = {"code": str(ErrorCode.INTERNAL_ERROR)}
    out["extensions"] = extensions
    return out
