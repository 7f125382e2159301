"""The ingest worker process: reads, chunks and encodes queued files, one after another.

    python -m ingest.worker   (the data folder from EE_DATA_DIR, like the app)

The app starts it when files are queued (ingest.service); it never touches the vector store, so
the app stays the only process that writes there. One worker per data folder (a lock file); it
runs at a lower priority than the app, so questions stay quick while it encodes, and it exits
after a quiet minute.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

from filelock import FileLock, Timeout

from core.errors import UserError
from core.pictures import PictureLimits
from core.retrieval.embedding_cache import EmbeddingCache
from core.retrieval.encoders import Encoder, load_encoder
from core.settings import Settings
from ingest.extract import Limits
from ingest.pipeline import FileResult, Preparer
from ingest.queue import JobQueue, WorkItem

log = logging.getLogger("ingest.worker")

PROGRESS_EVERY = 0.25  # seconds between progress writes: the page polls, SQLite need not churn


class Worker:
    """Prepares the queue's files; each outcome is staged (or finished) in the queue."""

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        self._settings = settings
        self._queue = queue
        self._encoders: dict[str, Encoder | None] = {}
        self._failed_models: dict[str, str] = {}
        self._cache = EmbeddingCache(settings.embedding_cache_path)

    def run(self, idle_seconds: float) -> None:
        """Work until the queue has been empty for idle_seconds."""
        self._queue.recover()
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle_seconds:
            model = self._queue.next_model()
            if model is None:
                time.sleep(0.3)
                continue
            self._encoder(model)  # loaded (or its failure noted) before a file is claimed
            item = self._queue.claim()
            if item is None:
                continue
            self.prepare(item)
            quiet_since = time.monotonic()

    def prepare(self, item: WorkItem) -> None:
        log.info("preparing %s (job %s)", item.name, item.job[:8])
        try:
            outcome = self._preparer(item).prepare(
                self._queue.upload(item),
                item.name,
                password=item.password,
                on_progress=self._reporter(item),
            )
        except UserError as error:  # the model cannot be loaded, say
            outcome = FileResult(item.name, "failed", str(error))
        except Exception:  # one file's surprise must not stop the queue
            log.exception("preparing %s failed", item.name)
            outcome = FileResult(item.name, "failed", "an unexpected error; see the worker log")
        if isinstance(outcome, FileResult):
            self._queue.finish(item, outcome)
        else:
            self._queue.prepared(item, outcome)

    def _encoder(self, model: str) -> Encoder | None:
        """The model, loaded once; None (the file then fails with the reason) if it can't be."""
        if model not in self._encoders:
            try:
                self._encoders[model] = load_encoder(model, self._settings.device)
            except UserError as error:
                self._failed_models[model] = str(error)
                return self._encoders.setdefault(model, None)
        return self._encoders[model]

    def _preparer(self, item: WorkItem) -> Preparer:
        settings, model = self._settings, item.spec.model
        encoder = self._encoder(model)
        if encoder is None:
            raise UserError(self._failed_models[model])
        return Preparer(
            encoder=encoder,
            chunking=item.spec.chunking,
            limits=Limits(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages),
            ocr=settings.ocr,
            cache=self._cache,
            pictures=PictureLimits.from_settings(settings),
        )

    def _reporter(self, item: WorkItem):
        last = 0.0

        def report(stage: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done == total:
                last = now
                self._queue.progress(item, stage, done, total)

        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Prepare the files queued for indexing.")
    parser.add_argument("--idle", type=float, default=60, help="exit after this many idle seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    settings = Settings.from_env()
    queue = JobQueue(settings.jobs_dir)
    lock = FileLock(str(queue.worker_lock), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        log.info("another worker is working on %s", queue.folder)
        return 0
    queue.worker_pid_file.write_text(str(os.getpid()))
    os.nice(5)  # the app's questions come first, without starving the worker on a busy machine
    try:
        Worker(settings, queue).run(args.idle)
    finally:
        lock.release()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
