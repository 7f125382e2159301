"""Figures inside PDFs: the embedded images large enough to be figures, with page and caption."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from core.errors import IngestError
from core.pictures import DEFAULT_LIMITS, Picture, PictureLimits, picture_from
from core.text import clean_text, count_noun
from ingest import pdfium as pdfium_lock

# A caption starts with its label: "Figure 3:", "Fig. 2.", "图 2.", "圖3", "Abbildung 1".
CAPTION = re.compile(r"^\s*(?:Figure|Fig\.|FIGURE|Abbildung|Image|图|圖|插图)\s*\d+", re.MULTILINE)
CAPTION_BAND = 72.0  # points below (and half that above) a figure searched for its caption
MAX_CAPTION_CHARS = 300


@dataclass(frozen=True)
class Figure:
    page: int  # 1-based
    picture: Picture
    caption: str  # "" when no labelled caption was found near the figure
    sha256: str  # of the decoded pixels: the same image on many pages is one figure


@dataclass(frozen=True)
class Figures:
    figures: tuple[Figure, ...]
    notes: tuple[str, ...]


def extract_figures(
    data: bytes,
    label: str,
    *,
    password: str | None = None,
    limits: PictureLimits = DEFAULT_LIMITS,
    max_pages: int = 2000,
    on_page: Callable[[int, int], None] | None = None,
) -> Figures:
    """Every embedded image at least limits.min_figure_side pixels on each side, in page order."""
    figures: list[Figure] = []
    seen: set[str] = set()
    small = unreadable = repeated = left_out = 0
    try:
        with pdfium_lock.opened(data, password) as document:
            count = min(len(document), max_pages)
            for index in range(count):
                page = document[index]
                textpage = page.get_textpage()
                page_width = page.get_width()
                for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                    width, height = obj.get_px_size()
                    if min(width, height) < limits.min_figure_side:
                        small += 1
                        continue
                    if width * height > limits.max_pixels:
                        unreadable += 1
                        continue
                    if len(figures) >= limits.max_figures:
                        left_out += 1
                        continue
                    try:
                        image = obj.get_bitmap(render=False).to_pil()
                    except (pdfium.PdfiumError, ValueError, OSError):
                        unreadable += 1  # a filter PDFium cannot decode (JBIG2 without globals)
                        continue
                    sha = hashlib.sha256(image.tobytes()).hexdigest()
                    if sha in seen:
                        repeated += 1  # a logo on every page is one figure
                        continue
                    seen.add(sha)
                    try:
                        picture = picture_from(image, f"{label}, p. {index + 1}", limits)
                    except IngestError:
                        small += 1
                        continue
                    caption = _caption(textpage, obj.get_bounds(), page_width)
                    figures.append(Figure(index + 1, picture, caption, sha))
                if on_page:
                    on_page(index + 1, count)
    except pdfium_lock.PdfiumFailed as error:
        raise IngestError(f"{label}: figures could not be read ({error})") from error
    notes = []
    if small:
        notes.append(
            f"{count_noun(small, 'image')} under {limits.min_figure_side} pixels left out (icons)"
        )
    if repeated:
        notes.append(f"{count_noun(repeated, 'repeated image')} indexed once")
    if unreadable:
        notes.append(f"{count_noun(unreadable, 'image')} could not be decoded")
    if left_out:
        notes.append(
            f"{count_noun(left_out, 'more figure')} past the limit of {limits.max_figures} "
            "left out (EE_MAX_FIGURES)"
        )
    return Figures(tuple(figures), tuple(notes))


def _caption(
    textpage: pdfium.PdfTextPage, bounds: tuple[float, float, float, float], page_width: float
) -> str:
    """The labelled caption just below the figure, else just above it; "" when there is none."""
    left, bottom, right, top = bounds
    for band in ((bottom - CAPTION_BAND, bottom), (top, top + CAPTION_BAND / 2)):
        text = textpage.get_text_bounded(0, band[0], page_width, band[1])
        match = CAPTION.search(text.replace("\r", ""))
        if match:
            caption = clean_text(" ".join(text[match.start() :].split()))
            return caption[:MAX_CAPTION_CHARS]
    return ""
