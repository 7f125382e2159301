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
