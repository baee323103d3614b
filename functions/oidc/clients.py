"""OAuth clients = the apps registered with the registry (API.md "Apps"), seen through authlib's
`ClientMixin`. The registry keeps the secret's peppered hash; the secret a request presents is sent to
it once (`RegistryClient.oauth_clients`) and its verdict kept on the client object for authlib's
`check_client_secret`."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.util import scope_to_list

from functions.oidc.manifest import SERVICE
from functions.oidc.metadata import AUTH_METHODS, GRANT_TYPES, SCOPES
from functions.registry.client import CLIENT_ID_PATTERN, ClientQuery, OAuthClient, RegistryClient
from shared.errors import NotFound
from shared.identifiers import TENANT_ID_PATTERN

registry = RegistryClient(SERVICE)

MAX_SECRET = 200


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    app: OAuthClient
    presented_secret: str | None = None  # the secret the registry found to be the client's own
    asked_for: str | None = None  # the tenant whose enablement `app.enabled` answers

    @property
    def client_id(self) -> str:
        return self.app.client_id

    def get_client_id(self) -> str:
        return self.app.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # OAuth 2.1: the redirect URI is always sent, and matched exactly

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes the platform knows (unknown ones are refused before this runs)."""
        wanted = scope_to_list(scope) or []
        return " ".join(s for s in SCOPES if s in wanted)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact string comparison with a registered URI: no prefix, no wildcard, no normalization."""
        return any(hmac.compare_digest(redirect_uri, uri) for uri in self.app.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.presented_secret is not None and hmac.compare_digest(client_secret, self.presented_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS  # confidential clients only: "none" is never accepted

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES

    def enabled_for(self, tenant_id: str) -> bool:
        """Whether the tenant enabled the app (asked again, so a tenant's change counts at once)."""
        if self.app.enabled is not None and self.asked_for == tenant_id:
            return self.app.enabled
        found = lookup(self.app.client_id, tenant_id=tenant_id)
        return bool(found and found.app.enabled)


def lookup(client_id: str, *, secret: str | None = None, tenant_id: str | None = None) -> Client | None:
    """The registered client (None for an unknown or deregistered one), with the verdict on `secret` and
    the app's enablement for `tenant_id` when given."""
    if not re.fullmatch(CLIENT_ID_PATTERN, client_id or ""):
        return None  # not one the registry ever issued: no call
    if secret is not None and len(secret) > MAX_SECRET:
        secret = None  # longer than any issued secret: it cannot be the client's, so it is not checked
    if tenant_id is not None and not re.fullmatch(TENANT_ID_PATTERN, tenant_id):
        tenant_id = None
    try:
        found = registry.oauth_clients(
            ClientQuery(client_id=client_id, client_secret=secret, tenant_id=tenant_id)
        )
    except NotFound:
        return None
    return Client(app=found, presented_secret=secret if found.secret_valid else None, asked_for=tenant_id)
