"""A page of files for a service acting for a user (the GraphQL read API): a plain model with the cursor
inside, since a `Page` crosses the service wire as its `data` only."""

from __future__ import annotations

from functions.files.models import FileOut
from shared.models import CamelModel


class FileListing(CamelModel):
    files: list[FileOut]
    total: int
    next_cursor: str | None = None
