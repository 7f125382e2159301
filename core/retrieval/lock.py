"""The write lock: threads of this process take turns, another process is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import StoreError


class WriteLock:
    """Re-entrant within this process; a lock file refuses other processes (Chroma is not
    process-safe). Without a path (a Chroma server serialises writes) only threads wait."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._threads = threading.RLock()
        self._file = FileLock(str(path), timeout=0, thread_local=False) if path else None

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for a write.

        The file lock, once taken, is kept until release(): each Chroma client caches index
        state, so two processes taking turns at writing could still corrupt it.
        """
        with self._threads:
            if self._file is not None and not self._file.is_locked:
                try:
                    self._file.acquire(timeout=0)
                except Timeout:
                    data_dir = self._path.parent if self._path else "the data folder"
                    raise StoreError(
                        f"Another process (the app, or another ingest) is writing to {data_dir}; "
                        "stop it and try again, or share the data through a Chroma server "
                        "(EE_CHROMA_HOST)."
                    ) from None
            yield

    @contextmanager
    def quiet(self) -> Iterator[bool]:
        """Yield whether no thread of this process is writing; writers wait for the block."""
        if not self._threads.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            self._threads.release()

    def owned(self) -> bool:
        """Whether this process holds the folder (no other process can write to it)."""
        return self._file is not None and self._file.is_locked

    def release(self) -> None:
        """Let other processes write again."""
        if self._file is not None and self._file.is_locked:
            self._file.release(force=True)
