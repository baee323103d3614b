"""How `stratus` fails: one line on stderr that says what to do, never a traceback (`STRATUS_DEBUG=1`
shows it). Usage mistakes exit 2 (argparse's convention), everything else 1."""

from __future__ import annotations

import argparse
import socket
from typing import NoReturn
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

EXAMPLES = """examples:
  stratus dev                                   # the whole platform on http://127.0.0.1:3000
  stratus status                                # where it runs, its admin, its queues
  stratus routes                                # every route, subscriber and schedule
  stratus jobs run file-cleanup                 # a scheduled job, now
  stratus events sample http GET /api/v1/users/me | stratus invoke users-me --as EMAIL@TENANT
  stratus queues && stratus dlq redrive notification
  stratus mail --to ada@acme.example

Every command finds the running `stratus dev` of this directory through .stratus/; `COMMAND --help` says
more."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (with where to read more) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def explain(exc: BaseException, endpoint: str | None) -> str:
    """The one line for an exception a command raised."""
    if isinstance(exc, EndpointConnectionError) or _refused(exc):
        return unreachable(endpoint or getattr(exc, "kwargs", {}).get("endpoint_url") or "the AWS endpoint")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        hint = ""
        if error.get("Code") in ("AWS.SimpleQueueService.NonExistentQueue", "ResourceNotFoundException"):
            hint = "; is it provisioned? (`stratus provision --endpoint URL`)"
        return f"{error.get('Code', 'AWS error')}: {error.get('Message', exc)}{hint}"
    if isinstance(exc, BotoCoreError):
        return f"the AWS endpoint failed: {exc}"
    if isinstance(exc, KeyError) and exc.args:  # its str() is the repr of its message
        return str(exc.args[0])
    if isinstance(exc, RuntimeError | ValueError | OSError):
        return _first_line(str(exc)) or type(exc).__name__
    text = _first_line(str(exc))
    return f"{type(exc).__name__}: {text} (run with STRATUS_DEBUG=1 for the traceback)"


def _refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if len(lines) == 1 else (f"{lines[0]} …" if lines else "")


class Unreachable(ConnectionError):
    pass


def require_reachable(endpoint: str, timeout: float = 2.0) -> None:
    """Refuse an endpoint nothing listens on, naming the fix."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--endpoint wants a URL like http://127.0.0.1:4566, not {endpoint!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError:
        raise Unreachable(unreachable(endpoint)) from None


def unreachable(endpoint: str) -> str:
    return (
        f"cannot reach {endpoint}: start `stratus dev` here (the tools find it through .stratus/), "
        "or pass --endpoint URL of the emulator it runs (`stratus status` shows it)"
    )
