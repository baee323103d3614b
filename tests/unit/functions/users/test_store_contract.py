"""The users stores' contract (`functions/users/ports.py`), run on both adapters: the DynamoDB stores over
moto and the in-memory fakes the domain tests use. What the domain relies on — uniqueness, counts and
single use decided by the store, events staged with the write that causes them — holds on both, so a
domain test on the fakes means what it says. The DynamoDB side is also held to its calls (the budgets of
stratus/bench/budgets.py rest on them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import pytest

from functions.users import (
    challenge_store,
    invitation_store,
    lockouts,
    mfa_store,
    sign_in_store,
    store,
    token_store,
)
from functions.users.ports import (
    ChallengeStore,
    FactorStore,
    InvitationStore,
    LockoutStore,
    SignInStore,
    TokenStore,
    UserStore,
)
from functions.users.records import (
    Challenge,
    EmailTaken,
    InvitationMoved,
    InvitationRecord,
    TokenRecord,
    UserGone,
    UserRecord,
)
from shared import aws, outbox
from shared.config import settings
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import dynamodb_calls, event
from tests.unit.functions.users.fakes import (
    FakeChallengeStore,
    FakeFactorStore,
    FakeInvitationStore,
    FakeLockoutStore,
    FakeSignInStore,
    FakeTokenStore,
    FakeUserStore,
    UsersTable,
)

T, OTHER = "acme", "globex"
NOW = "2025-01-02T00:00:00.000Z"
FAR = 4_000_000_000  # epoch seconds well in the future


@dataclass
class Stores:
    users: UserStore
    sign_ins: SignInStore
    lockouts: LockoutStore
    tokens: TokenStore
    invitations: InvitationStore
    factors: FactorStore
    challenges: ChallengeStore
    pending: Callable[[], int]
    kind: str


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Iterator[Stores]:
    if request.param == "fake":
        table = UsersTable(fake_outbox)
        yield Stores(
            FakeUserStore(table),
            FakeSignInStore(table),
            FakeLockoutStore(table),
            FakeTokenStore(table),
            FakeInvitationStore(table),
            FakeFactorStore(table),
            FakeChallengeStore(table),
            lambda: len(fake_outbox.pending),
            "fake",
        )
        return
    request.getfixturevalue("atomic_dynamodb")  # moto over threads, one request at a time as DynamoDB
    yield Stores(
        store,
        sign_in_store,
        lockouts,
        token_store,
        invitation_store,
        mfa_store,
        challenge_store,
        outbox.pending_count,
        "dynamodb",
    )


def user(user_id: str = "u_1", email: str = "jane@acme.io", tenant: str = T) -> UserRecord:
    return UserRecord(
        tenant_id=tenant,
        user_id=user_id,
        email=email,
        password_hash="hash-1",
        profile={"name": "Jane"},
        created_at=NOW,
        updated_at=NOW,
    )


def an_event(user_id: str = "u_1") -> ServiceEvent:
    """An event a write causes (its type does not matter to a store: it stages what it is given)."""
    return event("user.deleted", {"userId": user_id, "email": "jane@acme.io"}, source="users", tenant_id=T)


# --- users, claims, count --------------------------------------------------------------------------------
def test_an_email_is_claimed_once_per_tenant_and_the_count_follows(stores: Stores) -> None:
    created = an_event()
    stores.users.insert(user(), events=[created])
    assert stores.pending() == 1
    with pytest.raises(EmailTaken):
        stores.users.insert(user("u_2"), events=[an_event("u_2")])
    assert stores.pending() == 1  # the refused write staged nothing
    stores.users.insert(user("u_3", tenant=OTHER))  # another tenant's claim is its own
    assert stores.users.total(T) == 1
    assert stores.users.get(T, "u_1") == user()
    assert stores.users.find_by_email(T, "jane@acme.io") == user()
    assert stores.users.find_by_email(T, "nobody@acme.io") is None
    assert stores.users.get(OTHER, "u_1") is None


def test_a_user_is_removed_once_and_the_count_never_goes_twice(stores: Stores) -> None:
    stores.users.insert(user(), events=[created := an_event()])
    stores.users.remove(user(), withdraw=[created])  # an undone create takes its event back out
    assert stores.pending() == 0
    assert stores.users.get(T, "u_1") is None
    with pytest.raises(UserGone):
        stores.users.remove(user(), events=[an_event()])
    assert stores.pending() == 0
    assert stores.users.total(T) == 0
    stores.users.insert(user("u_2"))  # the address is free again
    with pytest.raises(UserGone):  # a record that no longer matches (another address) removes nothing
        stores.users.remove(replace(user("u_2"), email="other@acme.io"))
    assert stores.users.total(T) == 1


def test_a_password_is_replaced_only_from_the_hash_that_was_checked(stores: Stores) -> None:
    stores.users.insert(user())
    changed = an_event()
    assert not stores.users.set_password(T, "u_1", old_hash="stale", new_hash="h2", now=NOW, events=[changed])
    assert stores.pending() == 0
    assert stores.users.set_password(T, "u_1", old_hash="hash-1", new_hash="h2", now=NOW, events=[changed])
    assert stores.pending() == 1
    found = stores.users.get(T, "u_1")
    assert found is not None
    assert found.password_hash == "h2"
    assert not stores.users.set_password(T, "u_9", old_hash="hash-1", new_hash="h3", now=NOW)


def test_status_and_profile_change_an_existing_user_only(stores: Stores) -> None:
    stores.users.insert(user())
    after = stores.users.set_status(T, "u_1", "suspended", now="later", events=[an_event()])
    assert after is not None
    assert (after.status, after.updated_at, stores.pending()) == ("suspended", "later", 1)
    patched = stores.users.patch_profile(T, "u_1", put={"title": "CTO"}, drop=["name"], now="later")
    assert patched is not None
    assert patched.profile == {"title": "CTO"}
    assert stores.users.get(T, "u_1") == patched
    assert stores.users.set_status(T, "u_9", "suspended", now=NOW) is None
    assert stores.users.patch_profile(T, "u_9", put={"a": "b"}, drop=[], now=NOW) is None


def test_pages_walk_one_tenant_and_refuse_a_cursor_of_another(stores: Stores) -> None:
    for n in range(3):
        stores.users.insert(user(f"u_{n}", f"user{n}@acme.io"))
    stores.users.insert(user("u_x", tenant=OTHER))
    first, cursor = stores.users.page(T, page_size=2, cursor=None)
    assert [u.user_id for u in first] == ["u_0", "u_1"]
    rest, end = stores.users.page(T, page_size=2, cursor=cursor)
    assert [u.user_id for u in rest] == ["u_2"]
    assert end is None
    with pytest.raises(InvalidRequest):
        stores.users.page(OTHER, page_size=2, cursor=cursor)
    assert [u.user_id for u in stores.users.get_many(T, ["u_2", "u_x", "u_0"])] == ["u_2", "u_0"]


def test_racing_creates_of_distinct_users_are_all_counted(stores: Stores) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: stores.users.insert(user(f"u_{n}", f"user{n}@acme.io")), range(6)))
    assert stores.users.total(T) == 6


def test_a_malformed_tenant_id_is_a_value_error_never_a_key(stores: Stores) -> None:
    with pytest.raises(ValueError, match="tenant"):
        stores.users.get("acme#USERS#x", "u_1")
    with pytest.raises(ValueError, match="tenant"):
        stores.challenges.get("", "c1", now=0)


# --- sign-in reads and lockouts ------------------------------------------------------------------------
def test_a_sign_in_reads_the_user_its_lockout_and_whether_mfa_is_on(stores: Stores) -> None:
    assert stores.sign_ins.read(T, "jane@acme.io", "1.2.3.4") is None
    stores.users.insert(user())
    stores.lockouts.add_failure(T, "u_1", "1.2.3.4", expires_at=FAR)
    found = stores.sign_ins.read(T, "jane@acme.io", "1.2.3.4")
    assert found is not None
    assert (found.user, found.lockout.failures, found.mfa_active) == (user(), 1, False)
    elsewhere = stores.sign_ins.read(T, "jane@acme.io", "5.6.7.8")
    assert elsewhere is not None
    assert elsewhere.lockout.failures == 0
    assert stores.factors.put_pending(T, "u_1", "sealed", now=NOW)
    pending = stores.sign_ins.read(T, "jane@acme.io", "x")
    assert pending is not None
    assert not pending.mfa_active
    assert stores.factors.activate(T, "u_1", pending_secret="sealed", step=1, recovery_hashes=["r"], now=NOW)
    active = stores.sign_ins.read(T, "jane@acme.io", "x")
    assert active is not None
    assert active.mfa_active
    by_id = stores.sign_ins.read_by_id(T, "u_1", "1.2.3.4")
    assert by_id is not None
    assert (by_id.user, by_id.lockout.failures) == (user(), 1)
    assert stores.sign_ins.read_by_id(T, "u_9", "1.2.3.4") is None


def test_a_source_is_locked_once_its_failures_reach_the_threshold_and_forgotten_on_clear(
    stores: Stores,
) -> None:
    for _ in range(2):
        stores.lockouts.add_failure(T, "u_1", "src", expires_at=FAR)
    assert not stores.lockouts.lock(T, "u_1", "src", until=FAR - 1, threshold=3, expires_at=FAR)
    assert stores.lockouts.add_failure(T, "u_1", "src", expires_at=FAR).failures == 3
    assert stores.lockouts.lock(T, "u_1", "src", until=FAR - 1, threshold=3, expires_at=FAR)
    assert not stores.lockouts.lock(T, "u_1", "src", until=FAR - 1, threshold=3, expires_at=FAR)
    locked = stores.lockouts.get(T, "u_1", "src")
    assert (locked.failures, locked.locked_until, locked.locks) == (0, FAR - 1, 1)
    stores.lockouts.add_failure(T, "u_1", "other", expires_at=FAR)
    stores.lockouts.add_failure(T, "u_2", "src", expires_at=FAR)
    assert stores.lockouts.clear_all(T, "u_1") == 2
    assert stores.lockouts.get(T, "u_1", "src").failures == 0
    assert stores.lockouts.get(T, "u_2", "src").failures == 1
    stores.lockouts.add_failure(T, "u_2", "old", expires_at=1)  # past its TTL: read as none
    assert stores.lockouts.get(T, "u_2", "old").failures == 0


# --- links ---------------------------------------------------------------------------------------------
def token(
    kind: str = "reset",
    token_id: str = "t_1",  # noqa: S107 - an id
    *,
    stamp: str = "stamp",
) -> TokenRecord:
    return TokenRecord(T, token_id, kind, "u_1", "secret-hash", FAR, stamp, NOW)


def test_a_reset_link_works_once_and_only_against_the_password_it_was_issued_for(stores: Stores) -> None:
    stores.users.insert(user())
    assert stores.tokens.insert(token(), events=[an_event()])
    assert not stores.tokens.insert(token())
    assert stores.tokens.get(T, "t_1") == token()
    forged = replace(token(), secret_hash="other")
    assert not stores.tokens.use_for_reset(forged, user(), new_hash="h2", now=NOW)
    moved = replace(user(), password_hash="not-any-more")
    assert not stores.tokens.use_for_reset(token(), moved, new_hash="h2", now=NOW)
    assert stores.pending() == 1
    changed = an_event()
    assert stores.tokens.use_for_reset(token(), user(), new_hash="h2", now=NOW, events=[changed])
    assert stores.pending() == 2
    assert stores.tokens.get(T, "t_1") is None
    assert not stores.tokens.use_for_reset(token(), user(), new_hash="h3", now=NOW)
    # AND an undone reset puts the old password and the link back, and its event out
    assert stores.tokens.undo_reset(token(), user(), new_hash="h2", now=NOW, withdraw=[changed])
    assert stores.pending() == 1
    assert stores.tokens.get(T, "t_1") == token()
    found = stores.users.get(T, "u_1")
    assert found is not None
    assert found.password_hash == "hash-1"


def test_a_verification_link_verifies_the_address_it_was_sent_to_once(stores: Stores) -> None:
    stores.users.insert(user())
    verify = token("verify", "t_2", stamp="jane@acme.io")
    assert stores.tokens.insert(verify)
    elsewhere = replace(user(), email="old@acme.io")
    assert not stores.tokens.use_for_verification(verify, elsewhere, now=NOW)
    assert stores.tokens.use_for_verification(verify, user(), now=NOW, events=[an_event()])
    found = stores.users.get(T, "u_1")
    assert found is not None
    assert found.email_verified
    assert stores.pending() == 1
    assert not stores.tokens.use_for_verification(verify, user(), now=NOW)


# --- invitations ---------------------------------------------------------------------------------------
def invitation(invitation_id: str = "inv_1", *, valid_until: int = FAR) -> InvitationRecord:
    return InvitationRecord(
        T, invitation_id, "new@acme.io", ("member",), "pending", "hash", valid_until, "u_a", NOW, NOW
    )


def test_an_invitation_is_accepted_once_into_a_new_user(stores: Stores) -> None:
    stores.invitations.insert(invitation(), events=[an_event()])
    newcomer = user("u_2", "new@acme.io")
    with pytest.raises(InvitationMoved):  # presented with another secret
        stores.invitations.accept(replace(invitation(), secret_hash="x"), newcomer, now=1, at=NOW)
    with pytest.raises(InvitationMoved):  # past its time
        stores.invitations.accept(invitation(), newcomer, now=FAR, at=NOW)
    created = an_event("u_2")
    stores.invitations.accept(invitation(), newcomer, now=1, at=NOW, events=[created])
    accepted = stores.invitations.get(T, "inv_1")
    assert accepted is not None
    assert (accepted.status, accepted.accepted_user_id) == ("accepted", "u_2")
    assert stores.users.get(T, "u_2") == newcomer
    assert stores.users.total(T) == 1
    assert stores.pending() == 2
    with pytest.raises(InvitationMoved):
        stores.invitations.accept(invitation(), user("u_3", "third@acme.io"), now=1, at=NOW)
    # AND undone, the user is gone and the invitation pending again, its event out
    stores.invitations.reopen(invitation(), newcomer, at=NOW, withdraw=[created])
    reopened = stores.invitations.get(T, "inv_1")
    assert reopened is not None
    assert (reopened.status, reopened.accepted_user_id) == ("pending", None)
    assert stores.users.total(T) == 0
    assert stores.pending() == 1
    with pytest.raises(UserGone):
        stores.invitations.reopen(invitation(), newcomer, at=NOW)


def test_an_invitation_to_a_taken_address_and_a_revoked_one_are_refused(stores: Stores) -> None:
    stores.users.insert(user("u_9", "new@acme.io"))
    stores.invitations.insert(invitation())
    with pytest.raises(EmailTaken):
        stores.invitations.accept(invitation(), user("u_2", "new@acme.io"), now=1, at=NOW)
    assert stores.invitations.revoke(invitation(), at=NOW, events=[an_event()])
    assert not stores.invitations.revoke(invitation(), at=NOW)
    assert stores.pending() == 1
    with pytest.raises(InvitationMoved):
        stores.invitations.accept(invitation(), user("u_2", "other@acme.io"), now=1, at=NOW)
    assert stores.users.total(T) == 1


def test_invitations_are_listed_newest_first(stores: Stores) -> None:
    for n in range(3):
        stores.invitations.insert(invitation(f"inv_{n}"))
    first, cursor = stores.invitations.page(T, page_size=2, cursor=None)
    assert [i.invitation_id for i in first] == ["inv_2", "inv_1"]
    rest, _ = stores.invitations.page(T, page_size=2, cursor=cursor)
    assert [i.invitation_id for i in rest] == ["inv_0"]
    with pytest.raises(InvalidRequest):
        stores.invitations.page(OTHER, page_size=2, cursor=cursor)


# --- MFA -----------------------------------------------------------------------------------------------
def test_a_factor_accepts_each_step_and_each_recovery_code_once(stores: Stores) -> None:
    assert stores.factors.get(T, "u_1") is None
    assert stores.factors.put_pending(T, "u_1", "s1", now=NOW)
    assert stores.factors.put_pending(T, "u_1", "s2", now=NOW)  # enrolling again replaces the secret
    assert not stores.factors.activate(T, "u_1", pending_secret="s1", step=10, recovery_hashes=["a"], now=NOW)
    enabled = an_event()
    assert stores.factors.activate(
        T, "u_1", pending_secret="s2", step=10, recovery_hashes=["a", "b"], now=NOW, events=[enabled]
    )
    factor = stores.factors.get(T, "u_1")
    assert factor is not None
    assert (factor.status, factor.secret, factor.pending_secret, factor.last_step) == (
        "active",
        "s2",
        None,
        10,
    )
    assert factor.recovery == {"a", "b"}
    assert not stores.factors.put_pending(T, "u_1", "s3", now=NOW)
    assert not stores.factors.accept_step(T, "u_1", 10)
    assert stores.factors.accept_step(T, "u_1", 11)
    assert stores.factors.use_recovery_code(T, "u_1", "a")
    assert not stores.factors.use_recovery_code(T, "u_1", "a")
    assert stores.factors.remove(T, "u_1", events=[an_event()])
    assert not stores.factors.remove(T, "u_1")
    assert stores.pending() == 2
    stores.factors.forget(T, "u_1")  # idempotent


def test_a_challenge_is_used_once_and_never_after_it_expires(stores: Stores) -> None:
    challenge = Challenge("c1", "u_1", "hash", "login", expires_at=1000)
    stores.challenges.put(T, challenge)
    assert stores.challenges.get(T, "c1", now=999) == challenge
    assert stores.challenges.get(T, "c1", now=1000) is None
    assert not stores.challenges.consume(T, replace(challenge, secret_hash="x"), now=999)
    assert not stores.challenges.consume(T, challenge, now=1000)
    assert stores.challenges.consume(T, challenge, now=999)
    assert not stores.challenges.consume(T, challenge, now=999)


# --- the DynamoDB side's calls and keys ------------------------------------------------------------------
@pytest.mark.usefixtures("dynamodb")
def test_the_dynamodb_stores_make_the_calls_the_budgets_count_on() -> None:
    store.insert(user())
    store.insert(user("u_2", "john@acme.io"))
    with dynamodb_calls() as sign_in:
        assert sign_in_store.read(T, "jane@acme.io", "src") is not None
    with dynamodb_calls() as password_change:
        assert sign_in_store.read_by_id(T, "u_1", "src") is not None
        assert store.set_password(T, "u_1", old_hash="hash-1", new_hash="h2", now=NOW, events=[an_event()])
    with dynamodb_calls() as batch:
        assert len(store.get_many(T, ["u_1", "u_2"])) == 2
    with dynamodb_calls() as by_email:
        assert store.find_by_email(T, "john@acme.io") is not None
    assert sign_in == ["GetItem", "BatchGetItem"]
    assert password_change == ["BatchGetItem", "TransactWriteItems"]  # no read-back
    assert batch == ["BatchGetItem"]
    assert by_email == ["GetItem", "GetItem"]


@pytest.mark.usefixtures("dynamodb")
def test_a_lockout_is_keyed_by_a_digest_of_its_source_never_the_address() -> None:
    lockouts.add_failure(T, "u_1", "198.51.100.66", expires_at=FAR)
    items = aws.client("dynamodb").scan(TableName=settings().table_name("users"))["Items"]
    assert [i["sk"]["S"].startswith("LOCKOUT#u_1#") for i in items] == [True]
    assert "198.51.100.66" not in str(items)
