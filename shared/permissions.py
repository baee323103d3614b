"""`resource.action` permissions with wildcards (`file.*`, `*`): the one matcher every service uses."""

from __future__ import annotations

from collections.abc import Iterable

from shared.context import UserContext
from shared.errors import PermissionDenied


def allows(granted: Iterable[str], needed: str) -> bool:
    resource = needed.split(".", 1)[0]
    return any(g == "*" or g == needed or g == f"{resource}.*" for g in granted)


def require(user: UserContext, needed: str) -> None:
    if not allows(user.permissions, needed):
        raise PermissionDenied(f"Requires {needed}", details={"permission": needed})
