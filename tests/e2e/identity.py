"""Helpers for the identity end-to-end tests: a small client for the local gateway and a recorder of the
AWS calls each request makes."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.client

from tests.e2e.conftest import Reply, request

ADMIN_EMAIL = "root@platform.example"
ADMIN_PASSWORD = "platform-admin-pass-1"
PASSWORD = "correct-horse-battery-9"


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None, **headers: str
    ) -> Reply:
        sent = {"Content-Type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        raw = None if body is None else json.dumps(body).encode()
        return request(f"{self.base}{path}", method, raw, sent)

    def login(self, email: str, password: str, tenant: str) -> dict[str, Any]:
        reply = self.call(
            "POST", "/api/v1/auth/login", {"email": email, "password": password, "tenantId": tenant}
        )
        assert reply.status == 200, reply.body
        data: dict[str, Any] = reply.body["data"]
        return data

    def register(self, email: str, tenant: str, password: str = PASSWORD) -> Reply:
        return self.call(
            "POST", "/api/v1/auth/register", {"email": email, "password": password, "tenantId": tenant}
        )

    def create_tenant(self, admin_token: str, tenant: str, **extra: Any) -> Reply:
        body = {
            "tenantId": tenant,
            "name": tenant.title(),
            "plan": "standard",
            "adminEmail": f"admin@{tenant}.example",
            "adminPassword": PASSWORD,
            **extra,
        }
        return self.call("POST", "/api/v1/tenants", body, token=admin_token)


@contextmanager
def aws_calls() -> Iterator[Counter[str]]:
    """Every AWS API call a request makes while inside: the gateway's and the in-process callees' threads,
    not the queue pumps' and the scheduler's (subscribers work after the request, on their own)."""
    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def recorded(client: Any, operation: str, params: Any) -> Any:
        if not threading.current_thread().name.startswith(("pump-", "scheduler")):
            calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
        return original(client, operation, params)

    botocore.client.BaseClient._make_api_call = recorded  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]
