"""`stratus dev`'s gateway over real HTTP: `/docs` serves the API docs page over the document it publishes
(issue 13.6), and with hot reload on, an edited function module answers the next request (13.4)."""

from __future__ import annotations

import os
import re
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.registry import Registry
from stratus.local import LocalPlatform
from tests.e2e.conftest import request
from tests.unit.stratus.test_reload import HANDLER, MANIFEST

pytestmark = pytest.mark.e2e
PKG = f"hotpkg_e2e_{os.getpid()}"


@pytest.fixture(scope="module")
def hot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalPlatform, Path]]:
    """The local platform, reload on, serving a throwaway service whose module the test edits."""
    root = tmp_path_factory.mktemp("hot")
    service = root / PKG / "hot"
    service.mkdir(parents=True)
    (root / PKG / "__init__.py").write_text("")
    (service / "__init__.py").write_text("")
    (service / "manifest.py").write_text(MANIFEST.format(pkg=PKG))
    (service / "greet.py").write_text(HANDLER.format(pkg=PKG, by="first"))
    (service / "words.py").write_text('GREETING = "hello"\n')
    sys.path.insert(0, str(root))
    manifest = __import__(f"{PKG}.hot.manifest", fromlist=["SERVICE"])
    before = dict(os.environ)
    platform = LocalPlatform(
        Registry([manifest.SERVICE]), port=0, emulator_port=0, log=lambda _line: None, reload=True
    )
    platform.start()
    yield platform, service
    platform.stop()
    os.environ.clear()
    os.environ.update(before)
    sys.path.remove(str(root))


def test_an_edited_module_answers_the_next_request_and_the_data_stays(
    hot: tuple[LocalPlatform, Path],
) -> None:
    platform, service = hot
    url = f"{platform.url}/api/v1/hot/greet"
    assert request(url).body["data"] == {"greeting": "hello", "by": "first"}
    emulator_before = platform.emulator
    # WHEN the developer saves an edit
    (service / "words.py").write_text('GREETING = "hello again"\n')
    later = time.time() + 2
    os.utime(service / "words.py", (later, later))
    # THEN once the file system reported the save (inotify: a moment), the next request runs it, on the
    # same running platform (same emulator, nothing restarted)
    assert platform.reloader is not None
    assert platform.reloader.notified  # file-system events: requests do not look at the files otherwise
    deadline = time.monotonic() + 5
    while not (platform.reloader.save_reported or platform.reloader.reloads):
        assert time.monotonic() < deadline, "the save was never reported"
        time.sleep(0.01)
    assert request(url).body["data"] == {"greeting": "hello again", "by": "first"}
    assert platform.emulator is emulator_before
    assert platform.reloader.reloads == 1


def test_docs_serves_the_page_and_its_files_over_the_published_document(
    hot: tuple[LocalPlatform, Path],
) -> None:
    platform, _ = hot
    page = request(f"{platform.url}/docs")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/.well-known/openapi.json" in page.body
    assets = re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', page.body)
    assert len(assets) == 4
    for asset in assets:  # bytes, not JSON: fetched without the helper that decodes bodies
        with urllib.request.urlopen(f"{platform.url}{asset}", timeout=10) as answer:  # noqa: S310 - loopback
            assert answer.status == 200
            assert len(answer.read()) > 0
