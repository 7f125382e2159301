"""Settings read from the environment once, passed around as a frozen value."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "e5-small"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    chroma_host: str | None = None
    chroma_port: int = 8000
    model: str = DEFAULT_MODEL
    device: str = "auto"  # sentence-transformers models: auto (cuda when present), cpu, cuda
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    max_file_mb: int = 100
    max_pages: int = 2000
    # A shared password for every page (ui/auth.py); None: no gate. Never shown in a repr.
    app_password: str | None = field(default=None, repr=False)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Build settings from EE_* variables; unset ones keep their defaults."""
        defaults = cls()
        return cls(
            data_dir=Path(env.get("EE_DATA_DIR", str(defaults.data_dir))),
            chroma_host=env.get("EE_CHROMA_HOST") or None,
            chroma_port=int(env.get("EE_CHROMA_PORT", defaults.chroma_port)),
            model=env.get("EE_MODEL", defaults.model),
            device=env.get("EE_DEVICE", defaults.device),
            chunk_tokens=int(env.get("EE_CHUNK_TOKENS", defaults.chunk_tokens)),
            chunk_overlap=int(env.get("EE_CHUNK_OVERLAP", defaults.chunk_overlap)),
            max_file_mb=int(env.get("EE_MAX_FILE_MB", defaults.max_file_mb)),
            max_pages=int(env.get("EE_MAX_PAGES", defaults.max_pages)),
            app_password=env.get("EE_APP_PASSWORD") or None,
        )
