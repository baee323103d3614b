"""`.stratus/`: what `stratus dev` keeps between runs, and how the other tools find the running one.

    instance.json    the running instance: pid, gateway / emulator / docs URLs, stage (gone on a clean stop)
    secrets.json     the dev signing key (PEM + kid), the service-token secret and the Prometheus scrape
                     token, made once (0600)
    admin.json       the platform admin: {"email", "password", "tenantId"} — a login body as it is (0600)
    emulator.pickle  the embedded moto server's data: tables and items, queues and messages, the bucket's
                     objects, the bus and its rules (0600; see `stratus.emulator.Emulator.snapshot`)

The directory is `.stratus` in the current directory, or `STRATUS_STATE_DIR`. It is only this user's (0700):
`emulator.pickle` is a pickle, and a pickle is code — restore only what your own `stratus dev` wrote.
Every file is written whole or not at all (a temporary file, then a rename).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STATE_DIR_ENV = "STRATUS_STATE_DIR"
DEFAULT_STATE_DIR = ".stratus"

# The settings a `stratus dev` exports from secrets.json unless the environment gives them.
JWT_KEY, JWT_KID = "STRATUS_JWT_PRIVATE_KEY", "STRATUS_JWT_KID"
SERVICE_SECRET = "STRATUS_SERVICE_TOKEN_SECRET"  # noqa: S105 - the name of a setting
METRICS_TOKEN = "STRATUS_METRICS_TOKEN"  # noqa: S105 - the name of a setting


class StateError(RuntimeError):
    pass


def state_dir() -> Path:
    return Path(os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR)


@dataclass(frozen=True)
class Instance:
    """A running `stratus dev`, as instance.json records it."""

    pid: int
    gateway: str
    emulator: str
    embedded: bool  # its own moto server (else an external emulator: LocalStack, …)
    started_at: str
    stage: str = ""
    resource_prefix: str = ""
    docs: str | None = None
    # The settings it took from secrets.json (the rest came from its environment): a tool talking to it
    # takes the same ones, and only those.
    from_state: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "from_state": list(self.from_state)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Instance:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in raw.items() if k in known}
        values["from_state"] = tuple(values.get("from_state") or ())
        return cls(**values)


class State:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir()

    # --- the files -------------------------------------------------------------------------------------
    @property
    def instance_file(self) -> Path:
        return self.path / "instance.json"

    @property
    def secrets_file(self) -> Path:
        return self.path / "secrets.json"

    @property
    def admin_file(self) -> Path:
        return self.path / "admin.json"

    @property
    def emulator_file(self) -> Path:
        return self.path / "emulator.pickle"

    def prepare(self) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if sys.platform != "win32":
            if self.path.stat().st_uid != os.getuid():
                raise StateError(f"{self.path} belongs to another user: not reading state from it")
            self.path.chmod(0o700)

    def reset(self) -> None:
        """Start clean: no data, no keys, no admin (tokens of earlier runs stop verifying)."""
        for file in (self.instance_file, self.secrets_file, self.admin_file, self.emulator_file):
            file.unlink(missing_ok=True)

    # --- secrets ---------------------------------------------------------------------------------------
    def secrets(self, *, create: bool) -> dict[str, str]:
        """{setting name: value} from secrets.json; made (and kept) on the first call with `create`."""
        found = _read_json(self.secrets_file)
        if found or not create:
            return {str(k): str(v) for k, v in (found or {}).items()}
        from shared.access_tokens import generate_private_key_pem

        made = {
            JWT_KEY: generate_private_key_pem(),
            JWT_KID: f"local-{secrets.token_hex(4)}",
            SERVICE_SECRET: secrets.token_urlsafe(32),
            METRICS_TOKEN: secrets.token_urlsafe(32),
        }
        write_atomic(self.secrets_file, json.dumps(made, indent=2).encode(), mode=0o600)
        return made

    def metrics_token(self) -> str:
        """The scrape token of `/internal/metrics` (a state made before it existed gets one now)."""
        stored = self.secrets(create=True)
        if not stored.get(METRICS_TOKEN):
            stored[METRICS_TOKEN] = secrets.token_urlsafe(32)
            write_atomic(self.secrets_file, json.dumps(stored, indent=2).encode(), mode=0o600)
        return stored[METRICS_TOKEN]

    def export_secrets(self, environ: Any = None) -> tuple[str, ...]:
        """For `stratus dev`: the signing key (and its kid), the service secret and the scrape token into the
        environment, from secrets.json (made the first time), unless the environment has them. → the names
        it set."""
        env = os.environ if environ is None else environ
        stored = self.secrets(create=True)
        taken: list[str] = []
        if not env.get(JWT_KEY):  # the kid goes with its key
            env[JWT_KEY], env[JWT_KID] = stored[JWT_KEY], stored[JWT_KID]
            taken += [JWT_KEY, JWT_KID]
        if not env.get(SERVICE_SECRET):
            env[SERVICE_SECRET] = stored[SERVICE_SECRET]
            taken.append(SERVICE_SECRET)
        if not env.get(METRICS_TOKEN):
            env[METRICS_TOKEN] = self.metrics_token()
            taken.append(METRICS_TOKEN)
        return tuple(taken)

    # --- the admin -------------------------------------------------------------------------------------
    def admin(self) -> dict[str, str] | None:
        found = _read_json(self.admin_file)
        if not found or "email" not in found or "password" not in found:
            return None
        return {str(k): str(v) for k, v in found.items()}

    def save_admin(self, email: str, password: str, tenant: str) -> None:
        body = {"email": email, "password": password, "tenantId": tenant}
        write_atomic(self.admin_file, json.dumps(body, indent=2).encode(), mode=0o600)

    # --- the emulator's data ---------------------------------------------------------------------------
    def emulator_data(self) -> bytes | None:
        try:
            return self.emulator_file.read_bytes()
        except FileNotFoundError:
            return None

    def save_emulator(self, data: bytes) -> None:
        write_atomic(self.emulator_file, data, mode=0o600)

    # --- the running instance --------------------------------------------------------------------------
    def write_instance(self, instance: Instance) -> None:
        write_atomic(self.instance_file, json.dumps(instance.to_json(), indent=2).encode(), mode=0o600)

    def clear_instance(self, pid: int) -> None:
        """Forget the instance, if it is still the one of `pid` (a newer one may have replaced it)."""
        recorded = self.instance()
        if recorded is not None and recorded.pid == pid:
            self.instance_file.unlink(missing_ok=True)

    def instance(self) -> Instance | None:
        """The last instance recorded, running or not."""
        raw = _read_json(self.instance_file)
        try:
            return Instance.from_json(raw) if raw else None
        except TypeError:
            return None

    def running(self) -> Instance | None:
        """The recorded instance if its process lives and its gateway answers."""
        found = self.instance()
        if found is None or not _alive(found.pid) or not _answers(found.gateway):
            return None
        return found

    def export_for_tools(self, instance: Instance, environ: Any = None) -> None:
        """For a tool talking to `instance` from another process: the secrets it took from secrets.json and
        its stage, unless this environment has its own."""
        env = os.environ if environ is None else environ
        stored = self.secrets(create=False)
        for name in instance.from_state:
            if name in stored and not env.get(name):
                env[name] = stored[name]
        if instance.stage:
            env.setdefault("STRATUS_STAGE", instance.stage)
        if instance.resource_prefix:
            env.setdefault("STRATUS_RESOURCE_PREFIX", instance.resource_prefix)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """`data` in `path`, whole or not at all: a temporary file in the same directory, synced, renamed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not on every platform
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) is not a probe there: the gateway check decides
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=0.5):
            return True
    except OSError:
        return False
