"""The AWS API emulator the local platform talks to: an embedded moto server, or any endpoint given
(LocalStack). Functions reach it through ordinary boto3 calls over HTTP.

The embedded server's data can be saved and restored (`Emulator.snapshot` / `Emulator.restore`): moto keeps
each service's state in its backends (`moto.core.base_backend.BackendDict`: account → region → backend
object), in this process, so a snapshot is those backend objects pickled — every table and item, queue and
message, bucket and object, bus and rule — and a restore puts the unpickled ones back in the same dicts.
A gate in front of the server lets requests run together and a snapshot run alone, so what is saved is
never half of a request."""

from __future__ import annotations

import _thread
import gc
import io
import json
import os
import pickle
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

from shared import aws
from shared.config import settings
from stratus.keepalive import BotocoreKeepAliveRequestHandler

# Emulators accept any credentials; real ones in the environment are never sent to them.
_DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class EmulatorError(RuntimeError):
    pass


@dataclass
class Emulator:
    endpoint_url: str
    _server: Any = None
    _gate: _Gate | None = None

    @property
    def embedded(self) -> bool:
        """The moto server of this process: its data can be snapshotted and restored."""
        return self._gate is not None

    @property
    def changes(self) -> int:
        """How many requests that may have changed data it has served (0 for an external emulator)."""
        return self._gate.changes if self._gate is not None else 0

    @classmethod
    def start_moto(cls, host: str = "127.0.0.1", port: int = 4566) -> Emulator:
        from moto.server import ThreadedMotoServer

        if port and _port_in_use(host, port):
            raise EmulatorError(
                f"{host}:{port} is already in use. Stop what runs there, pick another port with "
                f"--emulator-port, or point at a running emulator with --endpoint http://{host}:{port}"
            )
        make_dynamodb_requests_atomic()
        release_the_gate_while_long_polling()
        server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        server.start()
        gate = _Gate()
        # Served from here on through the gate (werkzeug reads `server.app` per request; none came yet).
        assert server._server is not None
        server._server.app = _GatedApp(server._server.app, gate)
        # botocore's connections are kept (the platform's own calls); every other client's are closed after
        # each response: Terraform's Go client on a kept connection to moto hung `terraform apply` under load.
        server._server.RequestHandlerClass = BotocoreKeepAliveRequestHandler
        bound_host, bound_port = server.get_host_and_port()
        emulator = cls(endpoint_url=f"http://{bound_host}:{bound_port}", _server=server, _gate=gate)
        # moto keeps its state per process, not per server: a new embedded emulator starts empty.
        emulator.reset()
        return emulator

    @classmethod
    def external(cls, endpoint_url: str) -> Emulator:
        emulator = cls(endpoint_url=endpoint_url.rstrip("/"))
        emulator.wait_until_reachable()
        return emulator

    def wait_until_reachable(self, timeout: float = 5.0) -> None:
        try:
            urllib.request.urlopen(self.endpoint_url, timeout=timeout).close()  # noqa: S310 - local endpoint
        except urllib.error.HTTPError:
            return  # it answered; any status means it is up
        except OSError as exc:
            raise EmulatorError(f"no AWS emulator answers at {self.endpoint_url}: {exc}") from exc

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def reset(self) -> None:
        """Drop every resource (moto only): tests use it between scenarios."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(req, timeout=5).close()  # noqa: S310

    def snapshot(self) -> Snapshot:
        """Every resource of the embedded server and its data, as bytes `restore` takes back; taken while
        no request runs (those arriving wait, for the time of a pickle: ~0.3 s with 10,000 users)."""
        if self._gate is None:
            raise EmulatorError(f"{self.endpoint_url} is not this process's moto server: it cannot be saved")
        with self._gate.exclusive():
            changes = self._gate.changes
            backends = _backends_in_use()
            began = time.monotonic()
            try:
                body = _dumps(backends)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an object pickle cannot take
                services = ", ".join(backends)
                raise EmulatorError(f"cannot save the emulator's data ({services}): {exc}") from exc
            took = time.monotonic() - began
        header = {
            "format": _SNAPSHOT_FORMAT,
            "moto": _moto_version(),
            "savedAt": time.time(),
            "services": sorted(backends),
        }
        return Snapshot(json.dumps(header).encode() + b"\n" + body, changes, took)

    def restore(self, data: bytes) -> list[str]:
        """Put a snapshot's resources back (before anything uses the server); → the services restored."""
        if self._gate is None:
            raise EmulatorError(f"{self.endpoint_url} is not this process's moto server: nothing to restore")
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
        except ValueError as exc:
            raise EmulatorError(f"the saved emulator data is not a snapshot: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != _SNAPSHOT_FORMAT:
            raise EmulatorError(f"the saved emulator data has an unknown format: {str(head)[:80]}")
        try:
            # Our own file, written by `snapshot` in a directory only this user can write (stratus.state).
            with _no_gc():
                backends: dict[str, dict[str, dict[str, Any]]] = pickle.loads(body)  # noqa: S301
        except Exception as exc:  # a pickle of another moto version can fail in any way
            raise EmulatorError(
                f"cannot restore the saved emulator data (saved by moto {header.get('moto')}, this is moto "
                f"{_moto_version()}): {type(exc).__name__}: {exc}"
            ) from exc
        from moto.backends import get_backend

        with self._gate.exclusive():
            for service, accounts in backends.items():
                backend_dict: Any = get_backend(service)  # type: ignore[call-overload]
                for account, regions in accounts.items():
                    for region, backend in regions.items():
                        backend_dict[account][region] = backend
        return sorted(backends)


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    changes: int  # the emulator's change count it includes
    seconds: float  # how long requests waited for it


_SNAPSHOT_FORMAT = 1
# Backends moto makes for its own purposes (IAM: the AWS-managed policies, for its policy checks; STS),
# which hold nothing the platform created, and are large. Lambda: the platform creates no function there
# (a Step Functions Task's Invoke is answered in-process, stratus/workflows_local.py), and its function
# index is a WeakValueDictionary, which cannot be pickled: once an order saga ran, every save failed.
_NOT_SAVED = frozenset({"iam", "sts", "lambda"})


def _moto_version() -> str:
    import moto

    return str(moto.__version__)


def _backends_in_use() -> dict[str, dict[str, dict[str, Any]]]:
    """{service: {account: {region: backend}}} of every moto service that holds something."""
    from moto.backends import get_backend
    from moto.core.base_backend import BackendDict

    found: dict[str, dict[str, dict[str, Any]]] = {}
    for backend_dict in list(BackendDict._instances):  # type: ignore[misc]
        service = backend_dict.service_name
        if service in _NOT_SAVED:
            continue
        try:
            if get_backend(service) is not backend_dict:  # type: ignore[call-overload]
                continue  # not a dict `restore` could find again by its name
        except (ImportError, AttributeError):
            continue
        for account, region, backend in backend_dict.iter_backends():
            found.setdefault(service, {}).setdefault(account, {})[region] = backend
    return found


def _dumps(value: object) -> bytes:
    """pickle, with what moto holds that pickle cannot take saved another way (`_Pickler`)."""
    out = io.BytesIO()
    with _no_gc():
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


Reducer = Callable[[Any], tuple[Any, ...]]


class _Pickler(pickle.Pickler):
    """moto's locks and conditions (SQS queues hold one) are saved as new, unlocked ones; its KMS keys'
    cryptography key objects (which pickle cannot take) as their DER bytes. One look per type."""

    reducers: ClassVar[dict[type, Reducer | None]] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        try:
            reduce = self.reducers[kind]
        except KeyError:
            reduce = self.reducers[kind] = _reducer_for(kind)
        return NotImplemented if reduce is None else reduce(obj)


def _reducer_for(kind: type) -> Reducer | None:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519

    if issubclass(kind, threading.Condition):
        return lambda _c: (threading.Condition, ())
    if kind is _RLOCK:
        return lambda _l: (threading.RLock, ())
    if kind is _thread.LockType:
        return lambda _l: (threading.Lock, ())
    private: tuple[type, ...] = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, dsa.DSAPrivateKey)
    private += (
        ed25519.Ed25519PrivateKey,
        ed448.Ed448PrivateKey,
        x25519.X25519PrivateKey,
        x448.X448PrivateKey,
    )
    public: tuple[type, ...] = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, dsa.DSAPublicKey)
    public += (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey, x25519.X25519PublicKey, x448.X448PublicKey)
    if issubclass(kind, private):
        return lambda key: (_private_key, (_der_of_private(key),))
    if issubclass(kind, public):
        return lambda key: (_public_key, (_der_of_public(key),))
    return None


