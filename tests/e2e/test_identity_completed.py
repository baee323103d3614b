"""Identity, completed (API.md), end to end through `stratus dev`'s gateway: password reset, email
verification, invitations, the platform admins' tenant list and the tenants' own email wording. Every
token is read out of the mail the emulator's SES recorded, the way `stratus mail` reads it.

Each attack of the issue is a GIVEN/WHEN/THEN here: a reset link used twice, after its 30 minutes (an
injected clock) or with another tenant; an unknown address answered like a known one; an invitation
accepted twice, after a revoke, after its 7 days or past maxUsers; an invite without user.invite or to a
role above the inviter's; the tenant list by a non-platform admin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest

from functions.users import link_tokens
from stratus.local import LocalPlatform
from stratus.mail import sent_mail
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "staple-battery-horse-7"
_TOKEN = re.compile(r"/(reset-password|verify-email|accept-invitation)\?token=([A-Za-z0-9._%~-]+)")


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    limits = {"auth": [100000, 900], "tenant": [100000, 900], "files": [100000, 60], "email": [1000, 3600]}
    with whole_platform(STRATUS_RATE_LIMITS=json.dumps(limits)) as platform:
        yield platform


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


@pytest.fixture(scope="module")
def acme(api: Api, root: str) -> str:
    """acme's admin token."""
    return tenant_with_admin(api, root, "acme")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The links' clock (the functions run in this process): moved by the test to travel in time."""
    now = [float(int(link_tokens.clock()))]
    monkeypatch.setattr(link_tokens, "clock", lambda: now[0])
    return now


# --- helpers -----------------------------------------------------------------------------------------
def data(reply: Any) -> Any:
    assert reply.status < 300, reply.body
    return reply.body["data"] if reply.body else None


def code(reply: Any) -> tuple[int, str]:
    return reply.status, str(reply.body["error"]["code"])


def _endpoint(local: LocalPlatform) -> str:
    assert local.emulator is not None
    return str(local.emulator.endpoint_url)


def mails(local: LocalPlatform, to: str, subject: str = "") -> list[dict[str, Any]]:
    return [m for m in sent_mail(_endpoint(local)) if to in m["to"] and subject in m["subject"]]


def token_in(local: LocalPlatform, to: str, page: str, *, after: int = 0) -> str:
    """The token of the newest link to `page` mailed to `to` (after its first `after` such mails)."""

    def found() -> list[str]:
        links = [
            unquote(match[1])
            for mail in sent_mail(_endpoint(local))
            if to in mail["to"]
            for match in _TOKEN.findall(mail.get("body") or "")
            if match[0] == page
        ]
        return links[after:]

    return eventually(found, what=f"a {page} link to {to}")[-1]


def links_to(local: LocalPlatform, to: str, page: str) -> int:
    found = [
        match
        for mail in sent_mail(_endpoint(local))
        if to in mail["to"]
        for match in _TOKEN.findall(mail.get("body") or "")
        if match[0] == page
    ]
    return len(found)


def register(api: Api, email: str, tenant: str) -> str:
    reply = api.register(email, tenant)
    assert reply.status == 201, reply.body
    return str(reply.body["data"]["userId"])


def audit(api: Api, token: str, event_type: str) -> list[dict[str, Any]]:
    return list(data(api.call("GET", f"/api/v1/audit?type={event_type}&pageSize=100", token=token)))


def without_meta(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "meta"}


