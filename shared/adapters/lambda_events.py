"""The event shapes AWS sends, built for callers that are not AWS (local gateway, WSGI, in-process calls,
queue pumps, schedules), so a function sees the same event wherever it runs."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from shared.declarations import Function, Route


def http_event(
    method: str,
    path: str,
    *,
    route: Route | None = None,
    path_params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
    source_ip: str = "127.0.0.1",
    authorizer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload v2.0) event."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    raw_body, is_b64 = _body(body, lowered.get("content-type", ""))
    now = time.time()
    request_context: dict[str, Any] = {
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": lowered.get("host", "localhost"),
        "domainPrefix": "local",
        "http": {
            "method": method.upper(),
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": lowered.get("user-agent", ""),
        },
        "requestId": uuid.uuid4().hex,
        "routeKey": route.key if route else "$default",
        "stage": "$default",
        "time": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now * 1000),
    }
    if authorizer is not None:
        request_context["authorizer"] = {"lambda": dict(authorizer)}
    return {
        "version": "2.0",
        "routeKey": route.key if route else "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": lowered,
        "queryStringParameters": dict(query) if query else None,
        "pathParameters": dict(path_params) if path_params else None,
        "requestContext": request_context,
        "body": raw_body,
        "isBase64Encoded": is_b64,
    }


def _body(body: bytes | str | None, content_type: str) -> tuple[str | None, bool]:
    if body is None or body in (b"", ""):
        return None, False
    if isinstance(body, str):
        return body, False
    textual = (
        not content_type or content_type.startswith(("application/json", "text/")) or "+json" in content_type
    )
    if textual:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def sqs_event(messages: list[Mapping[str, Any]], *, queue_arn: str) -> dict[str, Any]:
    """An SQS event source mapping batch, from ReceiveMessage results."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3] if queue_arn.count(":") >= 3 else "us-east-1",
            }
            for m in messages
        ]
    }


def scheduled_event(rule_name: str, *, region: str = "us-east-1") -> dict[str, Any]:
    """What an EventBridge schedule delivers to its target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:000000000000:rule/{rule_name}"],
        "detail": {},
    }


@dataclass
class LocalContext:
    """A Lambda context object for functions invoked outside Lambda."""

    function_name: str
    memory_limit_in_mb: int = 256
    timeout_seconds: int = 10
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = "local"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    @classmethod
    def for_function(cls, fn: Function) -> LocalContext:
        return cls(function_name=fn.qualified_name, memory_limit_in_mb=fn.memory, timeout_seconds=fn.timeout)
