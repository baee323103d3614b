"""CORS for the gateways Stratus runs itself (the local runner, the WSGI monolith, functions-framework):
the policy the deployments give API Gateway's HTTP API (`cors_configuration`), answered here the same way.

Origins are exact (`https://app.example.com`), any port of a host (`http://localhost:*`), or `*`. Tokens
travel in the `Authorization` header, never in cookies, so credentials are not allowed and `*` is safe to
answer literally.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "idempotency-key",
    "x-api-key",
    "x-correlation-id",
    "x-request-id",
    "x-tenant-id",
)
EXPOSED_HEADERS = ("retry-after", "x-request-id")
MAX_AGE_SECONDS = 600
LOCAL_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")


@dataclass(frozen=True)
class CorsPolicy:
    origins: tuple[str, ...] = ()

    def allows(self, origin: str) -> bool:
        return any(_matches(pattern, origin) for pattern in self.origins)

    def preflight_headers(self, origin: str, methods: Iterable[str]) -> dict[str, str]:
        return {
            **self.response_headers(origin),
            "Access-Control-Allow-Methods": ", ".join(sorted({*methods, "OPTIONS"})),
            "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
            "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
        }

    def response_headers(self, origin: str) -> dict[str, str]:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Expose-Headers": ", ".join(EXPOSED_HEADERS),
            "Vary": "Origin",
        }


def _matches(pattern: str, origin: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(":*"):
        host, _, port = origin.rpartition(":")
        return host == pattern[:-2] and port.isdigit()
    return origin == pattern
