"""The peer of the cold-start benchmark: `GET /api/v1/users/me` as many teams would write it instead of
Stratus, with FastAPI behind Mangum on Lambda.

It is written the way such code usually is, because its import *is* what the benchmark measures: the app,
the route and the response model are built at module level, and so is the DynamoDB client (a module-level
client is the common idiom, and it is the peer's cold start just as lazy clients are Stratus's choice).

For fairness: it does the same work as Stratus's own `functions.users.me` — read the user the gateway's
authorizer verified from the request context, then one GetItem on the users table — and no more. Stratus's
function does that plus its envelope, request-context binding, structured logging and validation, so if
anything the comparison flatters the peer.

It is a real handler (a unit test calls it with an HTTP API v2 event), never deployed: it only stands beside
the platform's functions in `stratus bench`.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from fastapi import FastAPI, HTTPException, Request
from mangum import Mangum
from pydantic import BaseModel, ConfigDict, Field

REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
TABLE = os.environ.get("USERS_TABLE", f"stratus-{os.environ.get('STRATUS_STAGE', 'dev')}-users")

dynamodb = boto3.client("dynamodb", region_name=REGION)
_deserializer = TypeDeserializer()


class Me(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    status: str
    profile: dict[str, str] = Field(default_factory=dict)
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    roles: list[str] = Field(default_factory=list)
    permissions: list[str] = Field(default_factory=list)


app = FastAPI(title="users", docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/api/v1/users/me", response_model=Me, response_model_by_alias=True)
def me(request: Request) -> Me:
    """The calling user, from the authorizer's context and one GetItem (a sync route: FastAPI runs it in
    its thread pool, as blocking boto3 calls must be)."""
    caller = _caller(request.scope["aws.event"])
    tenant_id, user_id = caller["tenantId"], caller["userId"]
    found = dynamodb.get_item(
        TableName=TABLE,
        Key={"pk": {"S": f"TENANT#{tenant_id}#USERS"}, "sk": {"S": f"USER#{user_id}"}},
        ConsistentRead=True,
    )
    raw = found.get("Item")
    if raw is None:
        raise HTTPException(status_code=404, detail="User not found")
    item = {name: _deserializer.deserialize(value) for name, value in raw.items()}
    return Me.model_validate(
        {
            "userId": user_id,
            "email": item["email"],
            "tenantId": tenant_id,
            "status": item.get("status", "active"),
            "profile": {str(k): str(v) for k, v in (item.get("profile") or {}).items()},
            "createdAt": item.get("createdAt", ""),
            "updatedAt": item.get("updatedAt", ""),
            "roles": list(caller.get("roles", [])),
            "permissions": list(caller.get("permissions", [])),
        }
    )


def _caller(event: dict[str, Any]) -> dict[str, Any]:
    """The user the authorizer put into the request context (base64 JSON, as Stratus's authorizer does)."""
    context = ((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda") or {}
    encoded = context.get("userContext")
    if not encoded:
        raise HTTPException(status_code=401, detail="A valid access token is required")
    try:
        caller: dict[str, Any] = json.loads(base64.b64decode(encoded, validate=True))
    except ValueError as exc:  # binascii.Error and JSONDecodeError are both ValueErrors
        raise HTTPException(status_code=401, detail="A valid access token is required") from exc
    return caller


handler = Mangum(app, lifespan="off")
