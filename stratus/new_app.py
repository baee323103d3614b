"""`stratus new app NAME`: a new in-repo app of the template's shape (docs/apps.md "Writing an in-repo app").

The template is the hello app itself — `apps/hello/` and its tests `tests/unit/apps/hello/` — copied under
the new name (`hello` → `name`, `Hello` → `Name`), so the template is always code that runs and passes its
tests. The command then lists the app in `apps/catalog.py` (or prints the two lines to add, when the file
is not in the shape it expects) and says what to run next.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "hello"
# A Python package name that is also an app name of the registry (^[a-z][a-z0-9-]{1,39}$, no hyphen: the
# package must be importable as `apps.<name>`).
NAME_PATTERN = r"^[a-z][a-z0-9]{1,39}$"
# A whole word, `_` being a separator too (`test_hello.py`, `enable_hello_is_403`), never part of `othello`.
_WORD = re.compile(rf"(?<![A-Za-z0-9])({TEMPLATE}|{TEMPLATE.capitalize()}|{TEMPLATE.upper()})(?![A-Za-z0-9])")
_CATALOG_IMPORT = re.compile(r"^from apps\.\w+\.manifest import SERVICE as \w+\n", re.MULTILINE)
_CATALOG_TUPLE = re.compile(r"^(APPS: tuple\[Service, \.\.\.\] = \(\n(?:    \w+,\n)*)\)", re.MULTILINE)


class NewAppError(ValueError):
    pass


@dataclass(frozen=True)
class Created:
    files: list[str]
    listed: bool  # apps/catalog.py now lists it (else `lines` are to be added by hand)
    lines: tuple[str, str]


def render(text: str, name: str) -> str:
    """The template's text for the app `name`: each whole word hello/Hello/HELLO becomes the name."""
    spelled = {TEMPLATE: name, TEMPLATE.capitalize(): name.capitalize(), TEMPLATE.upper(): name.upper()}
    return _WORD.sub(lambda m: spelled[m.group(1)], text)


def check_name(name: str, root: Path = ROOT) -> None:
    from functions.registry.apps import RESERVED_NAMES

    if not re.fullmatch(NAME_PATTERN, name):
        raise NewAppError(
            f"{name!r}: an app name is 2-40 lower-case letters and digits, starting with a letter"
        )
    if name in RESERVED_NAMES or (root / "functions" / name).exists():
        raise NewAppError(f"{name!r} is reserved by the platform")
    for where in (root / "apps" / name, root / "tests" / "unit" / "apps" / name):
        if where.exists():
            raise NewAppError(f"{where.relative_to(root)} exists already")


def create(name: str, root: Path = ROOT) -> Created:
    check_name(name, root)
    written: list[str] = []
    pairs = (("apps", "apps"), ("tests/unit/apps", "tests/unit/apps"))
    for source_dir, target_dir in pairs:
        source = root / source_dir / TEMPLATE
        target = root / target_dir / name
        for path in sorted(source.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            relative = path.relative_to(source)
            out = target / render(relative.as_posix(), name)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render(path.read_text(), name))
            written.append(out.relative_to(root).as_posix())
    lines = (f"from apps.{name}.manifest import SERVICE as {name}", f"    {name},")
    return Created(written, _list_in_catalog(root / "apps" / "catalog.py", name, lines), lines)


def _list_in_catalog(catalog: Path, name: str, lines: tuple[str, str]) -> bool:
    text = catalog.read_text()
    imports = list(_CATALOG_IMPORT.finditer(text))
    listed = _CATALOG_TUPLE.search(text)
    if not imports or listed is None:
        return False
    text = text[: listed.end(1)] + lines[1] + "\n" + text[listed.end(1) :]
    last = imports[-1]
    text = text[: last.end()] + lines[0] + "\n" + text[last.end() :]
    catalog.write_text(text)
    return True


# --- the command ------------------------------------------------------------------------------------------
def add_commands(sub: Any) -> None:
    new = sub.add_parser("new", help="scaffolding: `stratus new app NAME` creates an in-repo app")
    new_sub = new.add_subparsers(required=True, metavar="KIND")
    app = new_sub.add_parser("app", help="a new in-repo app apps/NAME/ (one route, subscriber, job; tests)")
    app.add_argument("name", help="2-40 lower-case letters and digits (its routes: /api/v1/apps/NAME/...)")
    app.set_defaults(run=_new_app)


def _new_app(args: argparse.Namespace) -> int:
    try:
        created = create(args.name)
    except NewAppError as exc:
        print(f"stratus new app: {exc}")
        return 2
    for path in created.files:
        print(f"  created {path}")
    if created.listed:
        print("  listed in apps/catalog.py")
    else:
        print("Add it to apps/catalog.py:\n" + "\n".join(created.lines))
    print(
        "Next: `stratus generate` (its stacks, and the registry's list of in-repo apps), `stratus openapi`,\n"
        f"then `pytest tests/unit/apps/{args.name}`; enable it per tenant with\n"
        f'PUT /api/v1/tenants/<tenant>/services/{args.name} {{"enabled": true}}.'
    )
    return 0
