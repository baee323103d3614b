"""Calls per public operation: the budget each is held to (tests/integration/test_call_budgets.py) and why
each call that remains is there (rendered into docs/benchmarks.md by `stratus bench`).

Counted over the operation's whole call tree on the platform as `stratus dev` runs it: DynamoDB calls by
botocore's hooks, internal hops as invocations of internal routes (on AWS, each is a Lambda invocation).
A keyed internal POST (one that is not idempotent by itself) also writes its idempotency record — a
PutItem before and an UpdateItem after (`shared.idempotent_calls`): "+2 idem." below. Routes made
idempotent by construction (the caller names what it creates: session, secret, user, seat) write none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    dynamodb: int  # every DynamoDB call of the operation's call tree, at most
    hops: int  # invocations of internal routes, at most
    authorizer: int | None  # DynamoDB calls of the authorizer and its callees; None: a public route
    target: str  # issue 15's target, and whether it is met
    calls: tuple[str, ...]  # each call, in order, and why it cannot go


BUDGETS: dict[str, Budget] = {
    "POST /api/v1/auth/register": Budget(
        6,
        3,
        None,
        "≤ 6 — met",
        (
            "gateway: the client address's rate limit (UpdateItem); the email and the password rule are the "
            "body's own types (no call to auth's pre-validate)",
            "tenants-seats: the tenant read — refused as validate refuses it (404, 403) — then the seat and "
            "its marker, keyed by the new user's id, in one TransactWriteItems (GetItem, TransactWriteItems; "
            "idempotent by construction: a repeat finds the marker and counts nothing)",
            "users-create: the user (the id the gateway chose), its email claim, the count and "
            "user.created's outbox entry in one TransactWriteItems; the entry removed once published "
            "(BatchWriteItem); idempotent by construction: a repeat finds its own user and is answered again",
            "rbac-assign-default-role (called by users): the member role (conditional UpdateItem; "
            "idempotent: a repeat finds the role held)",
            "the verification link and its mail leave the request: user.created carries verifyEmail, and "
            "the gateway's subscriber has users issue the link and notification mail it (not counted here; "
            "the outbox guarantees the event, a passing failure is retried from the queue)",
        ),
    ),
    "POST /api/v1/auth/login": Budget(
        8,
        5,
        None,
        "≤ 5 calls, ≤ 3 hops — not met: 7 calls (8 uncached), 5 hops",
        (
            "gateway: the client address's rate limit (UpdateItem)",
            "tenants-validate: the tenant's state and settings (GetItem) — a suspended tenant is refused",
            "users-validate-credentials: the email's claim (GetItem), then the user, this source's lockout "
            "and the MFA factor together (BatchGetItem); idempotent by construction: the gateway names the "
            "attempt, and a failure counts once per attempt (the lockout item keeps the attempts counted)",
            "rbac-user-permissions-internal: the user's roles (GetItem); the role definitions (BatchGetItem) "
            "only when this container has not cached them (a few seconds)",
            "cache-sessions-create: the user's generation and epoch (GetItem), the session (conditional "
            "PutItem); idempotent by construction: the gateway names the session and its refresh secret, "
            "so a repeat finds its own session and is answered again",
            "auth-tokens: none — user.login is published directly and staged in the outbox only if the bus "
            "refuses it; the route is idempotent (the event id follows from the session)",
            "what is left is one call per service that owns a fact the login needs (tenant, credentials, "
            "roles, the session's epoch): 5 calls and 3 hops would need that state copied into fewer "
            "services (e.g. the tenant's settings and the user's roles kept with cache's principals), "
            "which is not done",
        ),
    ),
    "POST /api/v1/auth/refresh": Budget(
        4,
        3,
        None,
        "≤ 4 — met (5 when rbac's container has not cached the tenant's role definitions)",
        (
            "gateway: the client address's rate limit (UpdateItem)",
            "cache-sessions-rotate: the session with the user's and the tenant's principals (one "
            "BatchGetItem: the token names its user), then the conditional swap of the hash (UpdateItem); "
            "an ended session, a suspended or deleted user and a suspended tenant are refused by that read, "
            "which also gives the new token's epoch and the session's email; idempotent by construction "
            "(the gateway names the next secret: a repeat presents the token just replaced with the "
            "secret now in place, and is answered again instead of tripping reuse detection)",
            "rbac-user-permissions-internal: the permissions the new token carries (GetItem; +1 "
            "BatchGetItem when the role definitions are not cached)",
            "auth-tokens: none",
        ),
    ),
    "POST /api/v1/auth/change-password": Budget(
        8,
        3,
        1,
        "≤ 8 — met",
        (
            "authorizer: 1 (below)",
            "users-change-password: the user and this session's lockout (BatchGetItem), the new hash with "
            "user.password_changed's outbox entry (TransactWriteItems, no read-back), the entry removed once "
            "published (BatchWriteItem); +2 idem.",
            "cache-principals-user: the epoch moved (UpdateItem) — idempotent in effect, so unkeyed",
        ),
    ),
    "POST /api/v1/auth/logout": Budget(
        6,
        3,
        1,
        "—",
        (
            "authorizer: 1",
            "auth-logout: user.logout held in the outbox around the revocation (TransactWriteItems, "
            "BatchWriteItem); +2 idem.",
            "cache-sessions-revoke: the session marked revoked (UpdateItem)",
        ),
    ),
    "GET /api/v1/users/me": Budget(
        2, 1, 1, "authorizer ≤ 1, 1 beyond it — met", ("authorizer: 1", "users-me: the user (GetItem)")
    ),
    "GET /api/v1/users/{userId}": Budget(
        2, 1, 1, "authorizer ≤ 1, 1 beyond it — met", ("authorizer: 1", "users-get: the user (GetItem)")
    ),
    "GET /api/v1/files/{fileId}": Budget(
        2, 1, 1, "authorizer ≤ 1, 1 beyond it — met", ("authorizer: 1", "files-get: the file (GetItem)")
    ),
}

AUTHORIZER = (
    "The authorizer: one call to cache (sessions-check), one TransactWriteItems there "
    "(functions/cache/admission.py): condition checks on the session (the user's, not revoked, not expired), "
    "the user (epoch still the token's, so no suspension, deletion, role change or end of all sessions "
    "since) and the tenant (not suspended), and the two rate-limit counters (the caller's, the tenant's) "
    "added to only if all hold and neither is full. When a condition fails, cache reads the three items "
    "(BatchGetItem) to tell why: refused at once (nothing counted), or only the epoch moved (a role change): "
    "counted bucket by bucket and the permissions re-read from rbac — 3-4 calls on each request of a "
    "token issued before the change, until it is refreshed. A "
    "transaction that conflicts with another on the tenant's counter (many members at once, on AWS) takes "
    "that read-and-count path too: the one-call case is the common one, not a guarantee under contention."
)


def explained() -> list[str]:
    """Markdown lines: the budget table and each operation's calls."""
    lines = [
        "| operation | DynamoDB ≤ | hops ≤ | authorizer ≤ | issue 15 target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, b in BUDGETS.items():
        authorizer = "—" if b.authorizer is None else str(b.authorizer)
        lines.append(f"| {name} | {b.dynamodb} | {b.hops} | {authorizer} | {b.target} |")
    lines += ["", AUTHORIZER, ""]
    for name, b in BUDGETS.items():
        lines.append(f"- **{name}**: " + "; ".join(b.calls) + ".")
    return lines
