"""A cited page as an image, with the passage's lines highlighted.

The passage's text (cleaned, unwrapped, headers dropped) is matched to the page's characters with
whitespace, line breaks and hyphens ignored, so the boxes PDFium gives for those characters can be
drawn. Pages read by OCR are matched line by line against the boxes OCR found.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from PIL import Image, ImageDraw

from core.errors import UserError
from ingest import images, pdfium

HIGHLIGHT = (255, 200, 0, 90)  # translucent amber: the text stays readable beneath it
OUTLINE = (230, 120, 0, 200)
_MIN_BLOCK = 8  # shorter chance matches between passage and page are ignored


class PageViewError(UserError):
    """The page cannot be shown (encrypted file, page out of range, damaged file)."""


@dataclass(frozen=True)
class PageView:
    image: Image.Image
    boxes: int  # highlighted line boxes drawn
    matched: float  # share of the passage's characters found on this page, 0-1


def page_view(
    data: bytes,
    page: int | None,
    passage: str,
    *,
    ocr_lines: Sequence[dict] = (),
    label: str = "file",
) -> PageView:
    """The page (1-based; None for an image file) with the passage's lines highlighted."""
    if page is None:
        image = images.load(data, label)
        return _ocr_view(image, passage, ocr_lines)
    try:
        with pdfium.opened(data) as document:
            if not 1 <= page <= len(document):
                raise PageViewError(f"{label}: has no page {page}")
            image, scale = pdfium.render(document, page - 1, dpi=110)
            if ocr_lines:
                return _ocr_view(image, passage, ocr_lines)
            chars = pdfium.page_chars(document, page - 1)
    except pdfium.PdfiumFailed as error:
        if "password" in str(error).lower():
            raise PageViewError(
                f"{label}: encrypted; its password is not kept, so its pages cannot be shown"
            ) from error
        raise PageViewError(f"{label}: the page cannot be shown ({error})") from error
    indices, matched = match_chars(chars.text, passage)
    rects = [chars.pixel_rect(box, scale) for box in line_boxes([chars.boxes[i] for i in indices])]
    return PageView(_draw(image, rects), len(rects), matched)


def _ocr_view(image: Image.Image, passage: str, lines: Sequence[dict]) -> PageView:
    """Highlight the OCR lines whose text is part of the passage."""
    target = _normal(passage)
    width, height = image.size
    rects, found = [], 0
    for line in lines:
        text = _normal(str(line.get("text", "")))
        if text and _contained(text, target):
            x0, y0, x1, y1 = (float(v) for v in line["box"])
            rects.append((x0 * width, y0 * height, x1 * width, y1 * height))
            found += len(text)
    return PageView(_draw(image, rects), len(rects), min(found / max(len(target), 1), 1.0))


def _contained(line: str, passage: str) -> bool:
    if line in passage:
        return True
    block = SequenceMatcher(None, line, passage, autojunk=False).find_longest_match()
    return block.size >= 0.8 * len(line)


def _normal(text: str) -> str:
    return "".join(char for char, _ in _normalised(text))


def _normalised(text: str) -> list[tuple[str, int]]:
    """(character, index in text) for every character that counts when matching.

    Whitespace, hyphens and PDFium's line-end marks are left out; ligatures expand (NFKC), case
    folds.
    """
    out = []
    for index, char in enumerate(text):
        if char.isspace() or char in "-\u00ad\u2010\u2011\x02\ufffe":
            continue
        for piece in unicodedata.normalize("NFKC", char).casefold():
            if not piece.isspace():
                out.append((piece, index))
    return out


def match_chars(page_text: str, passage: str) -> tuple[list[int], float]:
    """Indices of the page's characters that belong to the passage, and the share matched."""
    page = _normalised(page_text)
    target = _normal(passage)
    if not page or not target:
        return [], 0.0
    flat = "".join(char for char, _ in page)
    # Greedy: the longest run of the passage found on the page, preferably after the previous
    # one, then the next. Columns drawn row by row put a passage's lines out of order here.
    spans = []
    j = cursor = 0
    while j < len(target):
        size = min(_MIN_BLOCK, len(target))
        if j + size > len(target):
            break  # a tail shorter than a block only counts as part of the block before it
        piece = target[j : j + size]
        at = flat.find(piece, cursor)
        at = flat.find(piece) if at < 0 else at
        if at < 0:
            j += 1
            continue
        while j + size < len(target) and at + size < len(flat):
            if flat[at + size] != target[j + size]:
                break
            size += 1
        spans.append((at, size))
        cursor, j = at + size, j + size
    indices = sorted({page[i][1] for a, size in spans for i in range(a, a + size)})
    matched = sum(size for _, size in spans) / len(target)
    return indices, min(matched, 1.0)


Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


def line_boxes(boxes: Sequence[Box]) -> list[Box]:
    """Character boxes (in reading order) merged into one box per stretch of a line."""
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if right <= left and top <= bottom:
            continue  # PDFium gives generated characters (line breaks) empty boxes
        if lines:
            last = lines[-1]
            height = max(top - bottom, last[3] - last[1], 1.0)
            # Punctuation has small boxes: overlap is measured against the smaller box.
            smaller = max(min(top - bottom, last[3] - last[1]), 0.1)
            same_line = min(top, last[3]) - max(bottom, last[1]) > 0.4 * smaller
            if same_line and -height < left - last[2] < 2 * height:
                last[:] = [min(last[0], left), min(last[1], bottom), max(last[2], right),
                           max(last[3], top)]  # fmt: skip
                continue
        lines.append([left, bottom, right, top])
    return [(a, b, c, d) for a, b, c, d in lines]


def _draw(image: Image.Image, rects: list[tuple[float, float, float, float]]) -> Image.Image:
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in rects:
        draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), fill=HIGHLIGHT, outline=OUTLINE)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
