"""The local gateway over real HTTP answers exactly as the WSGI app, serverless-wsgi and functions-framework
do (tests/integration/test_adapter_parity.py compares those with the Lambda adapter)."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp
from stratus.local import LocalPlatform
from tests.e2e.conftest import request
from tests.integration.test_adapter_parity import CASES, HEADERS, comparable, via_wsgi_client

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("method", "url", "body"), CASES, ids=[f"{m} {u} {b!r}"[:60] for m, u, b in CASES])
def test_the_local_gateway_answers_like_every_other_runtime(
    local: LocalPlatform, method: str, url: str, body: bytes | None
) -> None:
    over_http = request(f"{local.url}{url}", method, body, HEADERS)
    got = comparable(over_http.status, json.dumps(over_http.body).encode())
    expected = via_wsgi_client(Client(WsgiApp(Gateway(local.registry))), method, url, body)
    assert got == expected
