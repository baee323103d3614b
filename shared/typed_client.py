"""`TypedClient`: the base of each service's typed client (`functions/<service>/client.py`).

A callee publishes one class with one method per internal route of its manifest, taking and returning
its own pydantic models:

    class UsersClient(TypedClient):
        callee = SERVICE  # functions/users/manifest.py

        def validate_credentials(self, body: Credentials) -> VerifiedUser:
            \"\"\"`POST /internal/users/validate-credentials`: check an email and password (...).

            Handled by functions/users/validate_credentials.py.\"\"\"
            return self._send("validate-credentials", VerifiedUser, body)

and a caller makes one per callee, at module level, with its own service:

    users = UsersClient(SERVICE)  # raises here unless a function of SERVICE declares calls=("users", ...)
    user = users.validate_credentials(Credentials(email=..., password=..., tenant_id=..., source=...))
    user.user_id

The path comes from the callee's declared route (path parameters URL-quoted), the body is the request
model as the callee reads it (`by_alias`, no nulls, JSON types), the answer is validated into the response
model. Underneath is `shared.service_client.ServiceClient`: its retries, backoff, circuit breaker,
transports and headers are unchanged, and its service tokens carry the caller's layer, which the callee
checks (`shared.http_app`). The request names the callee's function (the Lambda transport invokes it by
name), and a call to a route that is not idempotent carries an idempotency key, the same on every retry,
that the callee de-duplicates (`shared.idempotent_calls`): such calls are retried too, and run once.

A client module imports only its service's manifest and models (a caller's cold start must not load the
callee's handlers or stores), so this module imports no transport, table or handler either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import ClassVar, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from shared.context import Headers, new_id
from shared.declarations import Auth, Function, Route, Service
from shared.errors import InternalError
from shared.service_client import ServiceClient
from shared.wire import IDEMPOTENCY_KEY, Transport

Answer = TypeVar("Answer", bound=BaseModel)
QueryValue = str | int | bool | None


class UndeclaredCall(RuntimeError):
    """A client for a service its caller does not declare in `calls=`: refused when the module loads."""


class TypedClient:
    callee: ClassVar[Service]
    # Internal routes of the callee that the client leaves out on purpose, with the reason (the test that
    # keeps clients and manifests in step reads it): e.g. a text endpoint for scrapers, not a service call.
    not_called: ClassVar[Mapping[str, str]] = {}

    def __init__(self, caller: Service, *, transport: Transport | None = None) -> None:
        declared = {callee for fn in caller.functions for callee in fn.calls}
        if self.callee.name != caller.name and self.callee.name not in declared:
            raise UndeclaredCall(
                f"{caller.name} does not declare calls to {self.callee.name}: add {self.callee.name!r} to "
                f"`calls=` of the function that makes them (functions/{caller.name}/manifest.py)"
            )
        self.caller = caller
        # The untyped client underneath: the callee's policy and breaker, the transport, the headers.
        self.service_client = ServiceClient(caller.name, layer=caller.layer, transport=transport)

    def _send(
        self,
        function: str,
        answer: type[Answer],
        body: BaseModel | None = None,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        system_token: str | None = None,
    ) -> Answer:
        """Call the callee's `function` (its declared name) and return its answer as `answer`."""
        fn = self.callee.function(function)
        route = _internal_route(fn)
        headers: dict[str, str] = {}
        if route.auth is Auth.SYSTEM:
            if not system_token:
                raise TypeError(f"{fn.qualified_name} is a maintenance route: it needs a system token")
            headers[Headers.SYSTEM_TOKEN] = system_token
        if not route.idempotent:
            # One key per call, repeated by each of its retries: the callee runs it once.
            headers[IDEMPOTENCY_KEY] = new_id("idem_")
        data = self.service_client.call(
            self.callee.name,
            route.method,
            _path(route, path or {}),
            body=None if body is None else _json(body),
            query={k: _query_value(v) for k, v in (query or {}).items() if v is not None},
            headers=headers,
            function=fn.qualified_name,
            idempotent=bool(route.idempotent),
        )
        try:
            return answer.model_validate(data)
        except ValidationError as exc:  # the callee broke its own contract: our failure, not the client's
            raise InternalError(
                f"{fn.qualified_name} answered outside its {answer.__name__} model",
                details={"function": fn.qualified_name},
            ) from exc


def _internal_route(fn: Function) -> Route:
    route = fn.route
    if route.auth not in (Auth.SERVICE, Auth.SYSTEM):
        raise TypeError(f"{fn.qualified_name} is not an internal route ({route.key} is {route.auth})")
    return route


def _path(route: Route, values: Mapping[str, str]) -> str:
    if set(values) != set(route.params):
        raise TypeError(f"{route.key} takes path parameters {route.params}, got {tuple(values)}")
    path = route.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


def _json(body: BaseModel) -> bytes:
    payload = body.model_dump(by_alias=True, exclude_none=True, mode="json")
    return json.dumps(payload, separators=(",", ":")).encode()


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
