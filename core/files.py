"""Small file utilities shared by the caches and stores: where cached files go, and writing one
so that readers never see half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def default_cache() -> Path:
    """Where files made once per machine go (exported models, the parsed dictionary)."""
    return Path.home() / ".cache" / "embedding-explorer"


def fallback_cache() -> Path:
    """Where cached files go when the home folder cannot be written (a service account, a
    read-only container): the system's temporary folder."""
    return Path(tempfile.gettempdir()) / "embedding-explorer"


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none of it, even if the write is cut short."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
