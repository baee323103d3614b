"""The callee's side of a safe retry: a keyed internal call runs once, and a repeat gets the first answer.

A typed client sends every call to a route that is not idempotent with an `Idempotency-Key` (one per
call, the same on each of its retries: `shared.typed_client`). When the first answer is lost on the way
back (a timeout, a dropped connection, a Lambda Invoke that failed after the callee committed), the retry
must not create a second record, nor be told 409 about the one it created: `HttpApp` runs such a call
through `IdempotentCalls.run`, Powertools idempotency on the kernel's idempotency table, keyed on the
calling service, the callee's function and the key.

- The first answer (2xx or 4xx) is kept for `REMEMBER_SECONDS` and returned to every repeat as it was.
- A 5xx is not kept: the repeat runs again (the failure said nothing was done, or nothing reliable).
- A repeat while the first is still running is 503 (retryable); the client's backoff finds the answer.
- The same key with another request (path, body, user or tenant) is 409: a key names one call.

A record costs the call two DynamoDB writes (a PutItem before, an UpdateItem after). Where the request can
name what it creates (a session and its secret, a user, a seat, an attempt), the route is made idempotent
by construction instead — the callee's conditional write lets a repeat find its own record and answer it
again — and declared `idempotent=True`, so no record is kept (docs/architecture.md, "Service calls").
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from shared import aws
from shared.config import settings
from shared.context import Headers
from shared.declarations import IDEMPOTENCY_TABLE, Auth, Function
from shared.errors import Conflict, InvalidRequest, ServiceUnavailable
from shared.wire import IDEMPOTENCY_KEY

# Longer than any client's retries last (seed 000's policies: under a minute); short, since a kept answer
# may hold what the call returned (tokens, a session).
REMEMBER_SECONDS = 600
MAX_KEY_LENGTH = 128

Result = dict[str, Any]


class _NotKept(Exception):
    def __init__(self, result: Result) -> None:
        super().__init__("a 5xx answer is not kept")
        self.result = result


def applies(function: Function, headers: Mapping[str, str]) -> bool:
    """A keyed call to an internal route that is not idempotent by itself."""
    route = function.route
    return route.auth in (Auth.SERVICE, Auth.SYSTEM) and not route.idempotent and IDEMPOTENCY_KEY in headers


class IdempotentCalls:
    """One per HTTP function (`HttpApp` makes it when the route can be keyed)."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self.config = IdempotencyConfig(
            event_key_jmespath="[caller, key]",
            payload_validation_jmespath="request",
            expires_after_seconds=REMEMBER_SECONDS,
        )
        self._built: tuple[Any, Callable[..., Result]] | None = None

    def run(
        self,
        *,
        caller: str,
        headers: Mapping[str, str],
        path: str,
        body: str | None,
        context: Any,
        execute: Callable[[], Result],
    ) -> Result:
        """`execute` once per (caller, key); its kept answer otherwise."""
        key = headers[IDEMPOTENCY_KEY]
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidRequest(
                f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters", field="Idempotency-Key"
            )
        # What the key promises is the same request: its path, its body and on whose behalf.
        request = hashlib.sha256(
            "\n".join(
                (
                    path,
                    body or "",
                    headers.get(Headers.USER_CONTEXT, ""),
                    headers.get(Headers.TENANT_ID, ""),
                )
            ).encode()
        ).hexdigest()
        if context is not None and hasattr(context, "get_remaining_time_in_millis"):
            # An in-progress marker outlives a crashed invocation only until the invocation's deadline.
            self.config.register_lambda_context(context)
        try:
            return self._once(call={"caller": caller, "key": key, "request": request}, execute=execute)
        except _NotKept as failed:
            return failed.result
        except IdempotencyAlreadyInProgressError as exc:
            raise ServiceUnavailable(
                "The same call is still being processed; retry shortly", details={"retryAfter": 1}
            ) from exc
        except IdempotencyValidationError as exc:
            raise Conflict(
                "This Idempotency-Key was used for a different request", field="Idempotency-Key"
            ) from exc
        except IdempotencyPersistenceLayerError as exc:
            raise ServiceUnavailable("Idempotency records are unavailable") from exc

    @property
    def _once(self) -> Callable[..., Result]:
        """Built on first use, and again whenever the DynamoDB client is replaced (the local runner and
        tests point the process at a new emulator; a layer bound to the old one would fail)."""
        client = aws.client("dynamodb")
        if self._built is None or self._built[0] is not client:
            store = DynamoDBPersistenceLayer(
                table_name=settings().table_name(IDEMPOTENCY_TABLE.name),
                key_attr="pk",
                sort_key_attr="sk",
                expiry_attr=IDEMPOTENCY_TABLE.ttl_attribute or "expiration",
                boto3_client=client,
            )
            once: Callable[..., Result] = idempotent_function(
                data_keyword_argument="call",
                persistence_store=store,
                config=self.config,
                key_prefix=f"call#{self.function.qualified_name}",
            )(_execute)
            self._built = (client, once)
        return self._built[1]


def _execute(call: Mapping[str, str], execute: Callable[[], Result]) -> Result:
    result = execute()
    if int(result.get("statusCode", 200)) >= 500:
        raise _NotKept(result)  # Powertools deletes the in-progress record: a repeat runs again
    return result
