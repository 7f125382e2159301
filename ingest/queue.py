"""The persistent ingest queue: jobs and their files in SQLite in the data folder.

A file moves queued -> preparing (a worker process reads, chunks and encodes it) -> prepared (its
chunks and vectors wait in a staging file) -> committing (the app stores them) -> done (with its
result line). Every step is one SQLite transaction, so a process killed at any moment leaves each
file in a state the next process resumes from: preparing again, or committing again (storing is
idempotent: a document is listed only once all its chunks are stored).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.records import Chunk, Document
from core.retrieval.chunking import ChunkConfig
from ingest.pipeline import FileResult, Prepared

MAX_ATTEMPTS = 3  # a file whose preparation was interrupted this often is reported, not retried

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    collection TEXT NOT NULL,
    model TEXT NOT NULL,
    chunk_tokens INTEGER NOT NULL,
    chunk_overlap INTEGER NOT NULL,
    replace_existing INTEGER NOT NULL,
    created REAL NOT NULL,
    measured INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    job TEXT NOT NULL REFERENCES jobs(id),
    n INTEGER NOT NULL,
    name TEXT NOT NULL,
    password TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    holder INTEGER,
    stage TEXT NOT NULL DEFAULT 'waiting',
    stage_done INTEGER NOT NULL DEFAULT 0,
    stage_total INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    PRIMARY KEY (job, n)
);
"""


@dataclass(frozen=True)
class Upload:
    """One file to index: its bytes, the name it was uploaded as, and a password if any."""

    name: str
    data: bytes = field(repr=False)
    password: str | None = None


@dataclass(frozen=True)
class JobSpec:
    """What a job indexes into, and how."""

    collection: str
    model: str
    chunking: ChunkConfig = ChunkConfig()
    replace: bool = False


@dataclass(frozen=True)
class WorkItem:
    """One file of one job, as a worker or the committer takes it."""

    job: str
    n: int
    name: str
    password: str | None
    spec: JobSpec


@dataclass(frozen=True)
class FileState:
    name: str
    state: str  # queued, preparing, prepared, committing or done
    stage: str  # what the worker does now: reading, OCR, figures, encoding, storing
    stage_done: int
    stage_total: int
    result: FileResult | None  # once done


@dataclass(frozen=True)
class JobView:
    """A job for display: safe to build in any process at any time."""

    id: str
    spec: JobSpec
    created: float
    files: tuple[FileState, ...]

    @property
    def done(self) -> bool:
        return all(file.state == "done" for file in self.files)

    @property
    def results(self) -> tuple[FileResult, ...]:
        return tuple(file.result for file in self.files if file.result is not None)

    @property
    def current(self) -> FileState | None:
        """The file being worked on, else the next one waiting."""
        for state in ("committing", "preparing", "prepared", "queued"):
            for file in self.files:
                if file.state == state:
                    return file
        return None


