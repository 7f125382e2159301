"""The original files, kept content-addressed in the data folder for page views and downloads.

A file is stored once however many collections hold it (data/originals/<sha256>), next to what
OCR read on its pages (<sha256>.ocr.json) and the thumbnails of its pictures
(<sha256>.thumbs/<figure number>.jpg), and removed when no collection holds it any more.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from core.files import write_atomically
from core.retrieval.store import Store

FOLDER = "originals"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Originals:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):  # the name is built from it: only a real hash
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.folder / sha256

    def _ocr_path(self, sha256: str) -> Path:
        return self.path(sha256).with_suffix(".ocr.json")

    def save(self, sha256: str, data: bytes, ocr: dict[str, Any] | None = None) -> None:
        """Keep the file (and what OCR read on its pages); a file already kept is left alone."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.path(sha256).exists():
            write_atomically(self.path(sha256), data)
        if ocr:
            write_atomically(self._ocr_path(sha256), json.dumps(ocr).encode("utf-8"))

    def _thumbs_dir(self, sha256: str) -> Path:
        return self.path(sha256).with_suffix(".thumbs")

    def save_thumbnails(self, sha256: str, thumbnails: dict[int, bytes]) -> None:
        """Keep the JPEG thumbnails of a document's pictures, by figure number."""
        folder = self._thumbs_dir(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        for figure, jpeg in thumbnails.items():
            write_atomically(folder / f"{int(figure)}.jpg", jpeg)

    def thumbnail(self, sha256: str, figure: int | None) -> bytes | None:
        """The JPEG thumbnail of a document's picture (Chunk.figure), or None when none was kept."""
        if figure is None:
            return None
        try:
            return (self._thumbs_dir(sha256) / f"{int(figure)}.jpg").read_bytes()
        except (OSError, ValueError):
            return None

    def load(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except (OSError, ValueError):
            return None

    def ocr(self, sha256: str) -> dict[str, Any]:
        """OCR's lines per page ("1", "2", ... or "" for an image file), or {} when none."""
        try:
            return json.loads(self._ocr_path(sha256).read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def size(self) -> int:
        """Bytes kept, all files together."""
        if not self.folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())

    def forget_unless_held(self, store: Store, sha256: str) -> bool:
        """Delete the kept file when no collection holds its document; True when deleted."""
        if any(store.document(info.name, sha256) for info in store.collections()):
            return False
        for path in (self.path(sha256), self._ocr_path(sha256)):
            path.unlink(missing_ok=True)
        shutil.rmtree(self._thumbs_dir(sha256), ignore_errors=True)
        return True


def delete_document(store: Store, originals: Originals, collection: str, sha256: str) -> None:
    """Delete a document from a collection, and its original once no collection holds it."""
    with store.writing():
        store.delete_document(collection, sha256)
        originals.forget_unless_held(store, sha256)