# --- password reset ----------------------------------------------------------------------------------
def test_a_forgotten_password_is_reset_by_the_mailed_link_once_and_every_session_ends(
    api: Api, acme: str, local: LocalPlatform
) -> None:
    # GIVEN ada, logged in twice (two sessions)
    register(api, "ada@acme.example", "acme")
    first = api.login("ada@acme.example", PASSWORD, "acme")
    second = api.login("ada@acme.example", PASSWORD, "acme")
    # WHEN she asks for a reset
    asked = api.call(
        "POST", "/api/v1/auth/forgot-password", {"email": "Ada@Acme.example", "tenantId": "acme"}
    )
    # THEN 202, and a link with its token arrives by mail
    assert asked.status == 202, asked.body
    token = token_in(local, "ada@acme.example", "reset-password")
    # WHEN she sets a new password with it
    reset = api.call("POST", "/api/v1/auth/reset-password", {"token": token, "newPassword": NEW_PASSWORD})
    assert reset.status == 204, reset.body
    # THEN both sessions have ended: access tokens and refresh tokens alike
    for session in (first, second):
        assert code(api.call("GET", "/api/v1/users/me", token=session["accessToken"]))[0] == 401
        refreshed = api.call("POST", "/api/v1/auth/refresh", {"refreshToken": session["refreshToken"]})
        assert code(refreshed) == (401, "INVALID_TOKEN")
    # AND only the new password works
    old = api.call(
        "POST", "/api/v1/auth/login", {"email": "ada@acme.example", "password": PASSWORD, "tenantId": "acme"}
    )
    assert code(old) == (401, "INVALID_CREDENTIALS")
    fresh = api.login("ada@acme.example", NEW_PASSWORD, "acme")
    assert (
        data(api.call("GET", "/api/v1/users/me", token=fresh["accessToken"]))["email"] == "ada@acme.example"
    )
    # AND the link does not work twice
    again = api.call(
        "POST", "/api/v1/auth/reset-password", {"token": token, "newPassword": "another-pass-word-8"}
    )
    assert code(again) == (401, "INVALID_TOKEN")
    # AND the audit trail has the request and the change, and no usable token anywhere in it
    requested = eventually(lambda: audit(api, acme, "user.password_reset_requested"), what="audit")
    changed = eventually(lambda: audit(api, acme, "user.password_changed"), what="audit")
    assert requested[0]["data"]["email"] == "ada@acme.example"
    assert changed[0]["data"]["reason"] == "reset"
    secret = token.split(".")[2]
    everything = data(api.call("GET", "/api/v1/audit?pageSize=100", token=acme))
    assert secret not in json.dumps(everything)
    # AND the password-changed notice follows
    eventually(lambda: mails(local, "ada@acme.example", "Your password was changed"), what="notice")


def test_an_unknown_address_is_answered_exactly_like_a_known_one(
    api: Api, acme: str, local: LocalPlatform
) -> None:
    # GIVEN bea exists, and nobody uses nobody@acme.example
    register(api, "bea@acme.example", "acme")
    # WHEN a reset is asked for each
    known = api.call(
        "POST", "/api/v1/auth/forgot-password", {"email": "bea@acme.example", "tenantId": "acme"}
    )
    unknown = api.call(
        "POST", "/api/v1/auth/forgot-password", {"email": "nobody@acme.example", "tenantId": "acme"}
    )
    # THEN the same status and the same body (the envelope's meta is per request)
    assert known.status == unknown.status == 202
    assert without_meta(known.body) == without_meta(unknown.body)
    assert known.body["meta"].keys() == unknown.body["meta"].keys()
    # AND each address got one mail: bea her link, the unknown one a notice without any link
    token_in(local, "bea@acme.example", "reset-password")
    [notice] = eventually(lambda: mails(local, "nobody@acme.example"), what="the notice")
    assert "token=" not in notice["body"]
    # AND an unknown tenant is 404, as at login
    nowhere = api.call(
        "POST", "/api/v1/auth/forgot-password", {"email": "x@nowhere.example", "tenantId": "nowhere"}
    )
    assert code(nowhere) == (404, "TENANT_NOT_FOUND")


def test_a_reset_link_expires_after_30_minutes(
    api: Api, acme: str, local: LocalPlatform, clock: list[float]
) -> None:
    register(api, "cid@acme.example", "acme")
    assert (
        api.call(
            "POST", "/api/v1/auth/forgot-password", {"email": "cid@acme.example", "tenantId": "acme"}
        ).status
        == 202
    )
    token = token_in(local, "cid@acme.example", "reset-password")
    clock[0] += 30 * 60 + 1
    late = api.call("POST", "/api/v1/auth/reset-password", {"token": token, "newPassword": NEW_PASSWORD})
    assert code(late) == (401, "TOKEN_EXPIRED")
    assert api.login("cid@acme.example", PASSWORD, "acme")["accessToken"]


