"""Gateway load (issue 7, part 6): concurrent authenticated requests over HTTP on 127.0.0.1 against the
local platform's gateway — `GET /api/v1/users/me` and `POST /api/v1/files/upload` alternately — for a
bounded time; requests/s, errors (target 0) and p50/p99."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
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


def measure(
    base_url: str, token: str, *, workers: int, seconds: float, progress: Callable[[str], None]
) -> LoadReport:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    upload = json.dumps({"fileName": "load.txt", "fileSize": 10, "contentType": "text/plain"}).encode()

    def worker(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            i += 1
            me = i % 2 == 0
            request = urllib.request.Request(  # noqa: S310 - the local gateway
                f"{base_url}/api/v1/users/me" if me else f"{base_url}/api/v1/files/upload",
                data=None if me else upload,
                method="GET" if me else "POST",
                headers=headers,
            )
            began = time.perf_counter()
            problem = None
            try:
                with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
                    reply.read()
            except urllib.error.HTTPError as exc:
                problem = f"{exc.code} {exc.read()[:200]!r}"
            except OSError as exc:
                problem = repr(exc)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    span = time.monotonic() - began
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
    )
