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
    ocr: bool = True  # read pages without a text layer, and image files, by OCR
    # Generated answers: extractive (no model), an OpenAI-compatible endpoint, or a local model.
    llm_generator: str = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None  # endpoint: model name; local: GGUF file or model folder
    llm_api_key: str | None = field(default=None, repr=False)  # never shown, logged or printed
    llm_context: int = 8192  # context window assumed for an endpoint (tokens)
    llm_max_tokens: int = 512  # longest answer (tokens)
    llm_timeout: float = 120.0  # seconds for a whole answer
    map_max_points: int = 20_000  # bigger maps send a density plus a sample of points
    # Pictures for CLIP collections: larger images are refused before they are decoded
    # (decompression bombs); smaller ones are not worth indexing; PDF images under
    # min_figure_side are icons; a PDF gives at most max_figures figures.
    max_image_megapixels: int = 60
    min_image_side: int = 16
    min_figure_side: int = 64
    max_figures: int = 200
    # A shared password for every page (ui/auth.py); None: no gate. Never shown in a repr.
    app_password: str | None = field(default=None, repr=False)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def jobs_dir(self) -> Path:
        """The ingest queue: jobs, their uploaded files and staged results."""
        return self.data_dir / "jobs"

    @property
    def embedding_cache_path(self) -> Path:
        return self.data_dir / "embedding_cache.sqlite"

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
            ocr=_flag(env.get("EE_OCR"), defaults.ocr),
            llm_generator=env.get("EE_LLM_GENERATOR", defaults.llm_generator),
            llm_base_url=env.get("EE_LLM_BASE_URL") or None,
            llm_model=env.get("EE_LLM_MODEL") or None,
            llm_api_key=env.get("EE_LLM_API_KEY") or env.get("OPENAI_API_KEY") or None,
            llm_context=int(env.get("EE_LLM_CONTEXT", defaults.llm_context)),
            llm_max_tokens=int(env.get("EE_LLM_MAX_TOKENS", defaults.llm_max_tokens)),
            llm_timeout=float(env.get("EE_LLM_TIMEOUT", defaults.llm_timeout)),
            map_max_points=int(env.get("EE_MAP_MAX_POINTS", defaults.map_max_points)),
            max_image_megapixels=int(
                env.get("EE_MAX_IMAGE_MEGAPIXELS", defaults.max_image_megapixels)
            ),
            min_image_side=int(env.get("EE_MIN_IMAGE_SIDE", defaults.min_image_side)),
            min_figure_side=int(env.get("EE_MIN_FIGURE_SIDE", defaults.min_figure_side)),
            max_figures=int(env.get("EE_MAX_FIGURES", defaults.max_figures)),
            app_password=env.get("EE_APP_PASSWORD") or None,
        )


def _flag(value: str | None, default: bool) -> bool:
    """EE_OCR=0/false/no/off turns a feature off; 1/true/yes/on turns it on."""
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in ("0", "false", "no", "off"):
        return False
    if word in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"expected on or off (1/0, true/false), got {value!r}")