def test_a_reset_token_is_refused_for_another_tenant(
    api: Api, root: str, acme: str, local: LocalPlatform
) -> None:
    # GIVEN dee has accounts in acme and globex, and a reset link of acme's
    tenant_with_admin(api, root, "globex")
    register(api, "dee@acme.example", "acme")
    register(api, "dee@acme.example", "globex")
    assert (
        api.call(
            "POST", "/api/v1/auth/forgot-password", {"email": "dee@acme.example", "tenantId": "acme"}
        ).status
        == 202
    )
    token = token_in(local, "dee@acme.example", "reset-password")
    body = {"token": token, "newPassword": NEW_PASSWORD}
    # WHEN it is used naming globex, or rewritten to globex  THEN 401, and nothing changes
    assert code(api.call("POST", "/api/v1/auth/reset-password", body, X_Tenant_ID="globex")) == (
        401,
        "INVALID_TOKEN",
    )
    forged = "globex." + token.split(".", 1)[1]
    assert code(api.call("POST", "/api/v1/auth/reset-password", {**body, "token": forged})) == (
        401,
        "INVALID_TOKEN",
    )
    assert api.login("dee@acme.example", PASSWORD, "globex")["accessToken"]
    assert api.login("dee@acme.example", PASSWORD, "acme")["accessToken"]


# --- email verification ------------------------------------------------------------------------------
def test_registration_mails_a_verification_link_and_a_tenant_can_require_it(
    api: Api, root: str, local: LocalPlatform
) -> None:
    # GIVEN a tenant whose admin requires verified addresses
    admin = tenant_with_admin(api, root, "verico")
    required = api.call(
        "PATCH", "/api/v1/tenants/verico", {"settings": {"requireVerifiedEmail": True}}, token=admin
    )
    assert data(required)["settings"]["requireVerifiedEmail"] is True
    # WHEN eve registers
    eve = register(api, "eve@verico.example", "verico")
    # THEN she is unverified, and her right password is 403 USER_INACTIVE (a wrong one the usual 401)
    login = {"email": "eve@verico.example", "password": PASSWORD, "tenantId": "verico"}
    assert code(api.call("POST", "/api/v1/auth/login", login)) == (403, "USER_INACTIVE")
    assert code(api.call("POST", "/api/v1/auth/login", {**login, "password": "wrong-pass-word-1"}))[0] == 401
    # AND the registration mailed her a verification link; a resend mails another
    first = token_in(local, "eve@verico.example", "verify-email")
    resent = api.call(
        "POST", "/api/v1/auth/resend-verification", {"email": "eve@verico.example", "tenantId": "verico"}
    )
    assert resent.status == 202
    second = token_in(local, "eve@verico.example", "verify-email", after=1)
    assert second != first
    # WHEN she uses a link  THEN 204, she logs in, and user.verified is audited
    assert api.call("POST", "/api/v1/auth/verify-email", {"token": second}).status == 204
    me = data(
        api.call(
            "GET",
            "/api/v1/users/me",
            token=api.login("eve@verico.example", PASSWORD, "verico")["accessToken"],
        )
    )
    assert me["userId"] == eve
    assert data(api.call("GET", f"/api/v1/users/{eve}", token=admin))["emailVerified"] is True
    verified = eventually(lambda: audit(api, admin, "user.verified"), what="user.verified")
    assert verified[0]["data"]["userId"] == eve
    # AND a used link is refused, and a verified address is sent a notice without a link
    assert code(api.call("POST", "/api/v1/auth/verify-email", {"token": second})) == (401, "INVALID_TOKEN")
    links_before = links_to(local, "eve@verico.example", "verify-email")
    assert (
        api.call(
            "POST", "/api/v1/auth/resend-verification", {"email": "eve@verico.example", "tenantId": "verico"}
        ).status
        == 202
    )
    eventually(lambda: mails(local, "eve@verico.example", "About verifying"), what="notice")
    assert links_to(local, "eve@verico.example", "verify-email") == links_before


# --- invitations -------------------------------------------------------------------------------------
def _invite(api: Api, token: str, email: str, roles: list[str]) -> Any:
    return api.call("POST", "/api/v1/invitations", {"email": email, "roles": roles}, token=token)


def _accept(api: Api, token: str, password: str = PASSWORD) -> Any:
    return api.call("POST", "/api/v1/auth/accept-invitation", {"token": token, "password": password})


