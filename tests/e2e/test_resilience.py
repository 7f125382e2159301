"""An ingest outlives kill -9 of the app and of its worker: the browser comes back to the job."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import time
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import running_app
from tests.e2e.test_app import (
    ENGLISH_PAGES,
    INDEX_TIMEOUT_MS,
    new_collection,
    open_page,
    result_line,
    table_cells,
)
from tests.pdfs import english_pdf


def _files(folder: Path) -> list[Path]:
    rng = random.Random(4)
    words = ["delta", "sediment", "levee", "estuary", "tide", "marsh", "channel", "basin"]
    paths = []
    for i in range(3):
        path = folder / f"field-notes-{i}.md"
        sentences = (
            f"{rng.choice(words).title()} note {i}.{j}: " + " ".join(rng.choices(words, k=14)) + "."
            for j in range(160)
        )
        path.write_text(" ".join(sentences), encoding="utf-8")
        paths.append(path)
    report = folder / "survey-report.pdf"
    report.write_bytes(english_pdf(ENGLISH_PAGES * 3))
    return [*paths, report]


def _worker_pid(data: Path) -> int | None:
    try:
        return int((data / "jobs" / "worker.pid").read_text())
    except (OSError, ValueError):
        return None


def test_a_job_survives_kill_9_of_the_app_and_the_worker(browser: Browser, tmp_path: Path):
    data = tmp_path / "data"
    files = _files(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    try:
        with running_app(data) as first:
            open_page(page, f"{first.url}/library", "Library")
            new_collection(page, "field")
            page.locator("input[type=file]").set_input_files(files)
            page.get_by_role("button", name="Index files").click()
            expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=INDEX_TIMEOUT_MS)
            address = page.url
            assert re.search(r"[?&]session=[0-9a-f]{32}", address), address
            first.server.send_signal(signal.SIGKILL)  # the app dies mid-job
            first.server.wait()
        # The worker goes on alone; kill it too, once it is working.
        deadline = time.monotonic() + 120
        while _worker_pid(data) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        pid = _worker_pid(data)
        assert pid is not None, "no worker was started"
        time.sleep(2)
        # On a fast machine the worker may have finished the job and exited already: then there
        # is nothing to kill, and what follows must hold all the same.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

        with running_app(data) as second:
            # The same address on the restarted app (another port here): the job is there.
            page.goto(address.replace(first.url, second.url))
            expect(page.get_by_role("heading", name="Library", level=1)).to_be_visible()
            for path in files:
                line = result_line(page, path.name)
                expect(line).to_be_visible(timeout=INDEX_TIMEOUT_MS)
                expect(line).to_have_text(re.compile(rf"{re.escape(path.name)} — indexed: "))
            listed: list[str] = []
            deadline = time.monotonic() + 30
            while sorted(listed) != sorted(p.name for p in files) and time.monotonic() < deadline:
                listed = table_cells(page, 1).all_inner_texts()
                time.sleep(0.5)
            assert sorted(listed) == sorted(p.name for p in files)  # each listed once, whole

            # Another browser on the same app does not see this browser's job.
            stranger = browser.new_context().new_page()
            open_page(stranger, f"{second.url}/library", "Library")
            expect(stranger.get_by_test_id("stProgress")).to_have_count(0)
            for path in files:
                expect(result_line(stranger, path.name)).to_have_count(0)
            stranger.context.close()
    finally:
        context.close()
