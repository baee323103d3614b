"""authlib's `AuthorizationServer` on our HTTP functions: a thin integration in place of its Flask/Django
ones. A request is what `HttpApp` resolved (method, URL, headers, query or form); a response is authlib's
`(status, body, headers)`, which the handlers return as they are (RFC 6749 bodies, not envelopes: OAuth
client libraries read them).

The grants, the PKCE check and the ID token are authlib's (grants.py configures them); this module only
carries requests in and answers out."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Payload, OAuth2Request

from functions.oidc import clients, tokens
from functions.oidc.metadata import SCOPES


class _Headers(dict[str, str]):
    """Case-insensitive reads (authlib asks for `Authorization`; our events carry lower-case names)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__({k.lower(): v for k, v in headers.items()})

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class Request(OAuth2Request):  # type: ignore[misc]
    """An OAuth request: the query of a GET (authorize) or the form of a POST (token) — never both, so a
    secret or a code in a token request's URL is ignored."""

    def __init__(self, method: str, uri: str, headers: Mapping[str, str], params: Iterable[tuple[str, str]]):
        super().__init__(method, uri, headers=_Headers(headers))
        self.payload = _Payload(params)

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


Answer = tuple[int, str, list[tuple[str, str]]]


class Server(AuthorizationServer):  # type: ignore[misc]
    """One per request: the issuer is the request's (metadata.issuer). `tenant_hint` is the tenant a token
    request's code or refresh token names, asked of the registry with the client in the same call."""

    def __init__(self, issuer: str, *, secret: str | None = None, tenant_hint: str | None = None) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.issuer = issuer
        self.presented_secret = secret
        self.tenant_hint = tenant_hint
        self._clients: dict[str, clients.Client | None] = {}
        self.register_token_generator("default", tokens.generator(issuer))

    def query_client(self, client_id: str) -> clients.Client | None:
        """One registry call per client and request (authlib asks more than once)."""
        if client_id not in self._clients:
            found = clients.lookup(client_id, secret=self.presented_secret, tenant_id=self.tenant_hint)
            self._clients[client_id] = found
        return self._clients[client_id]

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Nothing to keep: access tokens are self-contained JWTs; refresh tokens are stored by the
        grants that issue them (grants.py), in the same write that opens or rotates their grant."""

    def create_oauth2_request(self, request: Request) -> Request:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Answer:
        text = body if isinstance(body, str) else json.dumps(dict(body), separators=(",", ":"))
        return status, text, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None