class JobQueue:
    """The queue under folder: queue.sqlite, the uploaded bytes and the staged results."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._uploads = folder / "uploads"
        self._staged = folder / "staged"
        for path in (self._uploads, self._staged):
            path.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            db.executescript(_SCHEMA)
        finally:
            db.close()

    @property
    def worker_lock(self) -> Path:
        """Held by the one worker process working on this queue."""
        return self.folder / "worker.lock"

    @property
    def worker_pid_file(self) -> Path:
        """The running worker's process id, written once it holds the lock."""
        return self.folder / "worker.pid"

    # -- submitting and reading --------------------------------------------------------------

    def submit(
        self,
        owner: str,
        spec: JobSpec,
        uploads: Sequence[Upload],
        done: dict[int, FileResult] | None = None,
    ) -> str:
        """Queue a job; files with a result in done (e.g. skipped) are recorded as done."""
        job = uuid.uuid4().hex
        done = done or {}
        for n, upload in enumerate(uploads):
            if n not in done:
                _write_atomic(self._upload_path(job, n), upload.data)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    job,
                    owner,
                    spec.collection,
                    spec.model,
                    spec.chunking.tokens,
                    spec.chunking.overlap,
                    int(spec.replace),
                    time.time(),
                ),
            )
            for n, upload in enumerate(uploads):
                result = done.get(n)
                db.execute(
                    "INSERT INTO files (job, n, name, password, state, result) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        job,
                        n,
                        upload.name,
                        None if result else upload.password,
                        "done" if result else "queued",
                        _result_json(result) if result else None,
                    ),
                )
        return job

    def jobs(self, owner: str | None = None, limit: int = 20) -> list[JobView]:
        """The newest jobs (of one owner, or of everyone), newest first."""
        with self._transaction() as db:
            where, args = ("WHERE owner = ?", (owner,)) if owner is not None else ("", ())
            rows = db.execute(
                f"SELECT * FROM jobs {where} ORDER BY created DESC LIMIT ?", (*args, limit)
            ).fetchall()
            return [self._view(db, row) for row in rows]

    def job(self, job: str) -> JobView | None:
        with self._transaction() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job,)).fetchone()
            return self._view(db, row) if row else None

    def upload(self, item: WorkItem) -> bytes:
        return self._upload_path(item.job, item.n).read_bytes()

    def has_work(self) -> bool:
        """Whether any file still needs a worker."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT 1 FROM files WHERE state IN ('queued', 'preparing') LIMIT 1"
            ).fetchone()
            return row is not None

    # -- the worker's side -------------------------------------------------------------------

    def recover(self) -> None:
        """Called by a worker holding the worker lock: files left 'preparing' lost their worker."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT job, n, name, attempts FROM files WHERE state = 'preparing'"
            ).fetchall()
            for job, n, name, attempts in rows:
                if attempts < MAX_ATTEMPTS:
                    db.execute(
                        "UPDATE files SET state = 'queued', stage = 'waiting', stage_done = 0, "
                        "stage_total = 0 WHERE job = ? AND n = ?",
                        (job, n),
                    )
                else:
                    detail = (
                        f"indexing was interrupted {attempts} times (the worker stopped); the "
                        "file may be too large or damaged"
                    )
                    self._finish(db, job, n, FileResult(name, "failed", detail))
            # Left by a process killed between finishing a file and deleting its files, or
            # while staging one (only the worker stages, and this is the worker).
            done = {
                f"{job}-{n}"
                for job, n in db.execute("SELECT job, n FROM files WHERE state = 'done'")
            }
            for path in [*self._uploads.iterdir(), *self._staged.iterdir()]:
                if path.name.split(".")[0] in done or path.name.endswith(".tmp.npz"):
                    db.doomed.append(path)

    def next_model(self) -> str | None:
        """The model the next queued file needs, so a worker loads it before claiming the file
        (a worker stopped while loading a model has not been interrupted on any file)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT j.model FROM files f JOIN jobs j ON j.id = f.job "
                "WHERE f.state = 'queued' ORDER BY j.created, f.n LIMIT 1"
            ).fetchone()
            return row[0] if row else None

    def claim(self) -> WorkItem | None:
        """The oldest queued file, now marked 'preparing' by this process."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT f.job, f.n FROM files f JOIN jobs j ON j.id = f.job "
                "WHERE f.state = 'queued' ORDER BY j.created, f.n LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE files SET state = 'preparing', attempts = attempts + 1, holder = ?, "
                "stage = 'reading' WHERE job = ? AND n = ?",
                (os.getpid(), *row),
            )
            return self._item(db, *row)

    def progress(self, item: WorkItem, stage: str, done: int, total: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE files SET stage = ?, stage_done = ?, stage_total = ? "
                "WHERE job = ? AND n = ? AND state IN ('preparing', 'committing')",
                (stage, done, total, item.job, item.n),
            )

    def prepared(self, item: WorkItem, prepared: Prepared) -> None:
        """Stage the prepared file for the app to store."""
        path = self._staged_path(item.job, item.n)
        _write_prepared(path, prepared)
        with self._transaction() as db:
            db.execute(
                "UPDATE files SET state = 'prepared', stage = 'waiting to be stored', "
                "stage_done = 0, stage_total = 1 WHERE job = ? AND n = ?",
                (item.job, item.n),
            )

    def finish(self, item: WorkItem, result: FileResult) -> None:
        """Record a file's result and delete its bytes and staged vectors."""
        with self._transaction() as db:
            self._finish(db, item.job, item.n, result)

    # -- the committer's side ----------------------------------------------------------------

    def claim_prepared(self) -> tuple[WorkItem, Prepared, bool] | None:
        """A prepared file to store, now marked 'committing' by this process, and whether it is
        taken again from a process that died committing it (which may have stored it already).
        """
        with self._transaction() as db:
            rows = db.execute(
                "SELECT f.job, f.n, f.state, f.holder FROM files f JOIN jobs j ON j.id = f.job "
                "WHERE f.state IN ('prepared', 'committing') ORDER BY j.created, f.n"
            ).fetchall()
            for job, n, state, holder in rows:
                if state == "committing" and _alive(holder):
                    continue
                db.execute(
                    "UPDATE files SET state = 'committing', holder = ?, stage = 'storing' "
                    "WHERE job = ? AND n = ?",
                    (os.getpid(), job, n),
                )
                item = self._item(db, job, n)
                try:
                    prepared = _read_prepared(self._staged_path(job, n))
                except (OSError, ValueError, KeyError):  # lost or damaged on disk
                    lost = "its prepared chunks were lost before they were stored; add it again"
                    self._finish(db, job, n, FileResult(item.name, "failed", lost))
                    continue
                return item, prepared, state == "committing"
            return None

    def release(self, item: WorkItem) -> None:
        """Give a file back to be committed later (the store could not be written just now)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE files SET state = 'prepared', holder = NULL WHERE job = ? AND n = ?",
                (item.job, item.n),
            )

    def unmeasured(self) -> list[tuple[str, JobSpec]]:
        """Finished jobs that indexed something and whose collection was not measured since."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE measured = 0 AND NOT EXISTS "
                "(SELECT 1 FROM files f WHERE f.job = jobs.id AND f.state != 'done')"
            ).fetchall()
            return [(row[0], _spec(row)) for row in rows]

    def measured(self, job: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE jobs SET measured = 1 WHERE id = ?", (job,))

    # -- internals ---------------------------------------------------------------------------

    def _finish(self, db: _Connection, job: str, n: int, result: FileResult) -> None:
        db.execute(
            "UPDATE files SET state = 'done', password = NULL, holder = NULL, stage = 'done', "
            "result = ? WHERE job = ? AND n = ?",
            (_result_json(result), job, n),
        )
        db.doomed += [self._upload_path(job, n), self._staged_path(job, n)]

    def _item(self, db: _Connection, job: str, n: int) -> WorkItem:
        name, password = db.execute(
            "SELECT name, password FROM files WHERE job = ? AND n = ?", (job, n)
        ).fetchone()
        row = db.execute("SELECT * FROM jobs WHERE id = ?", (job,)).fetchone()
        return WorkItem(job, n, name, password, _spec(row))

    def _view(self, db: _Connection, row: tuple) -> JobView:
        files = db.execute(
            "SELECT name, state, stage, stage_done, stage_total, result FROM files "
            "WHERE job = ? ORDER BY n",
            (row[0],),
        ).fetchall()
        return JobView(
            id=row[0],
            spec=_spec(row),
            created=row[7],
            files=tuple(
                FileState(name, state, stage, done, total, _result(result))
                for name, state, stage, done, total, result in files
            ),
        )

    def _upload_path(self, job: str, n: int) -> Path:
        return self._uploads / f"{job}-{n}"

    def _staged_path(self, job: str, n: int) -> Path:
        return self._staged / f"{job}-{n}.npz"

    def _connect(self) -> _Connection:
        db = sqlite3.connect(
            self.folder / "queue.sqlite", timeout=30, isolation_level=None, factory=_Connection
        )
        db.execute("PRAGMA journal_mode = WAL")  # readers never wait for the worker's writes
        return db

    @contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        """One short connection per step: safe across threads and processes."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()
        # Only once the step is committed: a process killed before then leaves the file in a
        # state the next one resumes from, and resuming needs these files.
        for path in db.doomed:
            path.unlink(missing_ok=True)


class _Connection(sqlite3.Connection):
    """A connection that collects the files its transaction makes obsolete."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.doomed: list[Path] = []


def _spec(row: tuple) -> JobSpec:
    return JobSpec(row[2], row[3], ChunkConfig(row[4], row[5]), bool(row[6]))


def _alive(pid: int | None) -> bool:
    if pid is None or pid == os.getpid():
        return pid is not None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _result_json(result: FileResult) -> str:
    return json.dumps(dataclasses.asdict(result), ensure_ascii=False)


def _result(text: str | None) -> FileResult | None:
    if text is None:
        return None
    fields = json.loads(text)
    fields["notes"] = tuple(fields["notes"])
    return FileResult(**fields)


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    with open(temp, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temp, path)


def _write_prepared(path: Path, prepared: Prepared) -> None:
    """Vectors as an array, everything else as JSON, in one .npz written atomically."""
    meta = {
        "document": dataclasses.asdict(prepared.document),
        "chunks": [dataclasses.asdict(chunk) for chunk in prepared.chunks],
        "result": dataclasses.asdict(prepared.result),
        "ocr_lines": prepared.ocr_lines,
        "thumbnails": sorted(prepared.thumbnails),
    }
    arrays = {
        f"thumbnail_{n}": np.frombuffer(data, np.uint8) for n, data in prepared.thumbnails.items()
    }
    temp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp.npz")
    np.savez(
        temp,
        vectors=np.asarray(prepared.vectors, dtype=np.float32),
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8),
        **arrays,
    )
    with open(temp, "rb") as file:
        os.fsync(file.fileno())
    os.replace(temp, path)


def _read_prepared(path: Path) -> Prepared:
    with np.load(path) as saved:
        meta = json.loads(saved["meta"].tobytes().decode())
        result = meta["result"]
        result["notes"] = tuple(result["notes"])
        return Prepared(
            document=Document(**meta["document"]),
            chunks=tuple(Chunk(**chunk) for chunk in meta["chunks"]),
            vectors=saved["vectors"],
            result=FileResult(**result),
            ocr_lines=meta["ocr_lines"],
            thumbnails={n: saved[f"thumbnail_{n}"].tobytes() for n in meta["thumbnails"]},
        )
