"""`LocalPlatform`: the whole platform in one process — emulator, provisioned resources, the HTTP gateway
on 127.0.0.1, one pump per subscriber queue, the scheduler. `stratus dev` runs it; e2e tests use it too."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from werkzeug.serving import make_server

from shared import service_client
from shared.access_tokens import generate_private_key_pem
from shared.adapters.cors import LOCAL_ORIGINS, CorsPolicy
from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp
from shared.config import settings
from shared.declarations import Route
from shared.registry import Registry
from shared.transports import InProcessTransport
from stratus.emulator import Emulator, point_process_at
from stratus.provision import Provisioned, provision
from stratus.pumps import QueuePump
from stratus.schedules import Scheduler

Log = Callable[[str], None]


class LocalPlatform:
    def __init__(
        self,
        registry: Registry,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        emulator_port: int = 4566,
        endpoint: str | None = None,
        pumps: bool = True,
        schedules: bool = True,
        bootstrap: bool = True,
        log: Log = print,
    ) -> None:
        self.registry = registry
        self.host, self.port = host, port
        self.emulator_port = emulator_port
        self.endpoint = endpoint
        self.run_pumps, self.run_schedules, self.bootstrap = pumps, schedules, bootstrap
        self.admin: Any = None
        self.log = log
        self.stop_event = threading.Event()
        self.emulator: Emulator | None = None
        self.resources = Provisioned()
        self.pumps: dict[str, QueuePump] = {}
        self.scheduler: Scheduler | None = None
        self._server: Any = None
        self._server_thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalPlatform:
        # Our own request log replaces werkzeug's (the gateway's and the moto server's) access lines.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.endpoint:
            self.emulator = Emulator.external(self.endpoint)
            self.log(f"emulator  {self.emulator.endpoint_url} (external)")
        else:
            self.emulator = Emulator.start_moto(self.host, self.emulator_port)
            self.log(f"emulator  {self.emulator.endpoint_url} (moto server)")
        tables = ",".join(t.name for t in self.registry.tables())
        # One signing key per run unless one is given: an earlier run's tokens stop working, as they should.
        os.environ.setdefault("STRATUS_JWT_PRIVATE_KEY", generate_private_key_pem())
        point_process_at(self.emulator.endpoint_url, extra={"STRATUS_TABLES": tables})
        self.log("provisioning")
        self.resources = provision(self.registry, log=self.log)
        service_client.set_default_transport(InProcessTransport(self.registry))
        self._start_gateway()
        if self.run_pumps:
            for fn in self.registry.subscribers:
                pump = QueuePump(
                    self.registry, fn, self.resources.queues[fn.qualified_name], self.stop_event, self.log
                )
                self.pumps[fn.qualified_name] = pump
                pump.start()
        if self.run_schedules and self.registry.scheduled:
            self.scheduler = Scheduler(self.registry, self.stop_event, self.log)
            self.scheduler.start()
        if self.bootstrap and "tenants" in self.registry.by_service:
            self._bootstrap_admin()
        self._print_summary()
        return self

    def _bootstrap_admin(self) -> None:
        from stratus.bootstrap import bootstrap_admin, credentials_from_env

        email, password, generated = credentials_from_env()
        admin = bootstrap_admin(email, password)
        self.admin = admin
        if admin.created and generated:
            self.log(f"platform admin  {admin.email} / {admin.password}   (tenant `platform`; shown once)")
        elif admin.created:
            self.log(f"platform admin  {admin.email} (from STRATUS_ADMIN_EMAIL / STRATUS_ADMIN_PASSWORD)")

    def _start_gateway(self) -> None:
        cors = CorsPolicy(settings().cors_origins or LOCAL_ORIGINS)  # locally: any localhost port by default
        app = WsgiApp(Gateway(self.registry, loopback_only_internal=True, cors=cors))
        self._server = make_server(self.host, self.port, app, threaded=True)
        self.port = self._server.server_port  # the real one when port=0
        self._server_thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._server_thread.start()

    def _print_summary(self) -> None:
        self.log(f"gateway   {self.url}")
        for fn in self.registry.http_functions:
            route = fn.trigger
            assert isinstance(route, Route)
            self.log(f"  {route.method:6} {route.path:45} {fn.qualified_name} ({route.auth})")
        for fn in self.registry.subscribers:
            self.log(f"  queue  → {fn.qualified_name}")
        for fn in self.registry.scheduled:
            self.log(f"  {getattr(fn.trigger, 'expression', '')} → {fn.qualified_name}")
        self.log("ready — Ctrl-C stops everything")

    def stop(self) -> None:
        self.stop_event.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for pump in self.pumps.values():
            pump.join(timeout=5)
        if self.scheduler is not None:
            self.scheduler.join(timeout=5)
        service_client.set_default_transport(None)
        if self.emulator is not None:
            self.emulator.stop()

    def __enter__(self) -> LocalPlatform:
        return self.start()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
