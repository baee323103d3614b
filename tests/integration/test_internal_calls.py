"""Internal calls as the AWS deployments make them (issue 11 items 3 and 4): a typed call travels by Lambda
Invoke to the callee's function by name and comes back typed; a call to a route that is not idempotent
carries an idempotency key that the callee de-duplicates, so a create whose first answer is lost and is
retried produces one record — not a 409 and not two.

moto's Lambda runs function code only inside Docker, so `FakeLambda` stands in for the Lambda service
behind boto3's `invoke` interface: it runs the named function's real handler in this process, against the
real tables on the moto server, and can lose an answer after the handler committed (a read timeout)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from botocore.response import StreamingBody

from functions.gateway.manifest import SERVICE as GATEWAY
from functions.tenants.client import TenantsClient
from functions.tenants.models import NewTenant
from shared import service_client
from shared.adapters.lambda_events import LocalContext
from shared.config import settings
from shared.errors import Conflict, ServiceUnavailable, TenantAlreadyExists, Timeout
from shared.registry import Registry
from shared.service_client import ServiceClient
from shared.transports import LambdaTransport
from stratus.provision import Provisioned

pytestmark = pytest.mark.integration


class FakeLambda:
    """boto3's Lambda client, as far as `invoke` goes: `<prefix>-<function>` runs that function's handler.
    `lose` answers are dropped after the handler ran (the caller sees a read timeout)."""

    def __init__(self, registry: Registry, prefix: str, *, lose: int = 0) -> None:
        self.registry = registry
        self.prefix = prefix
        self.lose = lose
        self.invoked: list[str] = []
        self.events: list[dict[str, Any]] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:
        assert InvocationType == "RequestResponse"
        self.invoked.append(FunctionName)
        name = FunctionName.removeprefix(f"{self.prefix}-")
        if name == FunctionName or name not in self.registry.functions:
            error = {"Code": "ResourceNotFoundException", "Message": f"Function not found: {FunctionName}"}
            raise ClientError({"Error": error}, "Invoke")
        fn = self.registry.function(name)
        event = json.loads(Payload)
        self.events.append(event)
        result = self.registry.handler(fn)(event, LocalContext.for_function(fn))
        if self.lose > 0:
            self.lose -= 1
            raise ReadTimeoutError(endpoint_url=f"https://lambda.us-east-1.amazonaws.com/{FunctionName}")
        raw = json.dumps(result).encode()
        return {"StatusCode": 200, "Payload": StreamingBody(io.BytesIO(raw), len(raw))}


@pytest.fixture
def lambdas(platform: Provisioned, registry: Registry) -> Iterator[FakeLambda]:
    fake = FakeLambda(registry, settings().function_prefix)
    service_client.set_default_transport(LambdaTransport(prefix=settings().function_prefix, client=fake))
    yield fake
    service_client.set_default_transport(None)


def tenant_ids(tenants: TenantsClient) -> list[str]:
    return list(tenants.directory(page_size=100).tenant_ids)


def test_a_typed_call_travels_by_lambda_invoke_to_the_callees_function_and_comes_back_typed(
    lambdas: FakeLambda,
) -> None:
    # GIVEN the gateway's client of tenants, on the Lambda transport
    tenants = TenantsClient(GATEWAY)
    # WHEN it creates a tenant and lists the tenants
    created = tenants.create(NewTenant(tenant_id="lambda-co", name="Lambda Co", plan="standard"))
    listed = tenants.directory(page_size=10)
    # THEN each call invoked the function that serves its route, by its deployed name, and came back typed
    prefix = settings().function_prefix
    assert lambdas.invoked == [f"{prefix}-tenants-create", f"{prefix}-tenants-directory"]
    assert created.tenant_id == "lambda-co"
    assert created.status == "provisioning"
    assert "lambda-co" in listed.tenant_ids
    # AND the callee got API Gateway's v2 event with the caller's service token
    first = lambdas.events[0]
    assert (first["version"], first["requestContext"]["http"]["method"]) == ("2.0", "POST")
    assert first["rawPath"] == "/internal/tenants"
    assert first["headers"]["x-service-name"] == "gateway"
    assert first["headers"]["x-service-token"]


def test_a_function_that_is_not_deployed_is_service_unavailable_not_retried_forever(
    lambdas: FakeLambda, platform: Provisioned
) -> None:
    transport = LambdaTransport(prefix="stratus-elsewhere", client=lambdas)
    client = ServiceClient("gateway", layer=GATEWAY.layer, transport=transport, sleep=lambda _s: None)
    with pytest.raises(ServiceUnavailable, match="could not be invoked"):
        client.call("tenants", "GET", "/internal/tenants/x/validate", function="tenants-validate")
    assert len(lambdas.invoked) == 3  # GET is safe: the first try and the policy's two retries


def test_a_create_whose_first_answer_is_lost_is_retried_and_recorded_once(lambdas: FakeLambda) -> None:
    tenants = TenantsClient(GATEWAY)
    before = tenant_ids(tenants)
    # GIVEN the first answer of the next call is lost after tenants committed it
    lambdas.lose = 1
    # WHEN the gateway creates a tenant with an id of its choosing
    created = tenants.create(NewTenant(tenant_id="lost-answer", name="Lost Answer", plan="standard"))
    # THEN the retry got the first answer, not a 409 for the tenant the first attempt created
    assert created.tenant_id == "lost-answer"
    assert lambdas.invoked.count(f"{settings().function_prefix}-tenants-create") == 2
    # AND both attempts carried the same idempotency key
    creates = [e for e in lambdas.events if e["requestContext"]["http"]["method"] == "POST"]
    keys = {e["headers"]["idempotency-key"] for e in creates}
    assert len(creates) == 2
    assert len(keys) == 1
    assert sorted(tenant_ids(tenants)) == sorted([*before, "lost-answer"])
    # AND without the key's de-duplication the retry would have been refused: a new call is a 409
    with pytest.raises(TenantAlreadyExists):
        tenants.create(NewTenant(tenant_id="lost-answer", name="Lost Answer", plan="standard"))


def test_a_create_with_a_generated_id_whose_answer_is_lost_makes_one_record_not_two(
    lambdas: FakeLambda,
) -> None:
    tenants = TenantsClient(GATEWAY)
    before = set(tenant_ids(tenants))
    lambdas.lose = 1
    # WHEN tenants picks the id and the first answer is lost
    created = tenants.create(NewTenant(name="Generated Id", plan="standard"))
    # THEN exactly one tenant was created: the one the retry was told about
    assert set(tenant_ids(tenants)) - before == {created.tenant_id}


def test_a_call_that_is_neither_idempotent_nor_keyed_is_not_retried(lambdas: FakeLambda) -> None:
    # GIVEN an untyped call to tenants' create, without an idempotency key, whose answer is lost
    lambdas.lose = 1
    client = ServiceClient("gateway", layer=GATEWAY.layer, sleep=lambda _s: None)
    body = json.dumps({"tenantId": "no-key", "name": "No Key", "plan": "standard"}).encode()
    # THEN the caller hears of the timeout: repeating it could create a second record
    with pytest.raises(Timeout):
        client.call("tenants", "POST", "/internal/tenants", body=body, function="tenants-create")
    assert len(lambdas.invoked) == 1


def test_a_key_reused_for_another_request_is_a_409(lambdas: FakeLambda) -> None:
    client = ServiceClient("gateway", layer=GATEWAY.layer, sleep=lambda _s: None)
    key = {"Idempotency-Key": "idem_reused"}

    def create(tenant_id: str) -> Any:
        body = json.dumps({"tenantId": tenant_id, "name": "Reused", "plan": "standard"}).encode()
        return client.call(
            "tenants", "POST", "/internal/tenants", body=body, headers=key, function="tenants-create"
        )

    assert create("reused-one")["tenantId"] == "reused-one"
    assert create("reused-one")["tenantId"] == "reused-one"  # the same request: the same answer
    with pytest.raises(Conflict, match="Idempotency-Key was used for a different request"):
        create("reused-two")
