"""Hot reload for `stratus dev`: an edited function module takes effect on the next request, without a
restart (the emulator, its data and every key stay as they are).

Each service's code lives in its package (`functions.users`, `apps.marketplace`, …: the package of its
functions' modules). The file system reports a save under one of those folders (watchdog: inotify,
FSEvents, …); the next request then compares the modification times of the loaded modules of those packages
with what it saw (with no events, it looks at most every `interval`; and every second, for the queue pumps
and the scheduler). When one changed it forgets the changed modules, every loaded module of those packages
that refers to one of them (`from functions.users.client import UsersClient` in another service), and the
registry's cached entry points of the functions that lived there: their next call imports them afresh, as
a cold start does.

What it does not reload, which needs a restart: a `manifest.py` (routes, tables and triggers are read at
start), a package's `__init__.py`, the catalogs, the kernel (`shared/`) and `stratus/` itself."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from shared.registry import Registry

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Log = Callable[[str], None]
KEPT = ("manifest", "catalog")  # read once at start: a change to them needs a restart


def service_packages(registry: Registry) -> tuple[str, ...]:
    """The package of every declared function's module, e.g. `functions.users`."""
    return tuple(sorted({fn.module.rpartition(".")[0] for fn in registry.functions.values()} - {""}))


class Reloader:
    def __init__(self, registry: Registry, *, log: Log = print, interval: float = 0.2) -> None:
        self.registry = registry
        self.packages = service_packages(registry)
        self.log = log
        self.interval = interval  # at most one look at the files per interval, however many requests
        self._prefixes = tuple(f"{package}." for package in self.packages)
        self._seen: dict[str, float] = {}  # module name → its file's mtime when last looked at
        self._files: dict[str, str] = {}  # the reloadable modules loaded: name → source file
        self._known = -1  # len(sys.modules) when `_files` was made: a new import makes it again
        self._lock = threading.Lock()
        self._last = 0.0
        self._saved = threading.Event()  # the file system reported a save under a service package
        self.notified = False  # file-system events arrive (watchdog): no need to look at every request
        self.reloads = 0

    def reloadable(self, name: str) -> bool:
        return name.startswith(self._prefixes) and name.rpartition(".")[2] not in KEPT

    @property
    def save_reported(self) -> bool:
        """A save was reported and no request has looked at the files since."""
        return self._saved.is_set()

    def saved(self) -> None:
        """A source file under a service package was written (a watchdog event)."""
        self._saved.set()

    def check(self, *, force: bool = False) -> list[str]:
        """Forget the changed modules (and their dependents); → the names forgotten. With file-system
        events, a request looks at the files only after a save was reported (nothing to do otherwise);
        without, at most once per `interval`."""
        now = time.monotonic()
        due = self._saved.is_set() or force or (not self.notified and now - self._last >= self.interval)
        if not due:
            return []
        with self._lock:
            self._saved.clear()
            self._last = now
            changed = self._changed()
            if not changed:
                return []
            dropped = self._drop(changed)
        self.reloads += 1
        self.log(f"reload    {', '.join(sorted(changed))} changed: {len(dropped)} module(s) load afresh")
        return dropped

    def record(self) -> None:
        """Note the modules imported since the last look, with their files' times: the baseline an edit
        is told by. Cheap when nothing was imported; the middleware calls it after each request."""
        if len(sys.modules) != self._known:
            with self._lock:
                self._scan()

    def _scan(self) -> None:
        if len(sys.modules) == self._known:
            return
        self._known = len(sys.modules)
        self._files = {
            name: path
            for name, module in list(sys.modules.items())
            if self.reloadable(name) and (path := getattr(module, "__file__", None))
        }
        for name, path in self._files.items():
            if name not in self._seen:
                with contextlib.suppress(OSError):
                    self._seen[name] = os.stat(path).st_mtime

    def _changed(self) -> list[str]:
        self._scan()
        changed = []
        for name, path in self._files.items():
            try:
                mtime = os.stat(path).st_mtime
            except OSError:  # deleted, or mid-save: look again next time
                continue
            if mtime != self._seen.setdefault(name, mtime):
                changed.append(name)
                _forget_bytecode(path)  # a same-size edit within the same second would pass its check
        return changed

    def _drop(self, changed: Iterable[str]) -> list[str]:
        gone = set(changed)
        loaded = {n: m for n, m in list(sys.modules.items()) if self.reloadable(n)}
        grew = True
        while grew:  # the modules that hold a module, or anything defined in one, that is going
            grew = False
            for name, module in loaded.items():
                if name not in gone and _refers_to(module, gone):
                    gone.add(name)
                    grew = True
        for name in gone:
            sys.modules.pop(name, None)
            self._seen.pop(name, None)
            self._files.pop(name, None)
            parent, _, child = name.rpartition(".")
            package = sys.modules.get(parent)
            if package is not None and getattr(package, child, None) is loaded.get(name):
                delattr(package, child)  # else `from functions.users import service` finds the old one
        self._known = -1  # look at what is loaded again: the dropped modules come back under new objects
        for fn in self.registry.functions.values():
            if fn.module in gone:
                self.registry._handlers.pop(fn.qualified_name, None)
        return sorted(gone)

    def watch(self, stop: threading.Event, every: float = 1.0) -> threading.Thread:
        """Have the file system report saves (watchdog: inotify, FSEvents, …), and look every `every`
        seconds too: for the code only the pumps and the scheduler run, and where no event comes (a
        network mount)."""
        observer = self._observe()

        def run() -> None:
            while not stop.wait(every):
                try:
                    self.check(force=True)
                except Exception as exc:  # a reload failing must not end the watcher
                    self.log(f"! reload failed: {exc!r}")
            if observer is not None:
                observer.stop()

        thread = threading.Thread(target=run, name="reloader", daemon=True)
        thread.start()
        return thread

    def _observe(self) -> Any:
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # looking at every request (at most once per interval) does it too
            return None
        reloader = self

        class Saves(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                paths = (event.src_path, getattr(event, "dest_path", "") or "")
                if not event.is_directory and any(str(p).endswith(".py") for p in paths):
                    reloader.saved()

        observer = Observer()
        for folder in self._folders():
            observer.schedule(Saves(), folder, recursive=True)
        observer.daemon = True
        try:
            observer.start()
        except OSError as exc:  # out of inotify watches, say
            self.log(f"! no file-system events ({exc}); looking at the files every {self.interval} s")
            return None
        self.notified = True
        return observer

    def _folders(self) -> list[str]:
        found: set[str] = set()
        for package in self.packages:
            with contextlib.suppress(ImportError, ValueError):
                spec = importlib.util.find_spec(package)
                found.update(spec.submodule_search_locations or () if spec else ())
        # A folder inside another is watched with it (recursive).
        return sorted(f for f in found if not any(f.startswith(f"{o}{os.sep}") for o in found))


def _forget_bytecode(path: str) -> None:
    with contextlib.suppress(OSError, ValueError, NotImplementedError):
        os.remove(importlib.util.cache_from_source(path))


def _refers_to(module: ModuleType, names: set[str]) -> bool:
    for value in list(vars(module).values()):
        if isinstance(value, ModuleType):
            if value.__name__ in names:
                return True
        elif getattr(value, "__module__", None) in names or _instance_of(value, names):
            return True
    return False


def _instance_of(value: Any, names: set[str]) -> bool:
    """A module-level object (a client, an app) made from a class defined in a changed module."""
    return type(value).__module__ in names


class Reloading:
    """WSGI middleware: look for edited modules before each request."""

    def __init__(self, app: WSGIApplication, reloader: Reloader) -> None:
        self.app = app
        self.reloader = reloader

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        self.reloader.check()
        try:
            return self.app(environ, start_response)
        finally:
            self.reloader.record()
