"""The CLIP lesson: images x captions similarity (the classic CLIP demo) and zero-shot labels."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from PIL.Image import Image

from core.errors import UserError
from core.retrieval.encoders import Encoder

PROMPT = "a photo of a {}"  # CLIP was trained on captions: a label reads better inside one
TEMPERATURE = 100.0  # CLIP's learned logit scale; softmax over labels uses it


@dataclass(frozen=True)
class ZeroShot:
    labels: tuple[str, ...]
    probabilities: np.ndarray  # (images, labels), each row sums to 1

    def best(self) -> list[tuple[str, float]]:
        """Each image's most likely label and its probability."""
        picks = self.probabilities.argmax(axis=1)
        return [(self.labels[j], float(self.probabilities[i, j])) for i, j in enumerate(picks)]


def _need_clip(encoder: Encoder) -> None:
    if not encoder.encodes_images:
        raise UserError(f"{encoder.name} reads text only: this lesson needs a CLIP model.")


def similarity(encoder: Encoder, images: Sequence[Image], captions: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every image (rows) with every caption (columns)."""
    _need_clip(encoder)
    captions = [caption.strip() for caption in captions if caption.strip()]
    if not images or not captions:
        raise UserError("Give at least one picture and one caption.")
    return encoder.encode_images(list(images)) @ encoder.encode_documents(captions).T


def zero_shot(
    encoder: Encoder, images: Sequence[Image], labels: Sequence[str], prompt: str = PROMPT
) -> ZeroShot:
    """Each image's probability over the labels: softmax of the scaled image-prompt cosines."""
    labels = tuple(dict.fromkeys(label.strip() for label in labels if label.strip()))
    if len(labels) < 2:
        raise UserError("Type at least two different labels, separated by commas.")
    if "{}" not in prompt:
        raise UserError("The prompt needs {} where the label goes, e.g. 'a photo of a {}'.")
    scores = similarity(encoder, images, [prompt.format(label) for label in labels])
    logits = TEMPERATURE * scores
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return ZeroShot(labels, exp / exp.sum(axis=1, keepdims=True))


def similarity_heatmap(
    matrix: np.ndarray, image_names: Sequence[str], captions: Sequence[str]
) -> go.Figure:
    """Images down, captions across, cosine in each cell; each row's best caption is outlined."""
    x = [html.escape(caption) for caption in captions]
    y = [html.escape(name) for name in image_names]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=x,
            y=y,
            text=np.round(matrix, 2),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
            colorscale="Viridis",
            colorbar={"title": "cosine"},
        )
    )
    for row, column in enumerate(matrix.argmax(axis=1)):
        fig.add_shape(
            type="rect",
            x0=column - 0.5,
            x1=column + 0.5,
            y0=row - 0.5,
            y1=row + 0.5,
            line={"color": "red", "width": 3},
        )
    fig.update_layout(height=120 + 60 * len(y), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_yaxes(autorange="reversed")
    return fig
