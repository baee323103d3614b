"""What `stratus invoke` does before it calls the handler: read the event, check its shape against the
function's trigger, and for a protected route run the gateway's authorizer on it — with the access token of
`--as EMAIL@TENANT` — as API Gateway does before it invokes the function."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shared.declarations import Auth, Function, Route
from shared.registry import Registry
from stratus.samples import check_shape


def read_event(source: str) -> Any:
    """The JSON event in the file `source`, or on stdin for `-`."""
    if source == "-":
        if sys.stdin.isatty():
            raise ValueError("no event: give --event FILE, or pipe one in (`stratus events sample …`)")
        text, where = sys.stdin.read(), "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"no event file {source}: `stratus events sample TYPE > {source}` makes one")
        text, where = path.read_text(), source
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"the event in {where} is not JSON: {exc}") from None


def check(fn: Function, event: Any, *, as_user: str | None) -> None:
    check_shape(fn, event)
    if as_user is not None and not (isinstance(fn.trigger, Route) and fn.trigger.auth is Auth.USER):
        raise ValueError(f"--as is for routes that take a user's token; {fn.qualified_name} does not")


def authorized(registry: Registry, fn: Function, event: dict[str, Any], *, as_user: str | None) -> Any:
    """The event as the function receives it behind the gateway: for a user route, with the authorizer's
    verdict on its `Authorization` header (the token of `as_user` when given)."""
    if not (isinstance(fn.trigger, Route) and fn.trigger.auth is Auth.USER):
        return event
    from shared.adapters.gateway import Gateway
    from stratus.acting import act_as

    event = {**event, "headers": dict(event.get("headers") or {})}
    if as_user is not None:
        event["headers"]["authorization"] = f"Bearer {act_as(as_user).access_token}"
    context = dict(event.get("requestContext") or {})
    if as_user is not None or not (context.get("authorizer") or {}).get("lambda"):
        context["authorizer"] = {"lambda": dict(Gateway(registry).authorizer(event))}
    event["requestContext"] = context
    return event
