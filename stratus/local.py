"""`LocalPlatform`: the whole platform in one process — emulator, provisioned resources, the HTTP gateway
on 127.0.0.1, one pump per subscriber queue, the scheduler. `stratus dev` runs it; e2e tests use it too.

With a state directory (`stratus dev`: `.stratus/`, see `stratus.state`) it survives restarts: the
emulator's data, the signing key, the service-token secret and the admin are restored at start; the data
is saved every `save_every` seconds when something changed, and on stop."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import make_server

from shared import service_client
from shared.access_tokens import generate_private_key_pem
from shared.adapters.cors import LOCAL_ORIGINS, CorsPolicy
from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp
from shared.config import settings
from shared.registry import Registry
from shared.transports import InProcessTransport
from stratus import emulator_speedups, workflows_local
from stratus.console import ConsoleSite
from stratus.docs_page import DOCS_PATH, DocsPage
from stratus.emulator import Emulator, EmulatorError, point_process_at
from stratus.keepalive import KeepAliveRequestHandler
from stratus.provision import Provisioned, provision
from stratus.pumps import QueuePump
from stratus.reload import Reloader, Reloading
from stratus.schedules import Scheduler
from stratus.state import Instance, State, StateError, now_iso
from stratus.websocket import LocalWebSockets

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
        state_dir: Path | None = None,
        reset: bool = False,
        save_every: float = 30.0,
        reload: bool = False,
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
        self.state = State(state_dir) if state_dir is not None else None
        self.reset_state = reset
        self.save_every = save_every
        self.instance: Instance | None = None
        self._from_state: tuple[str, ...] = ()
        self._saver: threading.Thread | None = None
        self._save_lock = threading.Lock()
        self.saved_changes = -1  # the emulator's change count the last save included
        self.websockets = LocalWebSockets(registry, log=log)
        self.reloader = Reloader(registry, log=log) if reload else None  # hot reload (stratus/reload.py)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> LocalPlatform:
        # Our own request log replaces werkzeug's (the gateway's and the moto server's) access lines.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        if self.state is not None:
            self._open_state(self.state)
        else:
            # One signing key per run unless one is given: an earlier run's tokens stop working.
            os.environ.setdefault("STRATUS_JWT_PRIVATE_KEY", generate_private_key_pem())
        restored = False
        if self.endpoint:
            self.emulator = Emulator.external(self.endpoint)
            self.log(f"emulator  {self.emulator.endpoint_url} (external)")
        else:
            emulator_speedups.install()  # moto's per-event parser builds and table copies (issue 15)
            self.emulator = Emulator.start_moto(self.host, self.emulator_port)
            self.log(f"emulator  {self.emulator.endpoint_url} (moto server)")
            restored = self._restore()
        tables = ",".join(t.name for t in self.registry.tables())
        point_process_at(self.emulator.endpoint_url, extra={"STRATUS_TABLES": tables})
        self.log("provisioning")
        self.resources = provision(self.registry, log=self.log)
        if self.emulator.embedded:  # moto runs the state machines; tasks answered in-process
            workflows_local.start(self.registry, self.emulator.endpoint_url, log=self.log)
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
        self._record_instance()
        if self.state is not None and self.emulator.embedded:
            if restored:  # provisioning what was there changed nothing worth a save
                self.saved_changes = self.emulator.changes
            else:
                self.save()
            self._saver = threading.Thread(target=self._save_periodically, name="state-saver", daemon=True)
            self._saver.start()
        self._print_summary()
        return self

    # --- state -----------------------------------------------------------------------------------------
    def _open_state(self, state: State) -> None:
        """Before anything reads settings: the state directory, and the secrets it keeps."""
        try:
            state.prepare()
        except StateError as exc:
            raise RuntimeError(str(exc)) from exc
        other = state.running()
        if other is not None and other.pid != os.getpid():
            raise RuntimeError(
                f"another stratus dev (pid {other.pid}, {other.gateway}) runs with the state in "
                f"{state.path}; stop it first, or give this one its own STRATUS_STATE_DIR"
            )
        if self.reset_state:
            state.reset()
            self.log(f"state     {state.path}/ reset: no data, new keys, a new admin")
        self._from_state = state.export_secrets()

    def _restore(self) -> bool:
        assert self.emulator is not None
        if self.state is None:
            return False
        data = self.state.emulator_data()
        if data is None:
            self.log(f"state     {self.state.path}/ (new)")
            return False
        began = time.monotonic()
        try:
            services = self.emulator.restore(data)
        except EmulatorError as exc:
            self.emulator.stop()
            raise RuntimeError(
                f"{exc}. The file is kept: move {self.state.emulator_file} away, or start clean with "
                "`stratus dev --reset`"
            ) from exc
        took = time.monotonic() - began
        self.log(
            f"state     restored from {self.state.path}/ ({', '.join(services)}; "
            f"{len(data) / 1e6:.1f} MB in {took:.1f} s)"
        )
        return True

    def save(self) -> bool:
        """Save the emulator's data to the state directory now (embedded emulator only); → saved."""
        if self.state is None or self.emulator is None or not self.emulator.embedded:
            return False
        with self._save_lock:
            snapshot = self.emulator.snapshot()
            self.state.save_emulator(snapshot.data)
            self.saved_changes = snapshot.changes
        return True

    def _save_periodically(self) -> None:
        assert self.emulator is not None
        while not self.stop_event.wait(self.save_every):
            if self.emulator.changes != self.saved_changes:
                try:
                    self.save()
                except (OSError, EmulatorError, RuntimeError) as exc:
                    self.log(f"! saving the emulator's data failed: {exc!r}")

    def _record_instance(self) -> None:
        from shared.config import settings

        assert self.emulator is not None
        self.instance = Instance(
            pid=os.getpid(),
            gateway=self.url,
            emulator=self.emulator.endpoint_url,
            embedded=self.emulator.embedded,
            started_at=now_iso(),
            stage=settings().stage,
            resource_prefix=settings().resource_prefix,
            docs=f"{self.url}{DOCS_PATH}",
            from_state=self._from_state,
        )
        if self.state is not None:
            self.state.write_instance(self.instance)

    def _bootstrap_admin(self) -> None:
        from shared.config import settings
        from stratus.bootstrap import bootstrap_admin, credentials_from_env

        email, password, generated = credentials_from_env()
        stored = self.state.admin() if self.state is not None else None
        if stored is not None and generated:  # the admin of an earlier run (made again if the data is gone)
            email, password, generated = stored["email"], stored["password"], False
        admin = bootstrap_admin(email, password)
        self.admin = admin
        if self.state is not None:
            if admin.created:
                self.state.save_admin(admin.email, password, settings().platform_tenant)
                self.log(f"platform admin  {admin.email} created; password in {self.state.admin_file}")
        elif admin.created and generated:
            self.log(f"platform admin  {admin.email} / {admin.password}   (tenant `platform`; shown once)")
        elif admin.created:
            self.log(f"platform admin  {admin.email} (from STRATUS_ADMIN_EMAIL / STRATUS_ADMIN_PASSWORD)")

    def _start_gateway(self) -> None:
        cors = CorsPolicy(settings().cors_origins or LOCAL_ORIGINS)  # locally: any localhost port by default
        app: Any = WsgiApp(Gateway(self.registry, loopback_only_internal=True, cors=cors))
        if self.reloader is not None:
            app = Reloading(app, self.reloader)
            self.reloader.watch(self.stop_event)
        app = DocsPage(app)  # /docs: Swagger UI over the published documents (stratus/docs_page.py)
        app = ConsoleSite(app, mail=self._sent_mail)  # /console/: the web console (stratus/console.py)
        app = self.websockets.wrap(app)  # GET /ws and the management API stand-in (stratus/websocket.py)
        self._server = make_server(
            self.host, self.port, app, threaded=True, request_handler=KeepAliveRequestHandler
        )
        self.port = self._server.server_port  # the real one when port=0
        self.websockets.use_endpoint(self.url)
        self._server_thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._server_thread.start()

    def _sent_mail(self) -> list[dict[str, Any]]:
        from stratus.mail import sent_mail

        assert self.emulator is not None
        return sent_mail(self.emulator.endpoint_url)

    def _print_summary(self) -> None:
        from stratus.status import block

        assert self.instance is not None
        for line in block(self.instance, self.registry, self.state):
            self.log(line)
        self.log("ready — Ctrl-C stops everything")

    def stop(self) -> None:
        self.stop_event.set()
        self.websockets.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for pump in self.pumps.values():
            pump.join(timeout=5)
        if self.scheduler is not None:
            self.scheduler.join(timeout=5)
        if self._saver is not None:
            self._saver.join(timeout=30)
            self._saver = None
            try:
                self.save()
            except (OSError, EmulatorError, RuntimeError) as exc:
                self.log(f"! saving the emulator's data failed: {exc!r}")
        if self.state is not None and self.instance is not None:
            self.state.clear_instance(self.instance.pid)
        service_client.set_default_transport(None)
        if self.emulator is not None:
            self.emulator.stop()

    def __enter__(self) -> LocalPlatform:
        return self.start()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
