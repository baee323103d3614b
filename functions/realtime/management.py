"""The WebSocket API's management endpoint (`@connections`): PostToConnection and DeleteConnection, through
boto3's `apigatewaymanagementapi` client — on AWS the deployment's endpoint, under `stratus dev` the local
gateway's stand-in (stratus/websocket.py), which speaks the same HTTP.

API Gateway cannot close a connection with a chosen code; the close code API.md names (4401, 4429) rides
along in the `X-Stratus-Close-Code` header, which API Gateway ignores and the local stand-in honours. The
message sent just before the close (`auth_error`, `error`, `session_ended`) carries the reason on both.

Fan-out posts in batches of `BATCH` concurrent calls (the management API has no batch operation); a
connection that answers 410 Gone is reported, and its rows are deleted by the caller.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shared.config import settings
from shared.errors import ServiceUnavailable
from shared.observability import logger

BATCH = 32
CLOSE_CODE_HEADER = "X-Stratus-Close-Code"

log = logger("realtime")
_lock = threading.Lock()
_client: Any = None
_endpoint: str | None = None
_pool: ThreadPoolExecutor | None = None
_close_code = threading.local()


@dataclass
class Delivery:
    delivered: int = 0
    gone: list[str] = field(default_factory=list)
    failed: int = 0


def _api() -> Any:
    """One client per container (and per endpoint: the local runner's port changes between runs)."""
    global _client, _endpoint
    endpoint = settings().ws_endpoint
    if _client is None or _endpoint != endpoint:
        with _lock:
            if _client is None or _endpoint != endpoint:
                if not endpoint:
                    raise ServiceUnavailable("The WebSocket endpoint is not configured (STRATUS_WS_ENDPOINT)")
                import boto3  # deferred: only pushing functions pay for it

                made = boto3.session.Session().client(
                    "apigatewaymanagementapi",
                    endpoint_url=endpoint,
                    region_name=settings().region,
                    config=Config(
                        connect_timeout=2,
                        read_timeout=5,
                        max_pool_connections=BATCH,
                        retries={"max_attempts": 2, "mode": "standard"},
                    ),
                )
                made.meta.events.register("before-sign.apigatewaymanagementapi.DeleteConnection", _add_code)
                _client, _endpoint = made, endpoint
    return _client


def _add_code(request: Any, **_: Any) -> None:
    code = getattr(_close_code, "value", None)
    if code is not None:
        request.headers[CLOSE_CODE_HEADER] = str(code)


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), default=str).encode()


def post(connection_id: str, data: bytes) -> bool:
    """Send one message; False when the connection is gone (410)."""
    try:
        _api().post_to_connection(ConnectionId=connection_id, Data=data)
        return True
    except ClientError as exc:
        if _gone(exc):
            return False
        raise


def close(connection_id: str, code: int = 1000) -> bool:
    """Close the connection (API Gateway then calls $disconnect); False when it was already gone."""
    _close_code.value = code
    try:
        _api().delete_connection(ConnectionId=connection_id)
        return True
    except ClientError as exc:
        if _gone(exc):
            return False
        raise
    finally:
        _close_code.value = None


def send_all(connection_id: str, messages: Sequence[dict[str, Any]], close_code: int | None = None) -> bool:
    """A function's replies on one connection, then the close if asked; False once it is gone."""
    for message in messages:
        if not post(connection_id, encode(message)):
            return False
    if close_code is not None:
        return close(connection_id, close_code)
    return True


def fan_out(connection_ids: Iterable[str], message: dict[str, Any]) -> Delivery:
    """Post `message` to every connection, `BATCH` at a time; gone ones are listed, failures counted."""
    data = encode(message)
    ids = list(dict.fromkeys(connection_ids))
    result = Delivery()
    if not ids:
        return result
    for start in range(0, len(ids), BATCH * 8):
        chunk = ids[start : start + BATCH * 8]
        for cid, outcome in zip(chunk, _executor().map(lambda c: _try_post(c, data), chunk), strict=True):
            if outcome is True:
                result.delivered += 1
            elif outcome is False:
                result.gone.append(cid)
            else:
                result.failed += 1
    if result.failed:
        log.warning("some pushes failed", failed=result.failed, delivered=result.delivered)
    return result


def _try_post(connection_id: str, data: bytes) -> bool | None:
    try:
        return post(connection_id, data)
    except (BotoCoreError, ClientError):
        log.warning("push failed", connection_id=connection_id, exc_info=True)
        return None


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=BATCH, thread_name_prefix="realtime-push")
    return _pool


def _gone(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error.get("Code") == "GoneException" or status == 410
