"""What the OpenAPI documents tell a reader beyond the shapes (issue 13.6): the permission each operation
needs, every seed 000 code each of its error statuses can carry (in the response's description), and an
example of every body: the request, the success envelope, and each error status's envelope with the code a
client meets most (shared in `components/examples`, to keep the document small).

`PERMISSIONS` is read from the services' checks (`permissions.require(user, "user.read")`,
`is_platform_admin(user)`, …); tests/unit/stratus/test_openapi_docs.py holds it to them: every protected
public route is in it, and each permission it names appears in that service's code."""

from __future__ import annotations

import re
from typing import Any

from shared.declarations import Auth, Function
from shared.errors import SPECS, error_for
from stratus.openapi_examples import NoExample, example

SIGNED_IN = "any signed-in user of the tenant"
PLATFORM_ADMIN = "a platform admin (`tenant.admin` in the `platform` tenant)"
OWN_TENANT = "a user of that tenant, or a platform admin (another tenant's id is 404)"
APP_MEMBER = "any signed-in user of a tenant that enabled the app (docs/apps.md)"

# The permission a protected public route needs, by route key: a `resource.action` permission (with what
# the service allows without it), or one of the phrases above.
PERMISSIONS: dict[str, str] = {
    "POST /api/v1/api-keys": "apikey.manage",
    "GET /api/v1/api-keys": "apikey.manage",
    "DELETE /api/v1/api-keys/{keyId}": "apikey.manage",
    "GET /api/v1/audit": "audit.read",
    "POST /api/v1/auth/change-password": SIGNED_IN,
    "POST /api/v1/auth/logout": SIGNED_IN,
    "POST /api/v1/auth/mfa/activate": SIGNED_IN,
    "POST /api/v1/auth/mfa/disable": SIGNED_IN,
    "POST /api/v1/auth/mfa/enroll": SIGNED_IN,
    "GET /api/v1/files": "file.read",
    "POST /api/v1/files/upload": "file.upload",
    "GET /api/v1/files/{fileId}": "file.read",
    "DELETE /api/v1/files/{fileId}": "file.delete (not needed for your own file)",
    "POST /api/v1/files/{fileId}/complete": "file.upload (not needed for your own upload)",
    "GET /api/v1/files/{fileId}/download": "file.read",
    "GET /api/v1/flags": SIGNED_IN,
    "POST /api/v1/invitations": "user.invite",
    "GET /api/v1/invitations": "user.invite",
    "DELETE /api/v1/invitations/{invitationId}": "user.invite",
    "GET /api/v1/jobs": PLATFORM_ADMIN,
    "GET /api/v1/metrics/summary": "metrics.read",
    "GET /api/v1/notifications": "notification.read",
    "POST /api/v1/notifications/{notificationId}/read": "notification.read",
    "GET /api/v1/notifications/preferences": SIGNED_IN,
    "PUT /api/v1/notifications/preferences": SIGNED_IN,
    "PUT /api/v1/notifications/templates/{name}": "notification.manage",
    "POST /api/v1/realtime/publish": "realtime.publish",
    "POST /api/v1/registry/services": PLATFORM_ADMIN,
    "GET /api/v1/registry/services": PLATFORM_ADMIN,
    "GET /api/v1/registry/services/{serviceId}": PLATFORM_ADMIN,
    "GET /api/v1/registry/services/{serviceId}/deliveries": PLATFORM_ADMIN,
    "POST /api/v1/registry/services/{serviceId}/deregister": PLATFORM_ADMIN,
    "GET /api/v1/roles": SIGNED_IN,
    "POST /api/v1/roles": "role.write",
    "PUT /api/v1/roles/{name}": "role.write",
    "POST /api/v1/tenants": PLATFORM_ADMIN,
    "GET /api/v1/tenants": PLATFORM_ADMIN,
    "GET /api/v1/tenants/{tenantId}": OWN_TENANT,
    "PATCH /api/v1/tenants/{tenantId}": "tenant.write (the plan and quotas: a platform admin)",
    "DELETE /api/v1/tenants/{tenantId}": PLATFORM_ADMIN,
    "POST /api/v1/tenants/{tenantId}/suspend": PLATFORM_ADMIN,
    "POST /api/v1/tenants/{tenantId}/export": "tenant.export (or a platform admin)",
    "GET /api/v1/tenants/{tenantId}/exports/{exportId}": "tenant.export (or a platform admin)",
    "GET /api/v1/tenants/{tenantId}/services": OWN_TENANT,
    "PUT /api/v1/tenants/{tenantId}/services/{name}": "tenant.write (or a platform admin)",
    "GET /api/v1/users": "user.read",
    "GET /api/v1/users/me": SIGNED_IN,
    "GET /api/v1/users/{userId}": "user.read (not needed for yourself)",
    "PATCH /api/v1/users/{userId}": "user.write (not needed for yourself)",
    "DELETE /api/v1/users/{userId}": "user.delete",
    "POST /api/v1/users/{userId}/suspend": "user.write",
    "GET /api/v1/users/{userId}/permissions": "user.read (not needed for yourself)",
    "POST /api/v1/users/{userId}/roles": "role.assign",
    "DELETE /api/v1/users/{userId}/roles/{role}": "role.assign",
    "GET /api/v1/config/{scope}/{key}": "config.read",
    "GET /api/v1/config/{scope}/{key}/versions": "config.read",
    "PUT /api/v1/config/{scope}/{key}": "config.write",
    "POST /api/v1/config/{scope}/{key}/rollback": "config.write",
    "ANY /api/v1/apps/{name}/{proxy+}": "the app endpoint's `requiredPermission` (registry), if it has one",
    "GET /api/v1/oauth2/authorize": SIGNED_IN,
    "POST /api/v1/graphql": "any signed-in user of the tenant; each field checks its own permission",
    "GET /api/v1/queues": PLATFORM_ADMIN,
    "POST /api/v1/queues/{name}/redrive": PLATFORM_ADMIN,
}

