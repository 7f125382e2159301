"""Pure vector utilities shared by the encoders and the map."""

from __future__ import annotations

import numpy as np


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as a contiguous float32 (n, d) matrix; zero rows stay zero."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12))
