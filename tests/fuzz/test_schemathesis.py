"""The fuzz tier: schemathesis over the published OpenAPI document (the one `/.well-known/openapi.json`
serves), against the whole platform on loopback — as a tenant admin and without a credential, with
schema-valid (positive) and schema-invalid (negative) data, every check on.

A run fails on any 5xx, any response the document does not describe (status, headers, content type, body),
any schema-valid request refused with a 4xx the document cannot explain, and any schema-invalid request
accepted. It is seeded and derandomized: the same code and document send the same requests.

    .venv/bin/pytest tests/fuzz -s                               # the tier, ~2 minutes on 2 cores
    STRATUS_FUZZ_EXAMPLES=150 .venv/bin/pytest tests/fuzz -s     # a longer hunt

The platform runs with its rate limits raised (`whole_platform`): a fuzzer is a burst by design, and a
429 would stop it testing anything else. Every operation documents its 429 all the same.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from schemathesis.engine import events, from_schema

from functions.audit.records import canonical
from stratus import openapi_marketplace
from stratus.local import LocalPlatform
from tests.e2e.conftest import request
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from tests.e2e.platform import tenant_with_admin, upload, whole_platform

# Examples per operation, phase and mode: enough to find the shapes of bad input, small enough that the
# four runs take about two minutes here. Raise it to hunt (each run's time limit grows with it).
MAX_EXAMPLES = int(os.environ.get("STRATUS_FUZZ_EXAMPLES", "8"))
pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(max(300, 12 * MAX_EXAMPLES))]
SEED = 20_240_601

# Operations that end the caller's own session or rights, which would turn every later request of the run
# into a 401 or 403 and leave the rest untested: they run last, after everything else, with the same token.
# (The others are safe for the caller: the users service refuses to delete or suspend one's own account,
# a tenant admin cannot suspend a tenant, and the fuzzer never knows the password change-password needs.)
SESSION_ENDING = ("POST /api/v1/auth/logout", "DELETE /api/v1/users/{userId}/roles/{role}")

# Every check is on: none is wrong for this API. What a check reports that the document can only say in
# words is dropped, one rule at a time, by `_accepted_refusal` below.

# Schema-valid requests that a rule no JSON schema can state refuses with a 4xx, by operation. Everything
# the models can say (patterns, lengths, formats, required fields) they do say; what is left is state:
_REFUSED_BY_STATE: dict[str, list[int]] = {
    # the same account after 5 wrong passwords (the fuzzer learns the tenant admin's email from responses)
    "POST /api/v1/auth/login": [423],
    "POST /api/v1/auth/change-password": [423],
    # the tenant's quota for one file (413 FILE_TOO_LARGE) and the stage's allowed content types (415)
    "POST /api/v1/files/upload": [413, 415],
    # a file whose bytes were never uploaded (the files service answers 400 "not uploaded yet")
    "POST /api/v1/files/{fileId}/complete": [400],
    # MFA in the wrong state (409: not enrolled, not active) or a code that is not the enrolled secret's
    "POST /api/v1/auth/mfa/activate": [400, 409],
    "POST /api/v1/auth/mfa/disable": [401, 409, 423],
    # OAuth (functions/oidc): a client id, redirect URI, code or refresh token is valid only if issued —
    # unknown ones are a 400 envelope (authorize) or RFC 6749 errors (token: 400, 401 invalid_client) —
    # and an authorization request that names a real client answers with a redirect (302)
    "GET /api/v1/oauth2/authorize": [302, 400],
    "POST /api/v1/oauth2/token": [400, 401],
    # GraphQL (functions/graphql): a `query` string is valid only as a GraphQL document over the schema,
    # within the depth, alias and cost limits — a grammar no JSON schema states (400 with GraphQL errors)
    "POST /api/v1/graphql": [400],
}
# The marketplace's storefront routes called without a credential (or with one that is not a token) and no
# tenant named by X-Tenant-ID or the host: 400 (docs/marketplace.md).
_REFUSED_BY_STATE |= {key: [400] for key in openapi_marketplace.PUBLIC_ROUTES}
# A cursor is opaque: only one the API issued, sent with the filters it was issued for, is valid — which a
# schema cannot say (the document says it in words). Positive data takes half its cursors from real pages
# (of the unfiltered lists); a refusal of any other cursor (400, `cursor`) is accepted below, while a real
# cursor refused on its own list still fails the run.
PAGING = {"cursor", "pageSize"}
LISTS = ("/api/v1/users", "/api/v1/files", "/api/v1/notifications", "/api/v1/audit", "/api/v1/jobs")


def _accepted_refusal(issued: dict[str, list[str]]) -> Any:
    """A `filter_failure` hook that drops a failure for a rule no OpenAPI document can state:
    - schema-valid data refused (400) for a cursor that is not one its list issued, for the same filters;
    - or for an audit range whose `from` is after its `to`;
    - or for an integer written with a fraction (`10.0`): JSON Schema counts it as an integer, the API's
      strict models do not (a size or an amount is written `10`), and no keyword tells them apart;
    - an `Allow` header (of a 405) that also names the methods of a templated sibling path: `/users/me`
      answers `Allow: DELETE, GET, PATCH` because DELETE /users/me is DELETE /users/{userId} with userId
      "me" (routes match on method and path, as on API Gateway), while in an OpenAPI document a concrete
      path hides its templated siblings;
    - a config document (`PUT /config/{scope}/{key}`, any JSON) that the published `JsonValue` schema
      calls invalid but the service stores: the document's own JSON Schema, checked by the service, is the
      rule there (docs/config-center.md), not the generic bounds of `JsonValue`.
    Anything else still fails the run."""

    def filter_failure(_ctx: Any, failure: Any, case: Any, response: Any) -> bool:
        config_document = case.operation.path == "/api/v1/config/{scope}/{key}"
        if "negative_data_rejection" in failure.checks and config_document:
            return False
        if "allow_header_conformance" in failure.checks:
            allowed = {m.strip().upper() for m in str(response.headers.get("allow", [""])[0]).split(",")}
            return allowed != _routed_methods(case.operation.schema.raw_schema, case.operation.path)
        if "positive_data_acceptance" not in failure.checks or response.status_code != 400:
            return True
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            return True
        field, query = error.get("field"), case.query or {}
        if field == "cursor":
            own = str(query.get("cursor")) in issued.get(case.operation.path, ())
            return own and not set(query) - PAGING
        if field == "from" and "to" in query:
            try:
                return canonical(str(query["from"])) <= canonical(str(query["to"]))
            except ValueError:
                return True
        problems = error.get("details") if isinstance(error.get("details"), list) else []
        return not problems or not all(_written_with_fraction(case.body, p) for p in problems)

    return filter_failure


def _routed_methods(document: dict[str, Any], path: str) -> set[str]:
    """The methods the gateway routes for a concrete path: its own, and those of every templated path
    that matches it (API Gateway matches on method and path together)."""
    methods: set[str] = set()
    for template, operations in document["paths"].items():
        if re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path):
            methods |= {m.upper() for m in operations}
    return methods


def _written_with_fraction(body: Any, problem: dict[str, Any]) -> bool:
    if problem.get("type") != "int_type":
        return False
    value = body
    for part in str(problem.get("field", "")).split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return isinstance(value, float) and value.is_integer()


@dataclass
class Outcome:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Outcome) -> None:
        self.requests += other.requests
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)
        for key, text in other.examples.items():
            self.examples.setdefault(key, text)
        self.errors.extend(other.errors)
        self.seconds += other.seconds

    def summary(self, label: str) -> str:
        server_errors = sum(n for status, n in self.statuses.items() if status >= 500)
        lines = [
            f"{label}: {self.requests} requests, {sum(self.failures.values())} failed checks "
            f"({len(self.failures)} distinct), {server_errors} 5xx, {self.seconds:.0f} s"
        ]
        for (operation, check), count in sorted(self.failures.items()):
            lines.append(f"  {count:4} failed {check} on {operation}\n{self.examples[(operation, check)]}")
        lines.extend(f"  error: {error}" for error in self.errors)
        return "\n".join(lines)


@pytest.fixture(scope="module")
def platform() -> Iterator[LocalPlatform]:
    with whole_platform() as running:  # rate limits raised: a fuzzer is a burst by design
        yield running


@pytest.fixture(scope="module")
def published(platform: LocalPlatform) -> dict[str, Any]:
    reply = request(f"{platform.url}/.well-known/openapi.json")
    assert reply.status == 200
    document: dict[str, Any] = reply.body
    return document


@pytest.fixture(scope="module")
def root(platform: LocalPlatform) -> str:
    return str(Api(platform.url).login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


def _populate(api: Api, token: str, tenant: str) -> None:
    """Two of everything the lists show, so that each has a second page."""
    for n in (1, 2):
        assert api.register(f"member{n}@{tenant}.example", tenant).status == 201
        _file_id, done = upload(api, token, b"fuzz", name=f"seed-{n}.txt")
        assert done.status == 200, done.body


def _cursors(api: Api, token: str) -> dict[str, list[str]]:
    """A real cursor of every list that has a second page (pages of one item). A cursor of one list sent
    to another is refused too (400), so each list gets only its own."""
    found: dict[str, list[str]] = {}
    for path in LISTS:
        reply = api.call("GET", f"{path}?pageSize=1", token=token)
        cursor = (reply.body or {}).get("pagination", {}).get("nextCursor") if reply.status == 200 else None
        if cursor:
            found[path] = [cursor]
    return found


def _config(base_url: str, mode: str, token: str | None, cursors: dict[str, list[str]]) -> dict[str, Any]:
    operations: list[dict[str, Any]] = [
        {
            "include-name": key,
            "checks": {"positive_data_acceptance": {"expected-statuses": _expected(statuses)}},
        }
        for key, statuses in _REFUSED_BY_STATE.items()
    ]
    config: dict[str, Any] = {
        "seed": SEED,
        "cache": {"enabled": False},
        "base-url": base_url,
        "continue-on-failure": True,  # count every failing request, not the first per operation
        "generation": {
            "mode": mode,
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        # No stateful phase: its links chain `/users/me`'s own id into the calls above that end a session.
        "phases": {"stateful": {"enabled": False}},
        "operations": operations,
    }
    every = [cursor for found in cursors.values() for cursor in found]
    if every:
        config["dictionaries"] = {"cursors": {"values": every}}
        config["parameters"] = {"query.cursor": {"dictionary": "cursors", "probability": 0.5}}
    if token:
        config["auth"] = {"openapi": {"bearer": {"bearer": token}}}
    return config


def _expected(extra: list[int]) -> list[str | int]:
    """schemathesis's default, less 3xx (the API never redirects) and 5xx (never acceptable), plus `extra`."""
    return ["2xx", "401", "403", "404", "409", "429", *extra]


