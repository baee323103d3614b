"""A service call on the wire: the request the service client builds, the answer a transport brings back,
and the transport protocol between them.

Its own module so that the service client (which picks a transport) and the transports (which carry its
requests) both import it and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# The header of a non-idempotent call's idempotency key: the typed client makes one per call, every retry
# of the call repeats it, and the callee answers a repeat with the first answer (shared.idempotent_calls).
IDEMPOTENCY_KEY = "idempotency-key"


@dataclass(frozen=True)
class OutgoingRequest:
    service: str
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes | None
    # The callee's function (`<service>-<function>`, its declared qualified name) when the caller knows it
    # (typed clients do): the Lambda transport invokes it by name; the others route by method and path.
    function: str | None = None


@dataclass(frozen=True)
class IncomingResponse:
    status: int
    body: Any  # the parsed envelope


class Transport(Protocol):
    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        """Deliver the request. Raise `Timeout` when the callee does not answer in time and
        `ServiceUnavailable` when it cannot be reached; return anything the callee answered."""
        ...
