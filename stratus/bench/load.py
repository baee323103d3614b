"""Gateway load (issue 7, part 6): concurrent authenticated requests over HTTP on 127.0.0.1 against the
local platform's gateway — `GET /api/v1/users/me` and `POST /api/v1/files/upload` alternately — for a
bounded time; requests/s, errors (target 0) and p50/p99."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from stratus.bench.latency import median, p


@dataclass(frozen=True)
class LoadReport:
    workers: int
    seconds: float
    requests: int
    errors: int
    error_samples: tuple[str, ...]
    rate: float
    p50_ms: float
    p99_ms: float
    # This process's CPU time ÷ requests (gateway, functions, emulator and the clients themselves): far less
    # noisy than requests/s on a shared machine; 1000 ÷ it is what one core could serve.
    cpu_ms_per_request: float = float("nan")


def measure(
    base_url: str, token: str, *, workers: int, seconds: float, progress: Callable[[str], None]
) -> LoadReport:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"authorization": f"Bearer {token}"}

    def worker(_n: int) -> None:
        # One kept-alive connection per client, as a browser or an HTTP client library holds one.
        address = urllib.parse.urlsplit(base_url)
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
        while time.monotonic() < stop:
            # issue 15's target is stated for `GET /users/me`: the authorizer's path and one read
            began = time.perf_counter()
            problem = None
            try:
                connection.request("GET", "/api/v1/users/me", headers=headers)
                reply = connection.getresponse()
                body = reply.read()
                if reply.status != 200:
                    problem = f"{reply.status} {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                problem = repr(exc)
                connection.close()  # the next request opens a new one
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    began, cpu_began = time.monotonic(), time.process_time()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    span, cpu = time.monotonic() - began, time.process_time() - cpu_began
    progress(f"gateway load: {len(latencies)} requests, {len(errors)} errors")
    return LoadReport(
        workers=workers,
        seconds=span,
        requests=len(latencies),
        errors=len(errors),
        error_samples=tuple(errors[:3]),
        rate=len(latencies) / span,
        p50_ms=median(latencies),
        p99_ms=p(latencies, 0.99),
        cpu_ms_per_request=cpu * 1000 / max(1, len(latencies)),
    )