def test_an_invitee_accepts_once_and_holds_exactly_the_invited_roles(
    api: Api, acme: str, local: LocalPlatform
) -> None:
    # GIVEN a role that reads the audit, and an invitation to it
    assert (
        api.call(
            "POST", "/api/v1/roles", {"name": "auditor", "permissions": ["audit.read"]}, token=acme
        ).status
        == 201
    )
    invited = _invite(api, acme, "Finn@Acme.example", ["auditor"])
    assert invited.status == 201, invited.body
    invitation = invited.body["data"]
    assert (invitation["email"], invitation["roles"], invitation["status"]) == (
        "finn@acme.example",
        ["auditor"],
        "pending",
    )
    assert set(invitation) >= {"invitationId", "email", "roles", "expiresAt", "status"}
    # WHEN finn accepts with the mailed token
    token = token_in(local, "finn@acme.example", "accept-invitation")
    accepted = _accept(api, token)
    # THEN 201: a user holding exactly auditor (not member)
    assert accepted.status == 201, accepted.body
    assert accepted.body["data"]["roles"] == ["auditor"]
    finn = api.login("finn@acme.example", PASSWORD, "acme")
    assert finn["user"]["roles"] == ["auditor"]
    assert finn["user"]["permissions"] == ["audit.read"]
    # AND the list shows it accepted; accepting twice is 409 CONFLICT
    listed = data(api.call("GET", "/api/v1/invitations", token=acme))
    assert next(i for i in listed if i["invitationId"] == invitation["invitationId"])["status"] == "accepted"
    assert code(_accept(api, token, "another-pass-word-8")) == (409, "CONFLICT")
    # AND user.invited is audited without the token
    records = eventually(lambda: audit(api, acme, "user.invited"), what="user.invited")
    assert token.split(".")[2] not in json.dumps(records)


def test_a_revoked_or_expired_invitation_cannot_be_accepted(
    api: Api, acme: str, local: LocalPlatform, clock: list[float]
) -> None:
    revoked = data(_invite(api, acme, "gus@acme.example", ["member"]))
    gus_token = token_in(local, "gus@acme.example", "accept-invitation")
    assert api.call("DELETE", f"/api/v1/invitations/{revoked['invitationId']}", token=acme).status == 204
    assert code(_accept(api, gus_token)) == (401, "INVALID_TOKEN")
    data(_invite(api, acme, "hal@acme.example", ["member"]))
    hal_token = token_in(local, "hal@acme.example", "accept-invitation")
    clock[0] += 7 * 24 * 3600
    assert code(_accept(api, hal_token)) == (401, "TOKEN_EXPIRED")
    shown = {i["email"]: i["status"] for i in data(api.call("GET", "/api/v1/invitations", token=acme))}
    assert (shown["gus@acme.example"], shown["hal@acme.example"]) == ("revoked", "expired")


def test_an_invitation_past_max_users_is_refused(api: Api, root: str, local: LocalPlatform) -> None:
    # GIVEN a tenant of 2 seats, its admin holding one, and two invitations
    admin = tenant_with_admin(api, root, "tiny", maxUsers=2)
    data(_invite(api, admin, "ian@tiny.example", ["member"]))
    data(_invite(api, admin, "jo@tiny.example", ["member"]))
    # WHEN both accept  THEN the first fits and the second is 403 TENANT_QUOTA_EXCEEDED
    assert _accept(api, token_in(local, "ian@tiny.example", "accept-invitation")).status == 201
    over = _accept(api, token_in(local, "jo@tiny.example", "accept-invitation"))
    assert code(over) == (403, "TENANT_QUOTA_EXCEEDED")
    assert (
        code(
            api.call(
                "POST",
                "/api/v1/auth/login",
                {"email": "jo@tiny.example", "password": PASSWORD, "tenantId": "tiny"},
            )
        )[0]
        == 401
    )


