"""AWS clients, created once per container and only when first used.

Every client points at `settings().endpoint_url` when one is set (moto server, LocalStack), so function code
never knows which AWS it talks to.

Clients are botocore's own, from one botocore session: boto3 (its resource layer, s3transfer and
multiprocessing behind it) would add to every cold start and gives a low-level client nothing botocore
does not. Only S3 goes through boto3, for the managed transfers it adds (`upload_fileobj`).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, overload

from shared import lambda_init
from shared.config import settings

if TYPE_CHECKING:
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

_clients: dict[str, Any] = {}
_botocore_session: Any = None
_boto3: Any = None
_lock = threading.Lock()


@cache
def _config() -> Config:
    """Fail fast and let the service client/subscriber decide about retries; botocore's own stay modest.
    A pool as large as the local runner's concurrent callers (queue pollers, gateway threads) share one
    client; a Lambda container makes one call at a time and never fills it. (Made on first use:
    `botocore.config` loads botocore's HTTP stack, which a function that never calls AWS does not need.)"""
    from botocore.config import Config

    return Config(
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
            with lambda_init.long_lived():  # botocore and the client live as long as the container
                _clients[name] = _create(name)
        return _clients[name]


def _create(name: str) -> Any:
    from botocore.config import Config

    cfg = settings()
    extra = Config(s3={"addressing_style": "path"}) if cfg.endpoint_url else Config()
    create = _session().create_client if name != "s3" else _boto3_session().client
    return create(name, region_name=cfg.region, endpoint_url=cfg.endpoint_url, config=_config().merge(extra))


def _session() -> Any:
    """One botocore session per container: each new session loads botocore's service models again
    (~0.1 s a client). Only called under `_lock`, as sessions are not thread-safe."""
    global _botocore_session
    if _botocore_session is None:
        import botocore.session  # deferred: a function that never talks to AWS never pays for botocore

        _botocore_session = botocore.session.get_session()
    return _botocore_session


def _boto3_session() -> Any:
    """boto3's session over the same botocore session (its models loaded once): what adds the managed
    transfers to S3 clients. One, as each registers its handlers on the botocore session."""
    global _boto3
    if _boto3 is None:
        import boto3.session

        _boto3 = boto3.session.Session(botocore_session=_session())
    return _boto3


def reset_clients() -> None:
    """Forget every client (tests and the local runner call it after changing the endpoint)."""
    with _lock:
        _clients.clear()
