"""boto3 clients, created once per container and only when first used.

Every client points at `settings().endpoint_url` when one is set (moto server, LocalStack), so function code
never knows which AWS it talks to.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal, overload

from botocore.config import Config

from shared.config import settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

_clients: dict[str, Any] = {}
_boto_session: Any = None
_lock = threading.Lock()
# Fail fast and let the service client/subscriber decide about retries; botocore's own stay modest.
# A pool as large as the local runner's concurrent callers (queue pollers, gateway threads) share one client;
# a Lambda container makes one call at a time and never fills it.
_CONFIG = Config(
    connect_timeout=2,
    read_timeout=10,
    retries={"max_attempts": 2, "mode": "standard"},
    max_pool_connections=50,
)


@overload
def client(name: Literal["dynamodb"]) -> DynamoDBClient: ...
@overload
def client(name: Literal["events"]) -> EventBridgeClient: ...
@overload
def client(name: Literal["sqs"]) -> SQSClient: ...
@overload
def client(name: Literal["s3"]) -> S3Client: ...
@overload
def client(name: Literal["lambda"]) -> LambdaClient: ...
@overload
def client(name: Literal["sesv2"]) -> SESV2Client: ...
@overload
def client(name: Literal["sns"]) -> SNSClient: ...
def client(name: str) -> Any:
    found = _clients.get(name)
    if found is not None:
        return found
    with _lock:
        if name not in _clients:
            import boto3  # deferred: a function that never talks to AWS never pays for boto3

            cfg = settings()
            extra = Config(s3={"addressing_style": "path"}) if cfg.endpoint_url else Config()
            _clients[name] = _session(boto3).client(
                name,
                region_name=cfg.region,
                endpoint_url=cfg.endpoint_url,
                config=_CONFIG.merge(extra),
            )
        return _clients[name]


def _session(boto3: Any) -> Any:
    """One boto3 session per container: each new session loads botocore's service models again
    (~0.1 s a client). Only called under `_lock`, as sessions are not thread-safe."""
    global _boto_session
    if _boto_session is None:
        _boto_session = boto3.session.Session()
    return _boto_session


def reset_clients() -> None:
    """Forget every client (tests and the local runner call it after changing the endpoint)."""
    with _lock:
        _clients.clear()
