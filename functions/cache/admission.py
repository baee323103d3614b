"""The authorizer's check of a protected request, with its rate limits: one DynamoDB call in the common
case (the session usable, the user's epoch still the token's, the tenant active, the buckets not full).

- common case: the admission store's `admit` (ports.admission; admission_store) — one
  TransactWriteItems, which counts the request only if every condition holds;
- a session, user or tenant condition failed: the strongly consistent read of `sessions.check` says why
  (revoked, suspended, ... → refused, nothing counted), or that only the epoch moved (a role change): the
  request is then counted bucket by bucket and the caller re-reads the permissions;
- a bucket was full: refused with that bucket's retry-after, nothing counted.

Without an epoch or buckets (an older caller) it is the plain read of `sessions.check`.
"""

from __future__ import annotations

import time

from functions.cache import ports, sessions
from functions.cache.models import SessionRef, SessionState
from functions.cache.ports import Bucket


def check(request: SessionRef) -> SessionState:
    if request.epoch is None or not request.buckets:
        return sessions.check(request)
    buckets = [Bucket(tuple(b.parts), b.limit, b.window_seconds, b.scope) for b in request.buckets]
    found = ports.admission().admit(
        request.tenant_id, request.user_id, request.session_id, request.epoch, buckets
    )
    if found.counted:
        return SessionState(active=True, epoch=request.epoch, counted=True)
    if found.state_unsure:
        state = sessions.check(request)
        if not state.active:
            return state
        return _limited(state, ports.admission().count_each(request.tenant_id, buckets))
    return _limited(SessionState(active=True, epoch=request.epoch), found.refused_by)


def _limited(state: SessionState, refused_by: Bucket | None) -> SessionState:
    if refused_by is None:
        return state.model_copy(update={"counted": True})
    return state.model_copy(
        update={
            "counted": True,
            "limited": refused_by.scope,
            "limit": refused_by.limit,
            "window_seconds": refused_by.window_seconds,
            "retry_after": refused_by.retry_after(int(time.time())),
        }
    )
