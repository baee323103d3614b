"""The AWS API emulator the local platform talks to: an embedded moto server, or any endpoint given
(LocalStack). Functions reach it through ordinary boto3 calls over HTTP."""

from __future__ import annotations

import os
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from shared import aws
from shared.config import settings

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

    @classmethod
    def start_moto(cls, host: str = "127.0.0.1", port: int = 4566) -> Emulator:
        from moto.server import ThreadedMotoServer

        if port and _port_in_use(host, port):
            raise EmulatorError(
                f"{host}:{port} is already in use. Stop what runs there, pick another port with "
                f"--emulator-port, or point at a running emulator with --endpoint http://{host}:{port}"
            )
        make_dynamodb_requests_atomic()
        server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        server.start()
        bound_host, bound_port = server.get_host_and_port()
        emulator = cls(endpoint_url=f"http://{bound_host}:{bound_port}", _server=server)
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