_RLOCK = type(threading.RLock())


def _der_of_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der: bytes = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return der


def _der_of_public(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der: bytes = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def _private_key(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(der, password=None)


def _public_key(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_public_key(der)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Without the cyclic collector, which hundreds of thousands of new objects (an unpickle) would set off
    over and over: it halves the time of a restore."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Gate:
    """Requests share it; a snapshot has it alone (and, waiting, goes before requests that arrive later).
    It also counts the requests that may have changed something, so a periodic save can skip idle spells.
    A long poll (SQS ReceiveMessage waiting for messages) lets go of it while it waits."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._waiting = 0
        self._exclusive = False
        self.changes = 0

    def acquire_shared(self) -> None:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._active += 1

    def release_shared(self, *, changed: bool = False) -> None:
        with self._cond:
            self._active -= 1
            if changed:
                self.changes += 1
            if not self._active:
                self._cond.notify_all()

    @contextmanager
    def shared(self, *, changes: bool) -> Iterator[None]:
        self.acquire_shared()
        _holder.gate = self
        try:
            yield
        finally:
            _holder.gate = None
            self.release_shared(changed=changes)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._exclusive or self._active:
                self._cond.wait()
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


_holder = threading.local()  # .gate: the gate this thread's request holds
_long_polls_installed = False


def release_the_gate_while_long_polling() -> None:
    """moto's ReceiveMessage with WaitTimeSeconds waits (a second at a time) for a message to arrive; a
    request waiting so would hold the gate, and a snapshot — and every request behind it — would wait for
    it. Its loop has changed nothing when it waits, so it lets go of the gate for the wait. Installed once."""
    global _long_polls_installed
    from moto.sqs.models import Queue

    with _atomic_lock:
        if _long_polls_installed:
            return
        original = Queue.wait_for_messages

        def wait_for_messages(self: Any, timeout: int) -> None:
            gate: _Gate | None = getattr(_holder, "gate", None)
            if gate is None:
                return original(self, timeout)
            gate.release_shared()
            try:
                return original(self, timeout)
            finally:
                gate.acquire_shared()

        Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign]
        _long_polls_installed = True


# JSON-protocol actions (X-Amz-Target) that only read. Anything else that is not a GET/HEAD may write.
_READS = ("Get", "List", "Describe", "Query", "Scan", "BatchGet", "Receive")


def _may_change(environ: dict[str, Any]) -> bool:
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD", "OPTIONS"):
        return False
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return not target.rpartition(".")[2].startswith(_READS)
    return True


class _GatedApp:
    """The moto server's WSGI app behind the gate. The request is handled (and moto's state changed) while
    the app is called; the body it returns is already made, so the gate need not cover its iteration."""

    def __init__(self, app: Callable[..., Iterable[bytes]], gate: _Gate) -> None:
        self.app = app
        self.gate = gate

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.gate.shared(changes=_may_change(environ)):
            return self.app(environ, start_response)


_atomic_lock = threading.Lock()
_atomic_installed = False
_partitions_installed = False


def make_dynamodb_requests_atomic() -> None:
    """DynamoDB evaluates each request's conditions and applies it atomically; moto, serving requests on
    threads, does not (two conditional puts of one key can both succeed). The embedded emulator therefore
    runs one DynamoDB request at a time, so concurrency behaves as on AWS. Installed once per process."""
    global _atomic_installed
    from moto.dynamodb.responses import DynamoHandler

    with _atomic_lock:
        if _atomic_installed:
            return
        original = DynamoHandler.call_action
        request_lock = threading.RLock()

        def one_at_a_time(self: Any) -> Any:
            with request_lock:
                return original(self)

        DynamoHandler.call_action = one_at_a_time  # type: ignore[method-assign]
        _atomic_installed = True
    query_partitions_directly()


def query_partitions_directly() -> None:
    """moto answers a Query on a table's own key by filtering (and sorting) every item of the table, so a
    Query gets slower as *other* tenants' data grows — DynamoDB reads just the one partition. This gives
    the base-table Query moto's own per-partition dict instead of the whole table: the same items in the
    same order, found the way DynamoDB finds them. (GSI queries still filter the table.) Installed once."""
    global _partitions_installed
    from moto.dynamodb.models.table import Table

    with _atomic_lock:
        if _partitions_installed:
            return
        original = Table.query

        def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
            index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
            if index_name or hash_key is None or not self.range_key_attr:
                return original(self, hash_key, *args, **kwargs)
            self.all_items = lambda: list(self.items.get(hash_key, {}).values())
            try:
                return original(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

        Table.query = query  # type: ignore[method-assign]
        _partitions_installed = True


def point_process_at(endpoint_url: str, *, stage: str = "local", extra: dict[str, str] | None = None) -> None:
    """Make every function in this process talk to the emulator, as their deployment settings would."""
    os.environ.update(_DUMMY_CREDENTIALS)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ["STRATUS_ENDPOINT_URL"] = endpoint_url
    os.environ.setdefault("STRATUS_STAGE", stage)
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.update(extra or {})
    settings.cache_clear()
    aws.reset_clients()


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0
