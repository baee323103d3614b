"""Build the platform's OpenAPI document from each HTTP function's own Powertools resolver, describing
what clients really receive: seed 000's envelopes around each model, and the error envelope."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from shared.declarations import Auth
from shared.errors import ErrorCode
from shared.registry import Registry

DOCUMENT = Path(__file__).resolve().parent.parent / "functions" / "gateway" / "openapi.json"

_COMPONENTS: dict[str, Any] = {
    "Meta": {
        "type": "object",
        "required": ["requestId", "timestamp", "duration", "version"],
        "properties": {
            "requestId": {"type": "string"},
            "timestamp": {"type": "string", "format": "date-time"},
            "duration": {"type": "number", "description": "milliseconds"},
            "version": {"type": "string"},
        },
    },
    "ErrorEnvelope": {
        "type": "object",
        "required": ["success", "error"],
        "properties": {
            "success": {"const": False},
            "error": {
                "type": "object",
                "required": ["code", "message", "requestId", "timestamp", "service", "retryable"],
                "properties": {
                    "code": {"type": "string", "enum": [str(c) for c in ErrorCode]},
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
    },
}
_SECURITY = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "serviceToken": {"type": "apiKey", "in": "header", "name": "X-Service-Token"},
    "systemToken": {"type": "apiKey", "in": "header", "name": "X-System-Token"},
}
_ERROR = {
    "description": "Error envelope",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
}


def document(registry: Registry) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Stratus", "version": "1.0.0", "description": "Multi-tenant SaaS platform core."},
        "paths": {},
        "components": {"schemas": dict(_COMPONENTS), "securitySchemes": _SECURITY},
    }
    for fn in registry.http_functions:
        app = importlib.import_module(fn.module).app
        part = _without_clashes(
            json.loads(app.get_openapi_json_schema(title="Stratus", version="1.0.0")), doc, fn.service
        )
        for name, schema in part.get("components", {}).get("schemas", {}).items():
            if name not in ("HTTPValidationError", "ValidationError"):
                doc["components"]["schemas"].setdefault(name, schema)
        for path, operations in part.get("paths", {}).items():
            for method, operation in operations.items():
                _describe(operation, fn.route.auth)
                doc["paths"].setdefault(path, {})[method] = operation
    doc["paths"] = dict(sorted(doc["paths"].items()))
    return doc


def _without_clashes(part: dict[str, Any], doc: dict[str, Any], service: str) -> dict[str, Any]:
    """Services name their models independently: a model whose name another service already uses for a
    different schema is renamed `<Service><Name>` in this part (its references too)."""
    known = doc["components"]["schemas"]
    text = json.dumps(part)
    for name, schema in part.get("components", {}).get("schemas", {}).items():
        if name in known and known[name] != schema:
            renamed = f"{service.title()}{name}"
            text = text.replace(f'"#/components/schemas/{name}"', f'"#/components/schemas/{renamed}"')
            text = text.replace(f'"{name}": {json.dumps(schema)}', f'"{renamed}": {json.dumps(schema)}')
    renamed_part: dict[str, Any] = json.loads(text)
    return renamed_part


def _describe(operation: dict[str, Any], auth: Auth | None) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    for status, response in responses.items():
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if status.startswith("2") and schema and schema.get("type") != "string":
            response["content"]["application/json"]["schema"] = {
                "type": "object",
                "required": ["success", "data", "meta"],
                "properties": {
                    "success": {"const": True},
                    "data": schema,
                    "meta": {"$ref": "#/components/schemas/Meta"},
                },
            }
    responses.setdefault("400", _ERROR)
    responses.setdefault("default", _ERROR)
    if auth is Auth.USER:
        operation["security"] = [{"bearer": []}]
    elif auth is Auth.SERVICE:
        operation["security"] = [{"serviceToken": []}]
    elif auth is Auth.SYSTEM:
        operation["security"] = [{"serviceToken": [], "systemToken": []}]


def render(registry: Registry) -> str:
    return json.dumps(document(registry), indent=2, sort_keys=False) + "\n"
