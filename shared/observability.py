"""Powertools logger, metrics and tracer, one of each per service and container, created on first use.

Request id, correlation id and tenant id are added to every log line by `HttpApp`/`Subscriber` through
Powertools' thread-safe keys (the local runner serves many requests at once in one process).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

NAMESPACE = "Stratus"


@cache
def logger(service: str) -> Logger:
    return Logger(service=service)


@cache
def metrics(service: str) -> Metrics:
    return Metrics(namespace=NAMESPACE, service=service)


@cache
def tracer(service: str) -> Tracer:
    from aws_lambda_powertools import Tracer  # deferred: X-Ray's SDK is only worth loading when tracing

    return Tracer(service=service)
