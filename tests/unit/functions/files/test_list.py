"""list: available files only, newest first, by cursor, with the maintained total; a cursor cannot be
pointed at another tenant's (or another folder's) listing."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from functions.files import delete
from functions.files import list as list_fn
from shared.context import UserContext
from shared.envelopes import Cursor
from tests.kit import call, error_code
from tests.unit.functions.files.support import INTRUDER, JANE, OTHER_TENANT, uploaded


def listing(query: dict[str, str] | None = None, caller: UserContext = JANE) -> tuple[int, dict[str, Any]]:
    return call(list_fn, query=query, caller=caller)


def test_pages_by_cursor_newest_first_with_the_maintained_total() -> None:
    # GIVEN five files in `docs` and one in root
    ids = [uploaded(name=f"f{i}.pdf", folder="docs") for i in range(5)]
    uploaded(name="elsewhere.pdf")
    # WHEN jane pages through `docs` two at a time
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    pages: list[tuple[int, int, int]] = []
    while True:
        query = {"folder": "docs", "pageSize": "2", **({"cursor": cursor} if cursor else {})}
        status, payload = listing(query)
        assert status == 200, payload
        pagination = payload["pagination"]
        pages.append((len(payload["data"]), pagination["page"], pagination["total"]))
        seen += payload["data"]
        cursor = pagination["nextCursor"]
        if not cursor:
            break
    # THEN every file once, newest first, with the folder's total on every page
    assert sorted(f["fileId"] for f in seen) == sorted(ids)
    created = [f["createdAt"] for f in seen]
    assert created == sorted(created, reverse=True)
    assert [p[0] for p in pages] == [2, 2, 1]
    assert all(total == 5 for _n, _page, total in pages)
    assert [p[1] for p in pages] == [1, 2, 3]
    # AND the tenant-wide listing counts all six
    assert listing({"pageSize": "100"})[1]["pagination"]["total"] == 6


def test_the_total_follows_deletes() -> None:
    first, _second = uploaded(folder="a"), uploaded(folder="a")
    call(delete, params={"fileId": first}, caller=JANE)
    _status, payload = listing({"folder": "a"})
    assert payload["pagination"]["total"] == 1
    assert listing()[1]["pagination"]["total"] == 1


def test_another_tenant_sees_none_of_them() -> None:
    uploaded()
    status, payload = listing(caller=INTRUDER)
    assert status == 200
    assert payload["data"] == []
    assert payload["pagination"]["total"] == 0


def test_a_cursor_forged_for_another_tenant_is_400() -> None:
    uploaded()
    uploaded()
    key = {
        "pk": {"S": f"TENANT#{OTHER_TENANT}#FILE#f_" + "0" * 32},
        "sk": {"S": "FILE"},
        "gsi2pk": {"S": f"TENANT#{OTHER_TENANT}#FILES"},
        "gsi2sk": {"S": "2030-01-01T00:00:00.000Z#f_" + "0" * 32},
    }
    forged = Cursor.encode(key, page=2)
    status, payload = listing({"cursor": forged or ""})
    assert status == 400
    assert payload["error"]["field"] == "cursor"


def test_a_cursor_of_one_folder_is_refused_in_another() -> None:
    for _ in range(3):
        uploaded(folder="a")
    cursor = listing({"folder": "a", "pageSize": "1"})[1]["pagination"]["nextCursor"]
    status, payload = listing({"folder": "b", "cursor": cursor})
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


@pytest.mark.parametrize(
    "cursor", ["garbage", base64.urlsafe_b64encode(json.dumps({"k": {}, "p": 0}).encode()).decode()]
)
def test_garbage_cursors_are_400(cursor: str) -> None:
    assert listing({"cursor": cursor})[0] == 400


@pytest.mark.parametrize("folder", ["a/../b", "x#y", "a//b"])
def test_a_bad_folder_filter_is_400(folder: str) -> None:
    status, payload = listing({"folder": folder})
    assert status == 400
    assert payload["error"]["field"] == "folder"


def test_root_is_the_default_folder() -> None:
    file_id = uploaded()
    for folder in ("root", "/"):
        _status, payload = listing({"folder": folder})
        assert [f["fileId"] for f in payload["data"]] == [file_id]
