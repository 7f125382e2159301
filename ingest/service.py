"""The app's side of ingest: queue jobs, keep a worker process running, store what it prepares.

The worker process (ingest.worker) does the slow part: reading, OCR, chunking, encoding. This
service, a thread in the app's process, stores the prepared files, because the app must stay the
only process writing to an embedded Chroma. Jobs live in the queue on disk, so they outlive the
page, the browser and the app: a restarted app picks up where the last one stopped.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import StoreError
from core.retrieval.encoders import Encoder
from core.retrieval.originals import Originals
from core.retrieval.store import Store
from core.settings import Settings
from ingest.pipeline import FileResult, Ingestor, Prepared, already_indexed, store_prepared
from ingest.queue import JobQueue, JobSpec, Upload, WorkItem

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]

# measure(collection, encoder): work that follows a job which indexed something.
Measure = Callable[[str, Encoder], object]


class IngestService:
    """Queues jobs and stores prepared files in a background thread; start() it once."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        originals: Originals | None = None,
        measure: Measure | None = None,
        interval: float = 0.3,
    ) -> None:
        self.queue = JobQueue(settings.jobs_dir)
        self._settings = settings
        self._store = store
        self._originals = originals
        self._measure = measure
        self._interval = interval
        self._encoders: dict[str, Encoder] = {}  # models of this process's jobs, for measuring
        self._worker: subprocess.Popen | None = None
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ingest-service", daemon=True)

    def start(self) -> IngestService:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop storing (a worker already running finishes its file and stages it)."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(10)

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id while one runs (it may have been started by an earlier app)."""
        if not self._worker_alive():
            return None
        try:
            return int(self.queue.worker_pid_file.read_text())
        except (OSError, ValueError):  # just starting
            return None

    def submit(self, owner: str, spec: JobSpec, uploads: Sequence[Upload], encoder: Encoder) -> str:
        """Queue files for indexing; those already in the collection are reported skipped now.

        Raises UserError when the collection was built with another model.
        """
        ingestor = Ingestor(self._store, encoder, spec.collection)
        skipped = {}
        for n, upload in enumerate(uploads):
            result = ingestor.skipped(upload.data, upload.name, spec.replace)
            if result is not None:
                skipped[n] = result
        self._encoders[spec.model] = encoder
        job = self.queue.submit(owner, spec, uploads, skipped)
        self._wake.set()
        return job

    def step(self) -> None:
        """Store what is prepared, measure finished jobs, start a worker if files wait."""
        self._store_prepared()
        self._measure_finished()
        if self.queue.has_work() and not self._worker_alive():
            self._start_worker()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            try:
                self.step()
            except Exception:  # the service must outlive any one failure
                log.exception("ingest service step failed")
            self._wake.wait(self._interval)
            self._wake.clear()

    def _store_prepared(self) -> None:
        while (claimed := self.queue.claim_prepared()) is not None:
            item, prepared, again = claimed
            try:
                result = self._store_one(item, prepared, again)
            except StoreError as error:  # another process writes to the data folder: later
                log.warning("cannot store %s yet: %s", item.name, error)
                self.queue.release(item)
                return
            except Exception:
                log.exception("storing %s failed", item.name)
                result = FileResult(
                    prepared.result.source, "failed", "it could not be stored; see the app's log"
                )
            self.queue.finish(item, result)

    def _store_one(self, item: WorkItem, prepared: Prepared, again: bool) -> FileResult:
        collection, document = item.spec.collection, prepared.document
        self._store.ensure_collection(collection, document.model, prepared.vectors.shape[1])
        existing = self._store.document(collection, document.sha256)
        # Taken again from an app killed while storing it: store it again (storing replaces).
        if existing is not None and not (item.spec.replace or again):
            return already_indexed(existing, document.source)
        return store_prepared(
            self._store,
            collection,
            prepared,
            self.queue.upload(item),
            self._originals,
            lambda stage, done, total: self.queue.progress(item, stage, done, total),
        )

    def _measure_finished(self) -> None:
        for job, spec in self.queue.unmeasured():
            view = self.queue.job(job)
            encoder = self._encoders.get(spec.model)
            indexed = view is not None and any(r.status == "indexed" for r in view.results)
            if self._measure is not None and encoder is not None and indexed:
                try:
                    self._measure(spec.collection, encoder)
                except Exception:  # measuring again on the first question is the fallback
                    log.exception("measuring %s failed", spec.collection)
            self.queue.measured(job)

    def _worker_alive(self) -> bool:
        if self._worker is not None and self._worker.poll() is None:
            return True
        # A worker started by an earlier app process (killed since) may still be working.
        lock = FileLock(str(self.queue.worker_lock), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return True
        lock.release()
        return False

    def _start_worker(self) -> None:
        env = {**os.environ, "EE_DATA_DIR": str(self._settings.data_dir.resolve())}
        with open(self.queue.folder / "worker.log", "ab") as log_file:
            # Its own session: the worker finishes its file even when the app is stopped.
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "ingest.worker"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
            )
        log.info("started ingest worker %d", self._worker.pid)
