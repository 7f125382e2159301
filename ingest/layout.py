"""Reading order of a page's text runs: lines top to bottom, columns one after another.

PDFium reports text in content-stream order, and many PDFs draw two columns line by line across
both. So runs (boxes in PDF points, origin bottom-left) are grouped into bands of lines; bands
that share a vertical gutter form a block whose columns are read one at a time, recursively.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from core.text import is_cjk

_MIN_GUTTER = 8.0  # points; wider than a space between words, narrower than a column gap
_MIN_COLUMN_WIDTH = 40.0  # points: a narrower "column" is bullets, numbers or labels
_MIN_COLUMN_SHARE = 0.1  # of the block's width
_GAP = 0.25  # of the line's height: a wider gap between two runs is a space
_CJK_GAP = 1.0  # the same after a Chinese character or mark, whose em may be half blank


@dataclass(frozen=True)
class Run:
    """A run of text on one line, with its box in PDF points (origin bottom-left)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


def page_lines(runs: Sequence[Run]) -> list[str]:
    """The page's lines of text in reading order."""
    return [_line_text(line) for line in _order(list(runs))]


def _order(runs: list[Run]) -> list[list[Run]]:
    """Lines (lists of runs, left to right) in reading order."""
    if not runs:
        return []
    bands = _bands(runs)
    lines: list[list[Run]] = []
    i = 0
    while i < len(bands):
        gutter, end = _column_block(bands, i)
        if gutter is None:
            lines.extend(_band_lines(bands[i]))
            i += 1
            continue
        block = [run for band in bands[i:end] for run in band]
        middle = (gutter[0] + gutter[1]) / 2
        left = [run for run in block if (run.left + run.right) / 2 < middle]
        right = [run for run in block if (run.left + run.right) / 2 >= middle]
        lines.extend(_order(left))
        lines.extend(_order(right))
        i = end
    return lines


def _bands(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into horizontal bands whose vertical extents overlap, top band first."""
    bands: list[list[Run]] = []
    low = high = 0.0
    for run in sorted(runs, key=lambda r: -r.top):
        height = max(run.top - run.bottom, 1.0)
        # Overlap by more than a third of the run's height: touching ascenders don't merge lines.
        if bands and run.top - height / 3 > low and run.bottom < high:
            bands[-1].append(run)
            low = min(low, run.bottom)
        else:
            bands.append([run])
            low, high = run.bottom, run.top
    return bands


def _gaps(band: list[Run]) -> list[tuple[float, float]]:
    """Horizontal gaps between the runs of a band that are wide enough to be a gutter."""
    # Wider than a line is high, too (the band's median run, and the two runs beside the gap):
    # PDFium boxes a glyph by its ink, and a full-width comma (、，) leaves most of its em
    # blank, 8 points of 11-point text, and more before a digit, whose ink is smaller still.
    line = max(_MIN_GUTTER, median(run.top - run.bottom for run in band))
    gaps = []
    reach: Run | None = None  # the run reaching furthest right so far
    for run in sorted(band, key=lambda r: r.left):
        if reach is not None:
            needed = max(line, run.top - run.bottom, reach.top - reach.bottom)
            if run.left - reach.right >= needed:
                gaps.append((reach.right, run.left))
        if reach is None or run.right > reach.right:
            reach = run
    return gaps


def _column_block(bands: list[list[Run]], start: int) -> tuple[tuple[float, float] | None, int]:
    """The gutter shared by bands start..end-1 (at least two), or (None, start + 1)."""
    best: tuple[tuple[float, float] | None, int] = (None, start + 1)
    for gap in _gaps(bands[start]):
        low, high = gap
        end = start + 1
        while end < len(bands):
            # A band on one side only keeps the gutter as it is; one with a gap across it
            # narrows it (ragged lines end short of the gutter, each at its own place); a run
            # across it where the band has no such gap ends the block.
            narrowed = [g for g in _gaps(bands[end]) if g[0] < high and g[1] > low]
            if narrowed:
                low, high = max(low, narrowed[0][0]), min(high, narrowed[0][1])
            elif any(run.left < high and run.right > low for run in bands[end]):
                break
            if high - low < _MIN_GUTTER / 2:
                break
            end += 1
        if end >= best[1] and _both_sides(bands[start:end], low, high):
            best = ((low, high), end)
    return best


def _both_sides(bands: list[list[Run]], low: float, high: float) -> bool:
    """Whether text columns lie on both sides of the gutter, not bullets or numbers beside text.

    Lines on both sides, two or more on one; each side at least _MIN_COLUMN_SHARE of the width.
    """
    runs = [run for band in bands for run in band]
    left = [run for run in runs if run.right <= low]
    right = [run for run in runs if run.left >= high]
    if not left or not right:
        return False
    lines = ({round(run.middle) for run in left}, {round(run.middle) for run in right})
    if min(map(len, lines)) < 1 or max(map(len, lines)) < 2:
        return False
    total = max(run.right for run in runs) - min(run.left for run in runs)
    widths = (
        max(run.right for run in left) - min(run.left for run in left),
        max(run.right for run in right) - min(run.left for run in right),
    )
    return min(widths) >= max(_MIN_COLUMN_WIDTH, _MIN_COLUMN_SHARE * total)


def _band_lines(band: list[Run]) -> list[list[Run]]:
    """A band's runs as lines: usually one; runs stacked within a band each get their own."""
    lines: list[list[Run]] = []
    # The tallest runs first: PDFium boxes a glyph by its ink, and a thin one drawn alone (一,
    # a dash) would hold no other run's middle, making a line of its own.
    for run in sorted(band, key=lambda r: r.bottom - r.top):
        for line in lines:
            if line[0].bottom < run.middle < line[0].top:
                line.append(run)
                break
        else:
            lines.append([run])
    lines.sort(key=lambda line: -line[0].middle)
    return [sorted(line, key=lambda r: r.left) for line in lines]


def _line_text(line: list[Run]) -> str:
    text = ""
    previous: Run | None = None
    for run in line:
        piece = run.text
        if not piece.strip():
            continue
        if text and previous is not None and not text[-1].isspace() and not piece[0].isspace():
            # PDFium splits runs at font changes too: only a visible gap is a space. A digit or
            # a Latin letter after a Chinese character or mark sits in blank of its own (8月1日,
            # 9%、12%).
            height = max(run.top - run.bottom, 1.0)
            gap = (_CJK_GAP if is_cjk(text[-1]) else _GAP) * height
            if run.left - previous.right > gap and not is_cjk(piece[0]):
                text += " "
        text += piece
        previous = run
    return text.strip()
