"""users-validate-credentials keeps no idempotency record: the caller names the attempt (`attempt`, which
the typed client fills in when the request is built), and a failure counts once per attempt — a repeat of
a call whose answer was lost neither counts a failure twice nor locks a source out early, while distinct
attempts still all count (the lockout stays what it was)."""

from __future__ import annotations

from typing import Any

from functions.users import credentials, validate_credentials
from functions.users.models import Credentials
from tests.unit.functions.users.support import PASSWORD, TENANT, body, internal, new_user
from tests.unit.functions.users.test_store_contract import FAR, Stores, T, stores  # noqa: F401 - the fixture

ATTACKER = "198.51.100.66"
ATTEMPT = "att_" + "a" * 32


def login(password: str, attempt: str | None = None) -> dict[str, Any]:
    payload = {"email": "jane@acme.io", "password": password, "tenantId": TENANT, "source": ATTACKER}
    return internal(
        validate_credentials,
        path="/internal/users/validate-credentials",
        payload=payload | ({"attempt": attempt} if attempt else {}),
    )


def test_a_repeated_failed_attempt_counts_once_and_answers_the_same() -> None:
    new_user("jane@acme.io")
    # GIVEN a wrong password whose answer was lost  WHEN the same attempt comes again, many times
    answers = [login("wrong-pass-word-1", ATTEMPT) for _ in range(credentials.MAX_FAILURES + 2)]
    # THEN each is the same 401 (never a lock: one failure was counted)
    assert {(a["statusCode"], body(a)["error"]["code"]) for a in answers} == {(401, "INVALID_CREDENTIALS")}
    # AND the right password from that source still works
    assert login(PASSWORD)["statusCode"] == 200


def test_distinct_attempts_all_count_and_lock_the_source() -> None:
    new_user("jane@acme.io")
    for n in range(credentials.MAX_FAILURES):
        assert login("wrong-pass-word-1", f"att_{n:032x}")["statusCode"] == 401
    locked = login(PASSWORD)
    assert (locked["statusCode"], body(locked)["error"]["code"]) == (423, "ACCOUNT_LOCKED")


def test_each_request_the_typed_client_builds_is_its_own_attempt_and_keeps_it_on_retries() -> None:
    one = Credentials(email="jane@acme.io", password="x", tenant_id=TENANT)
    assert one.model_dump(by_alias=True)["attempt"] == one.attempt
    assert Credentials(email="jane@acme.io", password="x", tenant_id=TENANT).attempt != one.attempt


def test_a_malformed_attempt_is_400() -> None:
    result = login("wrong-pass-word-1", "att_1#X")
    assert (result["statusCode"], body(result)["error"]["field"]) == (400, "attempt")


# --- the store's side, on both adapters ----------------------------------------------------------------
def test_a_failure_counts_once_per_attempt_on_both_stores(stores: Stores) -> None:  # noqa: F811
    lockouts = stores.lockouts
    assert lockouts.add_failure(T, "u_1", "src", expires_at=FAR, attempt=ATTEMPT).failures == 1
    assert lockouts.add_failure(T, "u_1", "src", expires_at=FAR, attempt=ATTEMPT).failures == 1
    assert lockouts.add_failure(T, "u_1", "src", expires_at=FAR, attempt="att_" + "b" * 32).failures == 2
    assert lockouts.add_failure(T, "u_1", "src", expires_at=FAR).failures == 3  # unnamed: always counts
    # AND a lock keeps what was counted: the first attempt again counts nothing after it
    assert lockouts.lock(T, "u_1", "src", until=FAR - 1, threshold=3, expires_at=FAR)
    assert lockouts.add_failure(T, "u_1", "src", expires_at=FAR, attempt=ATTEMPT).failures == 0
    assert lockouts.get(T, "u_1", "src").failures == 0
