"""POST /internal/registry/oauth-clients/resolve — a registered app as an OAuth client, for the OIDC
provider (functions/oidc, docs/identity.md): its redirect URIs, whether the secret it presented is its
own (checked here in constant time against the peppered HMAC: the secret never leaves the registry's
keeping as anything but what the client sent), and whether a tenant enabled it.

An unknown client id, or a deregistered app's, is 404: a client that no longer exists signs no one in."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import ports
from functions.registry.apps import CLIENT_SECRET_KIND
from functions.registry.manifest import SERVICE
from functions.registry.oauth_client_models import ClientQuery, OAuthClient
from shared import peppered
from shared.errors import NotFound
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("oauth-clients"))
logger = app.logger


def resolve(query: ClientQuery) -> OAuthClient:
    record = ports.store().by_client_id(query.client_id)
    if record is None or record.status != "registered" or record.client_id != query.client_id:
        raise NotFound("No such OAuth client", details={"clientId": query.client_id})
    secret_valid = None
    if query.client_secret is not None:
        secret_valid = peppered.matches(CLIENT_SECRET_KIND, query.client_secret, record.client_secret_hash)
    enabled = None
    if query.tenant_id is not None:
        choice = ports.store().enablement(query.tenant_id, record.service_id)
        enabled = bool(choice and choice.enabled)
    return OAuthClient(
        client_id=record.client_id,
        service_id=record.service_id,
        name=record.name,
        display_name=record.display_name,
        redirect_uris=list(record.redirect_uris),
        secret_valid=secret_valid,
        enabled=enabled,
    )


@app.endpoint
def oauth_clients(body: ClientQuery) -> OAuthClient:
    """The client, the verdict on its secret (if given) and its enablement for the tenant (if given)."""
    return resolve(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
