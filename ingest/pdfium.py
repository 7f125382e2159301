"""PDFium (pypdfium2) behind one lock: page text in reading order, page images, character boxes.

PDFium is not thread-safe, and Streamlit serves every user from threads of one process, so every
call into it holds _LOCK.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import pypdfium2 as pdfium
from PIL import Image

from ingest.layout import Run, page_lines

_LOCK = threading.RLock()
MAX_RENDER_SIDE = 2500  # pixels; a 20000-point page is rendered at this size, not at 300 dpi
RENDER_DPI = 200
_EDGE = 0.5  # points: a space's box is flat, on the baseline, which may be a rectangle's edge

# PDFium marks a hyphen it judged to be a line-end hyphenation with U+0002 (U+FFFE in some
# calls) and then leaves out the line break.
_SOFT_HYPHENS = ("\x02", "\ufffe")

Box = tuple[float, float, float, float]  # left, bottom, right, top, in PDF points


class PdfiumFailed(Exception):
    """PDFium could not open the file or read a page."""


@contextmanager
def opened(data: bytes, password: str | None = None) -> Iterator[pdfium.PdfDocument]:
    """The document open under the PDFium lock; PdfiumFailed if PDFium cannot open it."""
    with _LOCK:
        try:
            document = pdfium.PdfDocument(data, password=password or None)
        except pdfium.PdfiumError as error:
            raise PdfiumFailed(str(error)) from error
        try:
            yield document
        finally:
            document.close()


def page_text(document: pdfium.PdfDocument, index: int) -> str:
    """One page's text (0-based index), lines in reading order, separated by newlines."""
    try:
        textpage = document[index].get_textpage()
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        text, boxes = _characters(textpage)
        sizes = [pdfium.raw.FPDFText_GetFontSize(textpage.raw, i) for i in range(len(text))]
    except Exception as error:  # PDFium's errors, and an index a broken page tree lacks
        raise PdfiumFailed(_reason(error)) from error
    runs = [
        Run(*rect, "".join(text[i] for i in held), max((sizes[i] for i in held), default=0.0))
        for rect, held in zip(rects, rect_characters(rects, text, boxes), strict=True)
    ]
    return "\n".join(_soft_hyphen(line) for line in page_lines(runs))


def rect_texts(rects: Sequence[Box], text: str, boxes: Sequence[Box]) -> list[str]:
    """Each text rectangle's characters (rect_characters())."""
    return ["".join(text[i] for i in held) for held in rect_characters(rects, text, boxes)]


def rect_characters(rects: Sequence[Box], text: str, boxes: Sequence[Box]) -> list[list[int]]:
    """Each text rectangle's character indices (text and boxes: one per character index), those
    whose box's centre lies in it, each character read once. PDFium's own reading of a rectangle
    takes every character whose box touches it, and neighbours' boxes may overlap by a fraction
    of a point (其他情 and 他情形 for 其他情形). A space outside every rectangle (PDFium's
    generated spaces between runs) goes with the character before it; line breaks are left
    out."""
    held: list[list[int]] = [[] for _ in rects]
    last: int | None = None  # the rectangle of the character before
    for i, (char, box) in enumerate(zip(text, boxes, strict=True)):
        inside = None if char in "\r\n" else _rect_at(rects, box, last)
        if inside is not None:
            held[inside].append(i)
        elif char == " " and last is not None:
            held[last].append(i)
        last = inside
    return held


def _rect_at(rects: Sequence[Box], box: Box, near: int | None) -> int | None:
    """The index of the rectangle holding the box's centre (within _EDGE), trying near and the
    one after it first: a page's characters come mostly in the order of its rectangles."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    tried = () if near is None else (near, near + 1)
    for i in chain(tried, range(len(rects))):  # lazily: most characters are in the near ones
        if i < len(rects):
            left, bottom, right, top = rects[i]
            if left - _EDGE <= x <= right + _EDGE and bottom - _EDGE <= y <= top + _EDGE:
                return i
    return None


def _soft_hyphen(line: str) -> str:
    for mark in _SOFT_HYPHENS:
        # At the end of a line it is a real hyphen (unwrapping rejoins the word); inside a line
        # PDFium already joined the two halves of the word, so it goes.
        line = line[:-1] + "-" if line.endswith(mark) else line
        line = line.replace(mark, "")
    return line


def render_scale(width: float, height: float, dpi: int = RENDER_DPI) -> float:
    """Pixels per point: dpi, capped so the longer side stays within MAX_RENDER_SIDE pixels."""
    scale = dpi / 72
    longest = max(width, height, 1.0)
    return min(scale, MAX_RENDER_SIDE / longest)


def render(
    document: pdfium.PdfDocument, index: int, dpi: int = RENDER_DPI
) -> tuple[Image.Image, float]:
    """The page as an RGB image, and the scale it was rendered at (pixels per point)."""
    try:
        page = document[index]
        width, height = page.get_size()
        scale = render_scale(width, height, dpi)
        image = page.render(scale=scale).to_pil().convert("RGB")
    except Exception as error:  # PDFium's errors, and an index a broken page tree lacks
        raise PdfiumFailed(_reason(error)) from error
    return image, scale


@dataclass(frozen=True)
class PageChars:
    """Every character PDFium found on a page, with its box in PDF points."""

    text: str  # one entry per character index; PDFium's generated line breaks included
    boxes: tuple[Box, ...]
    page_box: Box  # the crop box
    rotation: int  # degrees clockwise the page is shown turned (its /Rotate)

    def pixel_rect(
        self, box: tuple[float, float, float, float], scale: float
    ) -> tuple[float, float, float, float]:
        """A box in points as (x0, y0, x1, y1) pixels of the page rendered at scale."""
        left, bottom, right, top = self.page_box
        width, height = right - left, top - bottom
        corners = []
        for x, y in ((box[0], box[1]), (box[2], box[3])):
            u, v = x - left, y - bottom  # v grows upwards
            corners.append(
                {
                    90: (v, u),
                    180: (width - u, v),
                    270: (height - v, width - u),
                }.get(self.rotation, (u, height - v))
            )
        (a, b), (c, d) = corners
        return (min(a, c) * scale, min(b, d) * scale, max(a, c) * scale, max(b, d) * scale)


def page_chars(document: pdfium.PdfDocument, index: int) -> PageChars:
    try:
        page = document[index]
        textpage = page.get_textpage()
        text, boxes = _characters(textpage)
        return PageChars(text, boxes, tuple(page.get_cropbox()), page.get_rotation() % 360)
    except Exception as error:  # PDFium's errors, and an index a broken page tree lacks
        raise PdfiumFailed(_reason(error)) from error


def _characters(textpage: pdfium.PdfTextPage) -> tuple[str, tuple[Box, ...]]:
    """The page's characters and their boxes, one per character index."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    boxes = tuple(textpage.get_charbox(i) for i in range(count))
    if len(text) != count:  # never seen, but the boxes would then not line up with the text
        text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
    return text, boxes


def _reason(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
