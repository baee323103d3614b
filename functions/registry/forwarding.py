"""`/api/v1/apps/{name}/...`: an app's endpoint, reached through the platform (API.md "Apps": routing).

In order: the app by name (404 unknown, 503 `SERVICE_UNAVAILABLE` deregistered or without a heartbeat for
the TTL); its declared endpoint for the method and path (404); the caller — the authorizer's verified user
or API key (it already applied the rate limit of this app in the caller's tenant), or nobody on a public
endpoint, whose tenant is `X-Tenant-ID` or the host's first label; the tenant's enablement (403
`FORBIDDEN`); the endpoint's `requiredPermission` (403 `PERMISSION_DENIED`). Then the request goes to
`baseUrl + path` with the platform's headers only:

- `X-Request-ID`, `X-Correlation-ID`;
- `X-Tenant-ID`: the verified tenant (never the client's header: an authenticated request whose header
  differs is refused before this runs, and the header is replaced here);
- `X-User-Context`: the caller (user or key id, tenant, roles, permissions; no session id);
- `Authorization: Bearer <app token>`: RS256, audience the app's name, two minutes
  (`shared.access_tokens.issue_app`), verifiable with the JWKS. The caller's own credential never
  leaves the platform.

The app's answer comes back as it is (status, body, a few safe headers); no answer within
`settings().app_timeout_seconds` is 504 `TIMEOUT`, an unreachable app 503. Redirects are not followed.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools.event_handler import Response

from functions.registry import apps, in_repo, ports
from functions.registry.models import APP_NAME_PATTERN
from shared import access_tokens, public_tenant
from shared.config import settings
from shared.context import RequestContext, UserContext, require
from shared.errors import (
    Forbidden,
    InvalidToken,
    MethodNotAllowed,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Timeout,
)
from shared.permissions import allows

PREFIX = "/api/v1/apps/"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024  # Lambda's response payload limit
# Request headers a client may pass on to an app; everything else (credentials, cookies, the platform's
# own headers, hop-by-hop headers) stays at the platform.
PASSED_REQUEST_HEADERS = (
    "accept",
    "accept-language",
    "content-type",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "user-agent",
    "idempotency-key",
)
PASSED_RESPONSE_HEADERS = (
    "cache-control",
    "content-language",
    "etag",
    "last-modified",
    "location",
    "retry-after",
    "vary",
)
CREDENTIAL_HEADERS = ("authorization", "x-api-key")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any, **__: Any) -> None:
        return None  # a 3xx goes back to the client as the app sent it


_opener = urllib.request.build_opener(_NoRedirects())


def forward(
    name: str, method: str, raw_path: str, query: str, headers: Mapping[str, str], body: bytes
) -> Response[Any]:
    ctx = require()
    if not re.fullmatch(APP_NAME_PATTERN, name):
        raise NotFound(f"No app named {name!r}", details={"name": name})
    in_repo_app = in_repo.by_name(name)
    if in_repo_app is not None:  # its declared routes matched before this one: not one of them
        _refuse_undeclared(in_repo_app, method, raw_path[len(PREFIX) + len(name) :] or "/")
    record = ports.store().by_name(name)
    if record is None:
        raise NotFound(f"No app named {name!r}", details={"name": name})
    if not record.active():
        raise ServiceUnavailable(f"The app {name!r} is not available", details={"name": name})
    tail = raw_path[len(PREFIX) + len(name) :] or "/"
    endpoint = apps.endpoint_for(record, method, tail)
    if endpoint is None:
        raise NotFound(f"The app {name!r} has no endpoint {method} {tail}", details={"name": name})
    user = ctx.user
    if user is None:
        if any(headers.get(h) for h in CREDENTIAL_HEADERS):
            raise InvalidToken("The credential is not valid")
        if not endpoint.public:
            raise InvalidToken("A valid access token or API key is required")
        tenant_id = public_tenant.claimed(headers)
    else:
        tenant_id = user.tenant_id
    choice = ports.store().enablement(tenant_id, record.service_id)
    if choice is None or not choice.enabled:
        raise Forbidden(f"The app {name!r} is not enabled for this tenant", details={"name": name})
    needed = endpoint.required_permission
    if needed and (user is None or not allows(user.permissions, needed)):
        if user is None:
            raise InvalidToken(f"Requires {needed}: a credential is required")
        raise PermissionDenied(f"Requires {needed}", details={"permission": needed})
    return _send(record, method, tail, query, headers, body, ctx, user, tenant_id)


def _refuse_undeclared(app: in_repo.InRepoApp, method: str, tail: str) -> None:
    """A request no declared route of an in-repo app took: 405 with `Allow` when the path is one of its
    routes under another method (as the gateway answers for platform routes), else 404."""
    allowed = sorted({e["method"] for e in app.endpoints if apps.path_matches(e["path"], tail)})
    if allowed:
        raise MethodNotAllowed(
            f"{method} is not allowed on this path of {app.name!r}; use {', '.join(allowed)}",
            headers={"Allow": ", ".join(allowed)},
            details={"allow": allowed},
        )
    raise NotFound(f"The app {app.name!r} has no such endpoint", details={"name": app.name})


def _send(
    record: ports.AppRecord,
    method: str,
    tail: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    ctx: RequestContext,
    user: UserContext | None,
    tenant_id: str,
) -> Response[Any]:
    outgoing = {h: headers[h] for h in PASSED_REQUEST_HEADERS if headers.get(h)}
    subject = user.user_id if user else "anonymous"
    permissions = user.permissions if user else ()
    outgoing |= {
        "X-Request-ID": ctx.request_id,
        "X-Correlation-ID": ctx.correlation_id,
        "X-Tenant-ID": tenant_id,
        "X-Forwarded-For": ctx.source_ip or "",
        "Authorization": "Bearer " + access_tokens.issue_app(record.name, subject, tenant_id, permissions),
    }
    if user is not None:
        caller = UserContext(
            user_id=user.user_id, tenant_id=tenant_id, roles=user.roles, permissions=user.permissions
        )
        outgoing["X-User-Context"] = caller.to_header()
    url = record.base_url + quote(tail, safe="/:@!$&'()*+,;=-._~%") + (f"?{query}" if query else "")
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL a platform admin registered
        url, data=body or None, method=method, headers=outgoing
    )
    timeout = settings().app_timeout_seconds
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return _answer(answer.status, answer.headers, answer.read(MAX_RESPONSE_BYTES + 1))
    except urllib.error.HTTPError as exc:  # the app answered, with a 3xx, 4xx or 5xx: passed on as is
        with exc:
            return _answer(exc.code, exc.headers, exc.read(MAX_RESPONSE_BYTES + 1))
    except TimeoutError as exc:
        raise Timeout(f"The app {record.name!r} did not answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise Timeout(f"The app {record.name!r} did not answer within {timeout:g} s") from exc
        raise ServiceUnavailable(f"The app {record.name!r} cannot be reached") from exc
    except (ConnectionError, OSError) as exc:
        raise ServiceUnavailable(f"The app {record.name!r} cannot be reached") from exc


def _answer(status: int, headers: Any, raw: bytes) -> Response[Any]:
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ServiceUnavailable("The app's answer is larger than the platform passes on")
    passed = {h: headers[h] for h in PASSED_RESPONSE_HEADERS if headers.get(h)}
    content_type = headers.get("content-type") or "application/octet-stream"
    body: str | bytes
    try:
        body = raw.decode("utf-8") if raw else ""
    except UnicodeDecodeError:
        body = raw
    return Response(status_code=status, content_type=content_type, body=body, headers=passed)


def request_body(event: Any) -> bytes:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(raw)
    return str(raw).encode()
