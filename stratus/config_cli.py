"""`stratus config get|set|history|rollback` and `stratus flags eval|bench` (docs/config-center.md).

They talk to a running platform the way a client does: its gateway's public API (`/api/v1/config/...`,
`/api/v1/flags`), as a user who logs in — so every permission and scope rule applies to them as to anyone.

- the gateway: `--gateway URL`, else the running `stratus dev` of this directory (`.stratus/instance.json`);
- the user: `--as EMAIL@TENANT`, else the platform admin `stratus dev` made (`.stratus/admin.json`). The
  password is admin.json's for that admin, else `$STRATUS_PASSWORD`, else asked for (not echoed).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

PASSWORD_ENV = "STRATUS_PASSWORD"  # noqa: S105 - the name of a setting
TIMEOUT = 15.0


@dataclass(frozen=True)
class Session:
    gateway: str
    token: str
    who: str


def gateway_url(given: str | None) -> str:
    if given:
        return given.rstrip("/")
    from stratus.state import State

    found = State().running()
    if found is None:
        raise RuntimeError("no running `stratus dev` here: start one, or give --gateway URL")
    return found.gateway.rstrip("/")


def identity(as_user: str | None) -> tuple[str, str, str]:
    """(email, tenant, password) of the user to act as."""
    from stratus.state import State

    admin = State().admin()
    if as_user is None:
        if admin is None:
            raise RuntimeError("no platform admin in .stratus/admin.json: give --as EMAIL@TENANT")
        return admin["email"], admin.get("tenantId", "platform"), admin["password"]
    email, at, tenant = as_user.rpartition("@")
    if not at or not email or "@" not in email or not tenant:
        raise ValueError(f"--as wants EMAIL@TENANT (e.g. ada@acme.example@acme), not {as_user!r}")
    if admin is not None and admin["email"] == email and admin.get("tenantId", "platform") == tenant:
        return email, tenant, admin["password"]
    password = os.environ.get(PASSWORD_ENV) or getpass.getpass(f"password of {email} in {tenant}: ")
    return email, tenant, password


def login(gateway: str, as_user: str | None) -> Session:
    email, tenant, password = identity(as_user)
    status, body = request(
        gateway, "POST", "/api/v1/auth/login", {"email": email, "password": password, "tenantId": tenant}
    )
    data = _data(status, body)
    return Session(gateway, str(data["accessToken"]), f"{email}@{tenant}")


def request(
    gateway: str, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(f"{gateway}{path}", data=raw, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(sent, timeout=TIMEOUT) as response:  # noqa: S310 - the platform's gateway
            status, payload = int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    return status, json.loads(payload) if payload else None


def _data(status: int, body: Any) -> Any:
    if status >= 400 or not isinstance(body, dict) or not body.get("success"):
        error = body.get("error", {}) if isinstance(body, dict) else {}
        where = f" ({error['field']})" if error.get("field") else ""
        raise RuntimeError(f"{status} {error.get('code', 'ERROR')}{where}: {error.get('message', body)}")
    return body.get("data")


def _path(scope: str, key: str, tail: str = "") -> str:
    return f"/api/v1/config/{quote(scope, safe=':')}/{quote(key, safe='')}{tail}"


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=False))


# --- the commands ----------------------------------------------------------------------------------
def config_get(args: Any) -> int:
    session = login(gateway_url(args.gateway), args.as_user)
    data = _data(*request(session.gateway, "GET", _path(args.scope, args.key), token=session.token))
    _print(data["effective"] if args.effective else data)
    return 0


def config_set(args: Any) -> int:
    value = _value(args.value, args.file)
    session = login(gateway_url(args.gateway), args.as_user)
    read_version = args.if_version
    if read_version is None:  # "set it to this": the version it replaces is the one just read
        current = _data(*request(session.gateway, "GET", _path(args.scope, args.key), token=session.token))
        read_version = int(current["version"])
    body = {"value": value, "ifVersion": read_version}
    data = _data(*request(session.gateway, "PUT", _path(args.scope, args.key), body, token=session.token))
    print(f"{data['scope']} {data['key']}: version {data['version']} (was {read_version})", file=sys.stderr)
    _print(data["effective"])
    return 0


def _value(text: str | None, file: Path | None) -> Any:
    if (text is None) == (file is None):
        raise ValueError("give the value as JSON text or --file FILE (one of them)")
    raw = file.read_text() if file is not None else str(text)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the value is not JSON: {exc}") from None


def config_history(args: Any) -> int:
    session = login(gateway_url(args.gateway), args.as_user)
    path = _path(args.scope, args.key, f"/versions?pageSize={args.limit}")
    status, body = request(session.gateway, "GET", path, token=session.token)
    versions = _data(status, body)
    for v in versions:
        note = f" (of version {v['rolledBackTo']})" if v.get("rolledBackTo") else ""
        value = json.dumps(v["value"], separators=(",", ":"))
        print(f"v{v['version']:<4} {v['updatedAt']}  {v['updatedBy']:<24} {v['action']}{note}  {value}")
    total = body.get("pagination", {}).get("total", len(versions))
    print(f"{len(versions)} of {total} version(s)", file=sys.stderr)
    return 0


def config_rollback(args: Any) -> int:
    session = login(gateway_url(args.gateway), args.as_user)
    body: dict[str, Any] = {"version": args.version}
    if args.if_version is not None:
        body["ifVersion"] = args.if_version
    path = _path(args.scope, args.key, "/rollback")
    data = _data(*request(session.gateway, "POST", path, body, token=session.token))
    done = f"{data['scope']} {data['key']}: version {data['version']} = version {args.version}"
    print(done, file=sys.stderr)
    _print(data["effective"])
    return 0


def flags_eval(args: Any) -> int:
    session = login(gateway_url(args.gateway), args.as_user)
    evaluated = _data(*request(session.gateway, "GET", "/api/v1/flags", token=session.token))["flags"]
    if args.name not in evaluated:
        print(f"{args.name}: not defined for {session.who} (off)")
        return 0
    print(f"{args.name}: {'on' if evaluated[args.name] else 'off'} for {session.who}")
    return 0


def flags_bench(args: Any) -> int:
    from stratus.bench import flags as bench

    print(bench.render(bench.measure(evaluations=args.evaluations)))
    return 0
