"""oidc (application): the OAuth 2.1 / OpenID Connect provider — "sign in with Stratus" for registered
apps (API.md "Identity, completed"; docs/identity.md). Built on authlib's grants (authorization code with
PKCE S256, refresh token with rotation, client credentials) and its OpenID Connect extension.

It sits at the top so that every call points down: registry (core) for the clients, users and tenants
(business) for the claims and their state; it signs the tokens itself (`signs_tokens`) with the platform's
access-token key, so they verify with the platform's JWKS."""

from shared.declarations import Auth, Function, Layer, Route, Service, Subscription, Table

TABLES = ("oidc",)

SERVICE = Service(
    name="oidc",
    layer=Layer.APPLICATION,
    tables=(Table("oidc", indexes=0),),
    functions=(
        Function(
            "discovery",
            Route("GET", "/.well-known/openid-configuration", auth=Auth.PUBLIC),
            description="OpenID Provider metadata: issuer, endpoints, JWKS, what is supported.",
        ),
        Function(
            "discovery-api",
            # The same document under the API's prefix, where API.md's part 2 paths live.
            Route("GET", "/api/v1/.well-known/openid-configuration", auth=Auth.PUBLIC),
            description="The OpenID Provider metadata again, under /api/v1 (the issuer stays the host's).",
        ),
        Function(
            "authorize",
            Route("GET", "/api/v1/oauth2/authorize", status=302),
            tables=TABLES,
            calls=("registry",),
            description="Authorization code + PKCE S256 for the bearer's user; redirects with code, state.",
        ),
        Function(
            "token",
            Route("POST", "/api/v1/oauth2/token", auth=Auth.PUBLIC),
            tables=TABLES,
            calls=("registry", "tenants", "users"),
            signs_tokens=True,  # access and ID tokens, RS256 with the platform's access-token key
            description="authorization_code (+ code_verifier), refresh_token (rotation), client_credentials.",
        ),
        Function(
            "userinfo",
            Route("GET", "/api/v1/oauth2/userinfo", auth=Auth.PUBLIC),
            tables=TABLES,
            calls=("tenants", "users"),
            description="The signed-in user's claims, per the scopes of the OAuth access token (Bearer).",
        ),
        Function(
            "subscriber",
            Subscription(("tenant.deleting",)),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            timeout=30,
            description="Offboarding: a deleted tenant's codes and grants go now, not when their TTL ends.",
        ),
    ),
)
