"""What `POST /api/v1/graphql` answers (functions/graphql), for the OpenAPI document: GraphQL over HTTP's
own bodies (`{data, errors}`), not the envelope — a 400 or 403 that the GraphQL engine decided has
`errors` only; one the platform decided before it ran (a malformed body, no credential) is the envelope."""

from __future__ import annotations

from typing import Any

KEY = "POST /api/v1/graphql"

_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["message", "extensions"],
    "properties": {
        "message": {"type": "string"},
        "locations": {"type": "array", "items": {"type": "object"}},
        "path": {"type": "array", "items": {"type": ["string", "integer"]}},
        "extensions": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string"}, "field": {"type": "string"}},
        },
    },
}
RESULT: dict[str, Any] = {
    "title": "GraphQLResult",
    "description": "The query's `data` (a field the caller may not read is null) and, if any field failed, "
    "`errors` with `extensions.code` (docs/graphql.md; schema: docs/graphql.schema.graphql).",
    "type": "object",
    "required": ["data"],
    "properties": {"data": {"type": ["object", "null"]}, "errors": {"type": "array", "items": _ERROR}},
    "examples": [
        {
            "data": {
                "me": {"userId": "u_01j9z3k4v8m2n5p7", "email": "ada@acme.example", "tenantId": "acme-corp"},
                "audit": None,
            },
            "errors": [
                {
                    "message": "Requires audit.read",
                    "path": ["audit"],
                    "extensions": {"code": "PERMISSION_DENIED"},
                }
            ],
        }
    ],
}
REFUSED: dict[str, Any] = {
    "title": "GraphQLRefusal",
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": _ERROR}},
    "examples": [
        {
            "errors": [
                {
                    "message": "The query is 12 levels deep; at most 8 are allowed",
                    "extensions": {"code": "INVALID_REQUEST"},
                }
            ]
        }
    ],
}

RAW_BODIES: dict[str, dict[str, Any]] = {KEY: RESULT}
RAW_ERRORS: dict[str, dict[int, tuple[dict[str, Any], str]]] = {
    KEY: {
        400: (REFUSED, "A document GraphQL refuses: syntax, validation, variables, depth, aliases, cost."),
        403: (REFUSED, "Introspection by a caller who may not read every field of the schema."),
    }
}
