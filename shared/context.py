"""Who is asking and under which request: seed 000's standard headers, turned into one typed context.

The context lives in a ContextVar so that the logger, the service client and the event publisher pick it
up without it being passed through every call. `HttpApp` and `Subscriber` bind it; nothing else does.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import InvalidRequest, Unauthorized
from shared.models import CamelModel


class Headers:
    """Seed 000's header names (lower case: HTTP API v2 lower-cases every header)."""

    SERVICE_TOKEN = "x-service-token"
    SERVICE_NAME = "x-service-name"
    REQUEST_ID = "x-request-id"
    CORRELATION_ID = "x-correlation-id"
    USER_CONTEXT = "x-user-context"
    TENANT_ID = "x-tenant-id"
    SYSTEM_TOKEN = "x-system-token"
    TRACE_PARENT = "traceparent"


def new_id(prefix: str = "") -> str:
    """A random, URL-safe id; `prefix` says what it names (`req_`, `evt_`, `u_` ...)."""
    return f"{prefix}{uuid.uuid4().hex}"


class UserContext(CamelModel):
    """The verified caller: set by the gateway's authorizer, passed downstream as `X-User-Context`."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(alias="userId")
    tenant_id: str = Field(alias="tenantId")
    permissions: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    session_id: str | None = Field(default=None, alias="sessionId")

    def to_header(self) -> str:
        raw = self.model_dump_json(by_alias=True, exclude_none=True).encode()
        return base64.b64encode(raw).decode()

    @classmethod
    def from_header(cls, value: str) -> UserContext:
        try:
            return cls.model_validate_json(base64.b64decode(value, validate=True))
        except (binascii.Error, ValidationError, ValueError) as exc:
            raise InvalidRequest("X-User-Context is not valid base64 JSON", field="X-User-Context") from exc


class RequestContext(BaseModel):
    """Everything a function may know about the request it serves."""

    model_config = ConfigDict(frozen=True)

    request_id: str
    correlation_id: str
    service: str
    caller: str | None = None  # the calling service, on internal calls
    user: UserContext | None = None
    tenant_id: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    traceparent: str | None = None
    started_at: float = Field(default_factory=time.perf_counter)

    @classmethod
    def from_headers(
        cls,
        headers: Mapping[str, str],
        *,
        service: str,
        caller: str | None = None,
        user: UserContext | None = None,
        source_ip: str | None = None,
        user_agent: str | None = None,
    ) -> RequestContext:
        """Build the context at the edge: a missing request id is generated here and only here."""
        request_id = headers.get(Headers.REQUEST_ID) or new_id("req_")
        return cls(
            request_id=request_id,
            correlation_id=headers.get(Headers.CORRELATION_ID) or request_id,
            service=service,
            caller=caller,
            user=user,
            tenant_id=user.tenant_id if user else None,
            source_ip=source_ip,
            user_agent=user_agent,
            traceparent=headers.get(Headers.TRACE_PARENT),
        )

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started_at) * 1000, 3)

    def require_user(self) -> UserContext:
        if self.user is None:
            raise Unauthorized()
        return self.user

    def outgoing_headers(self, *, include_user: bool = True) -> dict[str, str]:
        """The headers that carry this context to the next hop."""
        out = {Headers.REQUEST_ID: self.request_id, Headers.CORRELATION_ID: self.correlation_id}
        if self.traceparent:
            out[Headers.TRACE_PARENT] = self.traceparent
        if include_user and self.user is not None:
            out[Headers.USER_CONTEXT] = self.user.to_header()
            out[Headers.TENANT_ID] = self.user.tenant_id
        return out


_current: ContextVar[RequestContext | None] = ContextVar("stratus_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def require() -> RequestContext:
    ctx = _current.get()
    if ctx is None:  # a programming error: something ran outside HttpApp/Subscriber
        raise RuntimeError("no request context is bound")
    return ctx


@contextmanager
def bound(ctx: RequestContext) -> Iterator[RequestContext]:
    """Bind `ctx` for the duration of a request; restores the outer one (in-process calls nest)."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