def test_only_holders_of_user_invite_invite_and_never_above_their_own_permissions(
    api: Api, acme: str, local: LocalPlatform
) -> None:
    # GIVEN kim, a plain member, and lee, a member who may also invite
    kim = register(api, "kim@acme.example", "acme")
    lee = register(api, "lee@acme.example", "acme")
    assert (
        api.call(
            "POST",
            "/api/v1/roles",
            {"name": "recruiter", "permissions": ["user.invite", "user.read"]},
            token=acme,
        ).status
        == 201
    )
    assert api.call("POST", f"/api/v1/users/{lee}/roles", {"role": "recruiter"}, token=acme).status == 200
    kim_token = api.login("kim@acme.example", PASSWORD, "acme")["accessToken"]
    lee_token = api.login("lee@acme.example", PASSWORD, "acme")["accessToken"]
    # WHEN kim invites  THEN 403 PERMISSION_DENIED
    assert code(_invite(api, kim_token, "x@acme.example", ["member"])) == (403, "PERMISSION_DENIED")
    assert code(api.call("GET", "/api/v1/invitations", token=kim_token)) == (403, "PERMISSION_DENIED")
    # WHEN lee invites to tenant_admin (more than lee holds)  THEN 403 INSUFFICIENT_PERMISSIONS
    assert code(_invite(api, lee_token, "x@acme.example", ["tenant_admin"])) == (
        403,
        "INSUFFICIENT_PERMISSIONS",
    )
    # AND to a role within lee's own permissions it works; an unknown role is 404
    assert _invite(api, lee_token, "y@acme.example", ["recruiter"]).status == 201
    assert code(_invite(api, lee_token, "z@acme.example", ["nosuchrole"])) == (404, "ROLE_NOT_FOUND")
    assert kim  # used above


# --- the platform admins' tenant list ----------------------------------------------------------------
def test_a_platform_admin_lists_tenants_by_status_and_plan_a_page_at_a_time(
    api: Api, root: str, acme: str
) -> None:
    tenant_with_admin(api, root, "listco")
    assert api.call("PATCH", "/api/v1/tenants/listco", {"plan": "premium"}, token=root).status == 200
    assert api.call("POST", "/api/v1/tenants/listco/suspend", token=root).status == 200
    everything = data(api.call("GET", "/api/v1/tenants?pageSize=100", token=root))
    ids = [t["tenantId"] for t in everything]
    assert {"platform", "acme", "listco"} <= set(ids)
    assert ids == sorted(ids)
    suspended = [t["tenantId"] for t in data(api.call("GET", "/api/v1/tenants?status=suspended", token=root))]
    assert suspended == ["listco"]
    premium = data(api.call("GET", "/api/v1/tenants?plan=premium&status=suspended", token=root))
    assert [t["tenantId"] for t in premium] == ["listco"]
    assert "listco" not in [
        t["tenantId"] for t in data(api.call("GET", "/api/v1/tenants?status=active&pageSize=100", token=root))
    ]
    page = api.call("GET", "/api/v1/tenants?pageSize=1", token=root).body
    assert page["pagination"]["hasNext"] is True
    second = api.call(
        "GET", f"/api/v1/tenants?pageSize=1&cursor={page['pagination']['nextCursor']}", token=root
    ).body
    assert second["data"][0]["tenantId"] != page["data"][0]["tenantId"]
    # AND a tenant admin is refused
    assert code(api.call("GET", "/api/v1/tenants", token=acme)) == (403, "PERMISSION_DENIED")


# --- the tenants' own wording ------------------------------------------------------------------------
def test_a_tenant_admin_rewords_the_reset_mail(api: Api, acme: str, local: LocalPlatform) -> None:
    text = {"subject": "ACME: your reset link", "body": "Hello {{email}}: {{link}} (until {{expiresAt}})."}
    put = api.call("PUT", "/api/v1/notifications/templates/password_reset", text, token=acme)
    assert put.status == 200, put.body
    register(api, "mia@acme.example", "acme")
    assert (
        api.call(
            "POST", "/api/v1/auth/forgot-password", {"email": "mia@acme.example", "tenantId": "acme"}
        ).status
        == 202
    )
    [mail] = eventually(
        lambda: mails(local, "mia@acme.example", "ACME: your reset link"), what="the reworded mail"
    )
    assert mail["body"].startswith("Hello mia@acme.example: ")
    assert (
        api.call(
            "POST",
            "/api/v1/auth/reset-password",
            {"token": token_in(local, "mia@acme.example", "reset-password"), "newPassword": NEW_PASSWORD},
        ).status
        == 204
    )
    bad = api.call(
        "PUT",
        "/api/v1/notifications/templates/password_reset",
        {"subject": "x", "body": "no link"},
        token=acme,
    )
    assert code(bad) == (400, "INVALID_REQUEST")
