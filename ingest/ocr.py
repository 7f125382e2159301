"""Offline OCR of page images (Chinese and English) with RapidOCR's bundled PP-OCR models."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

from ingest.layout import Run, page_lines
from ingest.respace import respaced

_LOCK = threading.Lock()
_LONG = 3  # a line's width over its height, for its slant to count (not a short label)
_SLANTED_LINES = 3  # lines needed to measure a page's slant
_STRAIGHT_DEGREES = 0.2  # a page slanted less is read as it is
_READ = 0.5  # a line read less surely than this is dropped (RapidOCR's own text_score)


@dataclass(frozen=True)
class OcrLine:
    """One line found on an image; box = left, top, right, bottom as fractions of the image."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    lines: tuple[OcrLine, ...]  # as the engine found them, each with its box
    size: tuple[int, int]  # the image's width and height in pixels

    @property
    def text(self) -> str:
        """The lines in reading order (columns one after another), one per line."""
        runs = [
            # Image rows grow downwards; Run wants PDF-style coordinates that grow upwards.
            Run(line.box[0], -line.box[3], line.box[2], -line.box[1], line.text)
            for line in self.lines
        ]
        return "\n".join(page_lines(_scaled(runs, self.size)))

    @property
    def confidence(self) -> float | None:
        """Mean confidence over the characters read, or None when nothing was read."""
        total = sum(len(line.text) for line in self.lines)
        if not total:
            return None
        return sum(line.confidence * len(line.text) for line in self.lines) / total


def _scaled(runs: list[Run], size: tuple[int, int]) -> list[Run]:
    """Fractions as points of an A4-sized page, so layout's gap thresholds mean the same."""
    longest = max(size[0], size[1], 1)
    kx, ky = 842.0 * size[0] / longest, 842.0 * size[1] / longest
    return [Run(r.left * kx, r.bottom * ky, r.right * kx, r.top * ky, r.text) for r in runs]


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR  # loads onnxruntime: only when OCR is needed

    engine = RapidOCR()
    # RapidOCR gives its loggers stderr handlers of their own at DEBUG: hand them back to the
    # application's logging (the command lines show library chatter only with --verbose).
    for name in ("RapidOCR", "OrtInferSession"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
    return engine


def read_image(image: Image.Image) -> OcrResult:
    """The text lines found on an image; an empty result when there is none."""
    rgb = np.asarray(image.convert("RGB"))
    width, height = image.size
    found = _read_lines(rgb)
    upright = _upright([np.asarray(points, dtype=float) for points, *_ in found], (width, height))
    lines = []
    for points, (_, text, score, *characters) in zip(upright, found, strict=True):
        xs, ys = points[:, 0].tolist(), points[:, 1].tolist()
        text = str(text)
        if characters and max(xs) - min(xs) > max(ys) - min(ys):  # a line across the page
            text = respaced(text, _steps(text, *characters[:2]))
        text = text.strip()
        if not text:
            continue
        box = (min(xs) / width, min(ys) / height, max(xs) / width, max(ys) / height)
        lines.append(OcrLine(text, box, float(score)))
    return OcrResult(tuple(lines), (width, height))


def _read_lines(rgb: np.ndarray) -> list:
    """The engine's lines of an image, each as (corners, text, score, *character boxes)."""
    with _LOCK:
        found, _elapsed = _engine()(rgb, return_word_box=True, text_score=0.0)
        found = found or []
        if any(score < _READ for _, _, score, *_ in found):
            # The angle classifier may turn an upright line upside down, which then reads as
            # nothing (one line in forty of a scanned speech): read the page again unturned.
            again, _elapsed = _engine()(rgb, return_word_box=True, text_score=0.0, use_cls=False)
            found = likelier_readings(found, again or [])
    return [line for line in found if line[2] >= _READ]


def likelier_readings(first: list, again: list) -> list:
    """Of two readings of one image's lines, each line's surer one; the first where the two
    found other lines."""
    same = len(first) == len(again) and all(
        np.allclose(a[0], b[0]) for a, b in zip(first, again, strict=True)
    )
    if not same:
        return first
    return [b if b[2] > a[2] else a for a, b in zip(first, again, strict=True)]


def _upright(boxes: list[np.ndarray], size: tuple[int, int]) -> list[np.ndarray]:
    """The lines' corner points turned about the image's centre by the median slant of their
    top edges: in a photo turned a degree, a two-column page's lines at one height stand a line
    apart at the other side, and the columns would be read line by line across both."""
    slants = [
        math.atan2(box[1, 1] - box[0, 1], box[1, 0] - box[0, 0])
        for box in boxes
        if len(box) == 4 and box[1, 0] - box[0, 0] > _LONG * abs(box[3, 1] - box[0, 1])
    ]
    if len(slants) < _SLANTED_LINES:
        return boxes
    angle = float(np.median(slants))
    if abs(angle) < math.radians(_STRAIGHT_DEGREES):
        return boxes
    centre = np.array(size, dtype=float) / 2
    cos, sin = math.cos(angle), math.sin(angle)
    turn = np.array([[cos, sin], [-sin, cos]])  # by -angle, in image coordinates
    return [(box - centre) @ turn.T + centre for box in boxes]


def _steps(text: str, boxes: Sequence, characters: Sequence[str]) -> list[float] | None:
    """For each character of a line's text, the distance of its box's middle from the previous
    character's over the line's median such distance (0 for spaces and the first); None when
    the engine's boxes and characters do not match the text."""
    if len(boxes) != len(characters) or "".join(characters) != text:
        return None
    read = [i for i, character in enumerate(characters) if character != " "]
    middles = [sum(float(corner[0]) for corner in boxes[i]) / len(boxes[i]) for i in read]
    distances = np.diff(middles)
    median = float(np.median(distances)) if len(distances) else 0.0
    if median <= 0:
        return None
    steps = [0.0] * len(characters)
    for i, distance in zip(read[1:], distances, strict=True):
        steps[i] = float(distance) / median
    return steps
