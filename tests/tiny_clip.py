"""A tiny random CLIP, saved as a real one is and loaded through sentence-transformers.

No CLIP weights exist offline (shared/MODELS.md): this model tests the plumbing (shapes, storage,
search, the map), never retrieval quality: its rankings are meaningless.
"""

from __future__ import annotations

import json
from pathlib import Path

IMAGE_SIZE = 32
PROJECTION = 16  # the vectors' dimension


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's byte-level alphabet: every byte as one printable character."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(code) for code in codes), strict=True))


def build_tiny_clip(folder: Path, seed: int = 0) -> Path:
    """Save a random CLIPModel (2 layers, hidden 32, projection 16) and its processor to folder.

    The tokenizer is CLIP's byte-level BPE with no merges: every byte is a token, so any text,
    Chinese included, tokenizes without the real 49k vocabulary.
    """
    import torch
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        CLIPTokenizer,
    )

    folder.mkdir(parents=True, exist_ok=True)
    alphabet = list(_bytes_to_unicode().values())
    vocab = [*alphabet, *(char + "</w>" for char in alphabet), "<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    layers = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2}
    config = CLIPConfig(
        text_config={
            **layers,
            "num_attention_heads": 2,
            "vocab_size": len(vocab),
            "max_position_embeddings": 77,
            "bos_token_id": len(vocab) - 2,
            "eos_token_id": len(vocab) - 1,
            "pad_token_id": len(vocab) - 1,
        },
        vision_config={
            **layers,
            "num_attention_heads": 2,
            "image_size": IMAGE_SIZE,
            "patch_size": 8,
        },
        projection_dim=PROJECTION,
    )
    torch.manual_seed(seed)
    model = CLIPModel(config).eval()
    processor = CLIPProcessor(
        image_processor=CLIPImageProcessor(
            size={"shortest_edge": IMAGE_SIZE},
            crop_size={"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        ),
        tokenizer=tokenizer,
    )
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
