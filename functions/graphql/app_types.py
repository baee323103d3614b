"""The apps' types in the schema (docs/graphql.md, "App types"), as `stratus openapi` wrote them from the
catalog into `app_types.json` beside this module: each in-repo app's SDL fragment, its GraphQL read
function, and which operation answers which field (shared.app_graphql). The platform never imports an app:
the file is how the deployed function knows the apps deployed with it (a drift test keeps it equal to the
catalog). Only JSON here: the manifest reads the apps' names from it for its `calls=`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shared.declarations import Service

FILE = Path(__file__).with_name("app_types.json")
MARK = "Generated from the catalog by `stratus openapi`. Do not edit: edit apps/<name>/graphql_types.py."


@dataclass(frozen=True)
class Binding:
    """`type_name.field_name` is answered by `app`'s `operation` (nested: for the parent's `key`)."""

    app: str
    type_name: str
    field_name: str
    operation: str
    key: str | None
    permission: str | None
    paged: bool
    estimate: int | None


@dataclass(frozen=True)
class AppTypes:
    app: str
    function: str  # the read function's qualified name (the Lambda transport invokes it by name)
    path: str
    sdl: str
    bindings: tuple[Binding, ...]


def read(entry: dict[str, Any]) -> AppTypes:
    return AppTypes(
        app=entry["app"],
        function=entry["function"],
        path=entry["path"],
        sdl=entry["sdl"],
        bindings=tuple(
            Binding(
                app=entry["app"],
                type_name=f["type"],
                field_name=f["field"],
                operation=f["operation"],
                key=f.get("key"),
                permission=f.get("permission"),
                paged=bool(f.get("paged")),
                estimate=f.get("estimate"),
            )
            for f in entry["fields"]
        ),
    )


@cache
def deployed() -> tuple[AppTypes, ...]:
    """The apps deployed with this function that add types (none when the file is absent)."""
    if not FILE.is_file():
        return ()
    return tuple(read(entry) for entry in json.loads(FILE.read_text(encoding="utf-8"))["apps"])


def callees() -> tuple[str, ...]:
    return tuple(a.app for a in deployed())


# --- generation (stratus openapi) ------------------------------------------------------------------------
def document(services: Iterable[Service]) -> str:
    listed = [s.graphql.describe(s.name) for s in sorted(services, key=lambda s: s.name) if s.graphql]
    return json.dumps({"//": MARK, "apps": listed}, indent=2) + "\n"
