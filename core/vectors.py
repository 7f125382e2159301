"""Pure vector utilities shared by the encoders and the map."""

from __future__ import annotations

import numpy as np


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as a contiguous float32 (n, d) matrix; zero rows stay zero."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12))


def mean_pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's mean over its real tokens: hidden (n, tokens, d), mask (n, tokens) of 0/1."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
