"""system-token: a 5-minute RS256 token typed `system`, for services only, never an access token."""

from __future__ import annotations

import jwt
import pytest

from functions.auth import system_token
from shared import access_tokens
from shared.access_tokens import AccessClaims
from shared.errors import InvalidToken
from tests.unit.functions.auth.conftest import body, call, error_of


def test_a_service_gets_a_system_token_for_its_operation() -> None:
    # GIVEN a service asking for a token for one of its jobs
    result = call(system_token, {"serviceId": "files-purge", "operation": "purge"}, caller="files")
    # THEN a 5-minute token typed `system` that the kernel's system verifier accepts
    assert result["statusCode"] == 200
    data = body(result)["data"]
    assert data["expiresIn"] == 300
    claims = access_tokens.verify_system(data["systemToken"])
    assert (claims.sub, claims.operation) == ("files-purge", "purge")
    assert claims.exp - claims.iat == 300
    assert jwt.get_unverified_header(data["systemToken"])["alg"] == "RS256"


def test_a_system_token_is_not_accepted_as_an_access_token() -> None:
    token = body(call(system_token, {"serviceId": "files-purge", "operation": "purge"}))["data"][
        "systemToken"
    ]
    with pytest.raises(InvalidToken):
        access_tokens.verify(token)


def test_an_access_token_is_not_accepted_as_a_system_token() -> None:
    access, _ = access_tokens.issue(AccessClaims(sub="u_1", tenant_id="acme-corp", sid="s_1"))
    with pytest.raises(InvalidToken):
        access_tokens.verify_system(access)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"serviceId": "files purge", "operation": "purge"}, "serviceId"),
        ({"serviceId": "files-purge"}, "operation"),
        ({"serviceId": "files-purge", "operation": "purge", "ttl": 99999}, "ttl"),
        ({"serviceId": "", "operation": "purge"}, "serviceId"),
    ],
)
def test_bad_input_is_400(payload: dict[str, object], field: str) -> None:
    result = call(system_token, payload)
    assert result["statusCode"] == 400
    assert error_of(result)["field"] == field
