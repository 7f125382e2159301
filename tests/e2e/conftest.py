"""The real app in a real browser: `streamlit run app.py` on a free port, headless Chromium."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1300, "height": 1000}
START_TIMEOUT_S = 60
# The app scrolls inside <main data-testid="stMain">, not the document, so a "full page"
# screenshot needs a viewport as tall as that content (capped for very long pages).
CONTENT_HEIGHT_JS = """() => Math.max(...Array.from(
    document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]'),
    (element) => element.scrollHeight))"""
MAX_SCREENSHOT_HEIGHT = 6000
IDLE_TIMEOUT_MS = 15_000
TWO_FRAMES_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)

expect.set_options(timeout=45_000)  # a page's first run on a busy 2-core machine is slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode() == "ok"
    except (urllib.error.URLError, OSError):
        return False


class App(NamedTuple):
    url: str
    server: subprocess.Popen
    log: Path


@contextlib.contextmanager
def running_app(data: Path) -> Iterator[App]:
    """`streamlit run app.py` on a free port over the data folder."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "EE_DATA_DIR": str(data),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    log_path = data.parent / f"server-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        # A session of its own, so teardown can stop the server and every child it started.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not start (exit code {server.poll()}):\n"
                    + log_path.read_text(errors="replace"),
                    pytrace=False,
                )
            time.sleep(0.2)
        yield App(url, server, log_path)
    finally:
        _stop(server)
        _stop_worker(data)


def _stop_worker(data: Path) -> None:
    """The ingest worker outlives the app by design (its own session); a test stops it."""
    with contextlib.suppress(OSError, ValueError):
        os.kill(int((data / "jobs" / "worker.pid").read_text()), signal.SIGKILL)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app, served from the repository with an empty data folder of its own."""
    with running_app(tmp_path_factory.mktemp("e2e-app") / "data") as app:
        yield app.url
        if app.server.poll() is not None:  # died while the tests ran: say why
            pytest.fail(
                f"the app exited during the tests (exit code {app.server.poll()}):\n"
                + app.log.read_text(errors="replace"),
                pytrace=False,
            )


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; a full-page screenshot of where the test ended.

    An uncaught JavaScript error in the page (the Streamlit frontend crashing, say) fails the
    test at teardown even when its assertions passed.
    """
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    errors = page_errors(tab)
    yield tab
    try:
        screenshot(tab, re.sub(r"[^\w.-]+", "_", request.node.name))
    finally:
        context.close()
    if errors:
        pytest.fail("JavaScript errors in the page:\n" + "\n".join(errors), pytrace=False)


def page_errors(tab: Page) -> list[str]:
    """A list that fills with the page's uncaught JavaScript errors as they happen."""
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    return errors


def screenshot(tab: Page, name: str) -> None:
    """test-artifacts/screenshots/<name>.png of the whole page, not just what is scrolled to."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Let the last script run finish (and drop stale elements); a hung page gets a picture too.
    with contextlib.suppress(AssertionError):
        expect(tab.get_by_test_id("stApp")).to_have_attribute(
            "data-test-script-state", "notRunning", timeout=IDLE_TIMEOUT_MS
        )
    content = tab.evaluate(CONTENT_HEIGHT_JS) or 0
    height = min(max(content, VIEWPORT["height"]), MAX_SCREENSHOT_HEIGHT)
    tab.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    # Let the resized layout paint (two frames) before taking the picture.
    tab.evaluate(TWO_FRAMES_JS)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
