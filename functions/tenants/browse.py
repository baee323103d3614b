"""Every tenant, for platform admins: a page at a time, filtered by status and plan without a Scan
(`listing`: a Query of one gsi1 partition, then one BatchGetItem of the page's tenants).

`total` is derived as the audit query derives it with filters: the tenants on the pages before this one
plus this page — a lower bound; `hasNext` says whether there is more. (Keeping an exact count per status
and plan would put a counter on every status and plan change of every tenant.)"""

from __future__ import annotations

from functions.tenants import ports
from functions.tenants.lookup import to_model
from functions.tenants.models import Tenant
from shared.context import require
from shared.envelopes import Cursor, Page
from shared.errors import PermissionDenied
from shared.permissions import is_platform_admin


def list_tenants(*, status: str | None, plan: str | None, page_size: int, cursor: str | None) -> Page[Tenant]:
    user = require().require_user()
    if not is_platform_admin(user):
        raise PermissionDenied("Only platform admins list tenants", details={"permission": "*"})
    ids, next_cursor = ports.store().listed(status=status, plan=plan, page_size=page_size, cursor=cursor)
    found = [to_model(record) for record in ports.store().get_many(ids)]
    total = (Cursor.page_of(cursor) - 1) * page_size + len(found)
    return Page[Tenant].of(found, total=total, page_size=page_size, cursor=cursor, next_cursor=next_cursor)