# The code shown first among a status's examples: the one a client meets most.
_USUAL = {
    401: "INVALID_TOKEN",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: "INTERNAL_ERROR",
}
_PERMISSION_NAME = re.compile(r"[a-z_]+\.[a-z_*]+")
_REQUEST_ID = "req_5f2c1e9a7b3d4c8e"
_STAMP = "2026-01-15T09:30:00.000Z"


def permission(fn: Function) -> str | None:
    """What the caller of a public route must hold; None for a route anyone may call."""
    route = fn.route
    if route.auth is Auth.PUBLIC:
        return None
    if route.key not in PERMISSIONS and fn.module.startswith("apps."):  # an in-repo app's own route
        return APP_MEMBER
    return PERMISSIONS.get(route.key)


def describe_permission(operation: dict[str, Any], fn: Function) -> None:
    """`x-permission` (the permission's name, or the phrase) and a line in the description."""
    need = permission(fn)
    if need is None:
        return
    name, _, rest = need.partition(" ")
    if _PERMISSION_NAME.fullmatch(name):
        operation["x-permission"] = name
        need = f"`{name}` {rest}".rstrip()
    else:
        operation["x-permission"] = need
    operation["description"] = (
        f"{operation.get('description', '').rstrip()}\n\n**Permission:** {need}".lstrip()
    )


def codes_of(status: int) -> list[str]:
    codes = sorted(str(code) for code, spec in SPECS.items() if spec.status == status)
    usual = _USUAL.get(status)
    return [usual, *[c for c in codes if c != usual]] if usual in codes else codes


def error_codes_text(statuses: list[int]) -> str:
    return ", ".join(f"`{code}`" for status in statuses for code in codes_of(status))


def error_examples(statuses: list[int]) -> dict[str, Any]:
    """`{code: {"$ref": …}}` of the usual code of the first status (the description lists the others)."""
    code = codes_of(statuses[0])[0]
    return {code: {"$ref": f"#/components/examples/{code}"}}


def example_components(doc: dict[str, Any]) -> dict[str, Any]:
    """One example error envelope per code the document refers to."""
    used: set[str] = set()
    for operations in doc["paths"].values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                examples = response.get("content", {}).get("application/json", {}).get("examples", {})
                used.update(examples)
    out = {}
    for code in sorted(used):
        error = error_for(code, "")
        envelope = {
            "success": False,
            "error": {
                "code": code,
                "message": error.default_message,
                "requestId": _REQUEST_ID,
                "timestamp": _STAMP,
                "service": "users",
                "retryable": error.retryable,
            },
        }
        out[code] = {"summary": f"{SPECS[error.code].status} {code}", "value": envelope}
    return out


def add_body_examples(doc: dict[str, Any]) -> None:
    """An example of each request body and each success body (errors have theirs by code)."""
    schemas = doc["components"]["schemas"]
    missing: list[str] = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            bodies = [operation.get("requestBody", {}).get("content", {}).get("application/json")]
            for status, response in operation.get("responses", {}).items():
                if status.startswith("2"):
                    bodies.append(response.get("content", {}).get("application/json"))
            for body in bodies:
                if body is None or "schema" not in body:
                    continue
                try:
                    body["example"] = example(body["schema"], schemas, name=where)
                except NoExample as exc:
                    missing.append(f"{where}: {exc}")
    if missing:
        raise NoExample(
            "no example fits; add a candidate in stratus/openapi_examples.py:\n" + "\n".join(missing)
        )