def _run(
    document: dict[str, Any],
    config: dict[str, Any],
    issued: dict[str, list[str]],
    *,
    only: tuple[str, ...] = (),
    leaving_out: tuple[str, ...] = (),
) -> Outcome:
    schema: schemathesis.BaseSchema = schemathesis.openapi.from_dict(
        document, config=schemathesis.Config.from_dict(config)
    )
    if only:
        schema = schema.include(name=list(only))
    if leaving_out:
        schema = schema.exclude(name=list(leaving_out))
    schema.hook(_accepted_refusal(issued))
    outcome = Outcome()
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(outcome, event.recorder)
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {event.value!r}"[:500])
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {event.exception!r}"[:500])
    outcome.seconds = time.monotonic() - started
    return outcome


def _record(outcome: Outcome, recorder: Any) -> None:
    outcome.requests += len(recorder.interactions)
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            outcome.statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            key = (recorder.label, check.name)
            outcome.failures[key] += 1
            if key not in outcome.examples:
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction else None
                answered = (
                    f"{response.status_code} {response.content[:300]!r}" if response else "(no response)"
                )
                failure = check.failure_info.failure
                outcome.examples[key] = (
                    f"       {failure.title}: {failure.message[:400]}\n"
                    f"       {check.failure_info.code_sample[:600]}\n       → {answered}"
                )


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("caller", ["tenant-admin", "anonymous"])
def test_the_api_does_what_its_published_document_says(
    platform: LocalPlatform, published: dict[str, Any], root: str, caller: str, mode: str
) -> None:
    api = Api(platform.url)
    token: str | None = None
    cursors: dict[str, list[str]] = {}
    if caller == "tenant-admin":
        # A tenant of its own per run: what a run does (locks its admin out of login, fills its quotas,
        # ends its session at the end) never reaches another run — nor the platform admin.
        tenant = f"fuzz-{mode}"
        token = tenant_with_admin(api, root, tenant)
        _populate(api, token, tenant)
        cursors = _cursors(api, token)
    config = _config(platform.url, mode, token, cursors)
    if token:
        outcome = _run(published, config, cursors, leaving_out=SESSION_ENDING)
        outcome.add(_run(published, config, cursors, only=SESSION_ENDING))
    else:
        outcome = _run(published, config, cursors)
    report = outcome.summary(f"{caller}, {mode}")
    print(report)
    assert outcome.requests > 0
    assert not outcome.errors, report
    assert not outcome.failures, report
