"""Ingest in a background thread, so a page can rerun (or close) while files are processed."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from core.errors import UserError
from ingest.pipeline import FileResult, Ingestor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """One file to index: its bytes, the name it was uploaded as, and a password if any."""

    name: str
    data: bytes = field(repr=False)
    password: str | None = None


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of a job for display: safe to read from any thread."""

    done: bool
    current: str  # the file being processed, "" when none
    stage: str  # "waiting", "reading", "OCR", "figures", "encoding", "storing"
    stage_done: int
    stage_total: int
    results: tuple[FileResult, ...]
    total_files: int
    error: str = ""  # a run-wide failure, e.g. the store is locked by another process


class IngestJob:
    """Indexes uploads one after another in a daemon thread; progress is read with status()."""

    def __init__(
        self,
        ingestor: Ingestor,
        uploads: Sequence[Upload],
        replace: bool = False,
        then: Callable[[], object] | None = None,
    ):
        self.id = uuid.uuid4().hex
        self._then = then  # work that follows the files, such as measuring the new collection
        self._ingestor = ingestor
        self._uploads = list(uploads)
        self._replace = replace
        self._lock = threading.Lock()
        self._status = JobStatus(False, "", "waiting", 0, 0, (), len(self._uploads))
        self._thread = threading.Thread(target=self._run, name=f"ingest-{self.id[:8]}", daemon=True)

    def start(self) -> IngestJob:
        self._thread.start()
        return self

    def status(self) -> JobStatus:
        with self._lock:
            return self._status

    def wait(self, timeout: float | None = None) -> JobStatus:
        self._thread.join(timeout)
        return self.status()

    def _update(self, **changes) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _run(self) -> None:
        results: list[FileResult] = []
        try:
            with self._ingestor.store.writing():
                for upload in self._uploads:
                    self._update(current=upload.name, stage="reading", stage_done=0, stage_total=1)
                    result = self._ingestor.ingest(
                        upload.data,
                        upload.name,
                        password=upload.password,
                        replace=self._replace,
                        on_progress=self._on_progress,
                    )
                    results.append(result)
                    self._update(results=tuple(results))
            if self._then is not None and any(r.status == "indexed" for r in results):
                self._update(current="", stage="measuring the collection", stage_done=0)
                self._then()
        except UserError as error:
            self._update(error=str(error))
        except Exception:  # keep the thread's failure visible to the page, details in the log
            log.exception("ingest job failed")
            self._update(error="Indexing stopped on an unexpected error; see the server log.")
        finally:
            self._update(done=True, current="", stage="done")

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self._update(stage=stage, stage_done=done, stage_total=total)
