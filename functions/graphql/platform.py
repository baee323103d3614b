"""What the resolvers read, and from where: the `Platform` protocol (one method per owning service's read),
its adapter over the services' typed clients, and the port unit tests put a fake in (shared.ports).

Every call carries the caller's user context (shared.service_client does it from the request context), so
the callee applies the same tenant and permission rules as its public route."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Protocol

from functions.graphql import app_types
from functions.graphql.app_types import AppTypes, Binding
from functions.graphql.manifest import SERVICE
from functions.rbac.client import Assignments, AssignmentsRequest, RbacClient, RoleListing
from functions.users.client import UserBatch, UserIds, UserListing, UsersClient
from shared.app_graphql import AppRead, AppReadAnswer
from shared.errors import InternalError
from shared.ports import Port
from shared.service_client import ServiceClient

if TYPE_CHECKING:
    from functions.audit.client import AuditClient, AuditListing
    from functions.files.client import FileListing, FilesClient
    from functions.notification.client import InboxListing, NotificationClient


class Platform(Protocol):
    def users_page(self, page_size: int, cursor: str | None) -> UserListing: ...

    def users_by_id(self, user_ids: list[str]) -> UserBatch: ...

    def assignments(self, user_ids: list[str]) -> Assignments: ...

    def roles(self) -> RoleListing: ...

    def files_page(self, folder: str | None, page_size: int, cursor: str | None) -> FileListing: ...

    def inbox(self, unread: bool, page_size: int, cursor: str | None) -> InboxListing: ...

    def audit(
        self,
        *,
        event_type: str | None,
        user_id: str | None,
        since: str | None,
        until: str | None,
        page_size: int,
        cursor: str | None,
    ) -> AuditListing: ...

    def app_read(self, app: AppTypes, request: AppRead) -> AppReadAnswer: ...

    def app_batch(self, binding: Binding, keys: list[str]) -> Mapping[str, Any]: ...


class ServicesPlatform:
    """The real adapter: one typed client per callee, made once per container. Users and roles are what
    most queries read; the files, inbox and audit clients (and their models: audit's alone is a tenth of
    the baseline's cold start) are imported by the first query that reads them (issue 15)."""

    def __init__(self) -> None:
        self._users = UsersClient(SERVICE)
        self._rbac = RbacClient(SERVICE)
        # Apps have no typed client (the platform never imports them): their read route is the kernel's
        # (shared.app_graphql), its path and function from app_types.json, its bodies the kernel's models.
        self._apps = ServiceClient(SERVICE.name, layer=SERVICE.layer)

    @cached_property
    def _files(self) -> FilesClient:
        from functions.files.client import FilesClient

        return FilesClient(SERVICE)

    @cached_property
    def _notification(self) -> NotificationClient:
        from functions.notification.client import NotificationClient

        return NotificationClient(SERVICE)

    @cached_property
    def _audit(self) -> AuditClient:
        from functions.audit.client import AuditClient

        return AuditClient(SERVICE)

    def users_page(self, page_size: int, cursor: str | None) -> UserListing:
        return self._users.list_internal(page_size=page_size, cursor=cursor)

    def users_by_id(self, user_ids: list[str]) -> UserBatch:
        return self._users.batch_get(UserIds(user_ids=user_ids))

    def assignments(self, user_ids: list[str]) -> Assignments:
        return self._rbac.assignments_batch(AssignmentsRequest(user_ids=user_ids))

    def roles(self) -> RoleListing:
        return self._rbac.roles_list_internal()

    def files_page(self, folder: str | None, page_size: int, cursor: str | None) -> FileListing:
        return self._files.list_internal(folder=folder, page_size=page_size, cursor=cursor)

    def inbox(self, unread: bool, page_size: int, cursor: str | None) -> InboxListing:
        return self._notification.inbox_internal(unread=unread, page_size=page_size, cursor=cursor)

    def audit(
        self,
        *,
        event_type: str | None,
        user_id: str | None,
        since: str | None,
        until: str | None,
        page_size: int,
        cursor: str | None,
    ) -> AuditListing:
        return self._audit.query_internal(
            event_type=event_type,
            user_id=user_id,
            since=since,
            until=until,
            page_size=page_size,
            cursor=cursor,
        )

    def app_read(self, app: AppTypes, request: AppRead) -> AppReadAnswer:
        data = self._apps.call(
            app.app,
            "POST",
            app.path,
            body=json.dumps(request.model_dump(by_alias=True, exclude_none=True)).encode(),
            function=app.function,
            idempotent=True,
        )
        try:
            return AppReadAnswer.model_validate(data)
        except ValueError as exc:
            raise InternalError(f"{app.function} answered outside AppReadAnswer") from exc

    def app_batch(self, binding: Binding, keys: list[str]) -> Mapping[str, Any]:
        answer = self.app_read(_app(binding.app), AppRead(operation=binding.operation, keys=keys))
        return answer.found or {}


@cache
def _app(name: str) -> AppTypes:
    return next(a for a in app_types.deployed() if a.app == name)


platform: Port[Platform] = Port(ServicesPlatform)
