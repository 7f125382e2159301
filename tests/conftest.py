"""Shared fixtures: the real bundled encoders, loaded once per test session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from core.retrieval.encoders import E5_SMALL, MINILM, Encoder, load_encoder  # noqa: E402


@pytest.fixture(scope="session")
def e5() -> Encoder:
    """multilingual-e5-small (bundled): the default model, English and Chinese."""
    return load_encoder(E5_SMALL)


@pytest.fixture(scope="session")
def minilm() -> Encoder:
    """all-MiniLM-L6-v2 (bundled): fast, English only."""
    return load_encoder(MINILM)


@pytest.fixture(scope="session")
def tiny_clip_folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny random CLIP saved to a folder, as a user's local CLIP would be (plumbing only)."""
    from tests.tiny_clip import build_tiny_clip

    return str(build_tiny_clip(tmp_path_factory.mktemp("tiny-clip")))


@pytest.fixture(scope="session")
def clip(tiny_clip_folder: str) -> Encoder:
    """The tiny CLIP loaded by folder name through load_encoder, exactly as the app loads one."""
    return load_encoder(tiny_clip_folder)
