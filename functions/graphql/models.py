"""The request body of `POST /api/v1/graphql` (GraphQL over HTTP: `query`, `variables`, `operationName`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.models import CamelBody

# A document longer than this is not a read query a client means to send: refused before parsing.
MAX_QUERY_CHARS = 20_000


class GraphQLRequest(CamelBody):
    query: str = Field(
        min_length=1, max_length=MAX_QUERY_CHARS, examples=["{ me { userId email tenantId roles } }"]
    )
    variables: dict[str, Any] | None = None
    operation_name: str | None = Field(default=None, max_length=128)
