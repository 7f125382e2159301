"""Reading order of a page's text runs: lines top to bottom, columns one after another.

PDFium reports text in content-stream order, and many PDFs draw two columns line by line across
both. So runs (boxes in PDF points, origin bottom-left) are grouped into bands of lines; bands
that share a vertical gutter form a block whose columns are read one at a time, recursively;
a table's (short first cells, rows across the gutter) is read row by row.
A page's first and last bands, when blank sets them apart or they are in small print, are its
header and footer, read on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from core.text import is_cjk

_MIN_GUTTER = 8.0  # points; wider than a space between words, narrower than a column gap
_MIN_COLUMN_WIDTH = 40.0  # points: a narrower "column" is bullets, numbers or labels
_MIN_COLUMN_SHARE = 0.1  # of the block's width
_GAP = 1.0  # of a line's height: a wider gap between two runs is a space (table cells)
_CELL_GAP = 2.0  # of a line's height: a wider gap is a space between Chinese characters too
_TOUCH = 0.3  # of a line's print size: a run reaching this far into a gutter only touches it
_THIN = 0.3  # of a line's print size: a thinner run (an underscore, a dash) makes no line
_BELOW = 4  # bands below a block's first whose gaps may be its gutter (_gaps_below())
_NESTED_FACING = 3  # lines with text on both sides of a gutter inside a column (_order)
_APART = 1.5  # line pitches of blank: a page's first or last band set this far apart is its frame
_SMALL_PRINT = 0.8  # of a page's median font size: smaller print at its top or foot is its frame
_CELL = 20  # characters (a Chinese one counts two): a column's lines are shorter in a table
_ROWS = 3 / 4  # of a table's bands start in its first column and reach across its gutter


@dataclass(frozen=True)
class Run:
    """A run of text on one line, with its box in PDF points (origin bottom-left)."""

    left: float
    bottom: float
    right: float
    top: float
    text: str
    size: float = 0.0  # the font size its characters are drawn at, 0 where unknown

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


def page_lines(runs: Sequence[Run]) -> list[str]:
    """The page's lines of text in reading order."""
    bands = _bands(list(runs))
    top, bottom = _frame(bands)
    body = bands[len(top) : len(bands) - len(bottom)]
    lines = [line for band in top for line in _band_lines(band)]
    lines += _read(body)
    lines += [line for band in bottom for line in _band_lines(band)]
    return [_line_text(line) for line in lines]


def _frame(bands: list[list[Run]]) -> tuple[list[list[Run]], list[list[Run]]]:
    """The page's first and last bands where blank sets them apart from its text or they are in
    small print: a running header or footer (a browser prints its date and title above, the
    page's address and count below), read as lines of their own and never as a line of the
    columns beneath."""
    if len(bands) < 3:
        return [], []
    tops = [max(run.top for run in band) for band in bands]
    bottoms = [min(run.bottom for run in band) for band in bands]
    pitch = median(above - below for above, below in zip(tops, tops[1:], strict=False))
    sizes = [_font_size(band) for band in bands]
    apart, small = _APART * pitch, _SMALL_PRINT * median(sizes)
    top = bands[:1] if bottoms[0] - tops[1] > apart or sizes[0] < small else []
    bottom = bands[-1:] if bottoms[-2] - tops[-1] > apart or sizes[-1] < small else []
    return top, bottom


def _font_size(band: list[Run]) -> float:
    """The largest font size in a band, or its tallest run's height where sizes are unknown."""
    return max((run.size for run in band if run.size > 1), default=0.0) or _print_size(band)


def _order(runs: list[Run], facing: int = 1) -> list[list[Run]]:
    """Lines (lists of runs, left to right) in reading order (facing: the lines a column block
    needs with text on both sides of its gutter)."""
    return _read(_bands(runs), facing) if runs else []


def _read(bands: list[list[Run]], facing: int = 1) -> list[list[Run]]:
    """Bands' lines in reading order (_order())."""
    lines: list[list[Run]] = []
    gaps = [_gaps(band) for band in bands]  # each band's, read once: blocks try many gutters
    i = 0
    while i < len(bands):
        gutter, end = _column_block(bands, gaps, i, facing)
        if gutter is None:
            lines.extend(_band_lines(bands[i]))
            i += 1
            continue
        middle = (gutter[0] + gutter[1]) / 2
        # A table's rows are read across: "Nebraska 1872 22nd of April."
        if _a_table(bands[i:end], gaps[i:end], middle):
            lines.extend(line for band in bands[i:end] for line in _band_lines(band))
            i = end
            continue
        block = [run for band in bands[i:end] for run in band]
        left = [run for run in block if (run.left + run.right) / 2 < middle]
        right = [run for run in block if (run.left + run.right) / 2 >= middle]
        # Within a column, justified lines stretch their word gaps as wide as a gutter, and two
        # lines' gaps can line up by chance: columns within it need more lines to be believed.
        lines.extend(_order(left, _NESTED_FACING))
        lines.extend(_order(right, _NESTED_FACING))
        i = end
    return lines


def _a_table(bands: list[list[Run]], gaps: list[list[tuple[float, float]]], middle: float) -> bool:
    """Whether a block of bands split at middle is a table of one line a cell, not columns of
    text: in most bands the first cell, up to its first gap, is shorter than a column's line
    (a name, a year, a label); most hold text on both sides of the gutter and start where the
    first column does. A cell wrapped over lines leaves the others blank beside it: such a
    table is read a column at a time, each cell whole. gaps: each band's (_gaps())."""
    cells = (_first_cell(band, own) for band, own in zip(bands, gaps, strict=True))
    widths = sorted(sum(2 if is_cjk(c) else 1 for c in cell) for cell in cells)
    if len(widths) < 3 or widths[len(widths) // 2] >= _CELL:
        return False
    starts = [min(run.left for run in band) for band in bands]
    first, line = median(starts), median(_print_size(band) for band in bands)
    rows = sum(
        abs(start - first) < line and start < middle < max(run.right for run in band)
        for start, band in zip(starts, bands, strict=True)
    )
    return rows >= _ROWS * len(bands)


def _first_cell(band: list[Run], gaps: list[tuple[float, float]]) -> str:
    """A band's text up to its first gap as wide as a gutter (gaps: the band's _gaps())."""
    end = gaps[0][0] if gaps else max(run.right for run in band)
    return _line_text(sorted((run for run in band if run.right <= end), key=lambda r: r.left))


def _bands(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into horizontal bands whose vertical extents overlap, top band first."""
    bands: list[list[Run]] = []
    low = high = 0.0
    for run in sorted(runs, key=lambda r: -r.top):
        height = max(run.top - run.bottom, 1.0)
        # Overlap by more than a third of the run's height: touching ascenders don't merge lines.
        # A thin run just below a band's descenders (an underscore) belongs to it too.
        thin = _THIN * (high - low)
        near = run.top - run.bottom < thin and run.top > low - thin
        if bands and (run.top - height / 3 > low or near) and run.bottom < high:
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


def _column_block(
    bands: list[list[Run]], gaps: list[list[tuple[float, float]]], start: int, facing: int
) -> tuple[tuple[float, float] | None, int]:
    """The gutter shared by bands start..end-1 (at least two), or (None, start + 1); gaps:
    each band's (_gaps())."""
    best: tuple[tuple[float, float] | None, int] = (None, start + 1)
    for gutter in (*gaps[start], *_gaps_below(bands, gaps, start), *_gaps_beside(bands, start)):
        low, high = gutter
        end = start + 1
        while end < len(bands) and (narrowed := _narrowed(bands[end], gaps[end], low, high)):
            low, high = narrowed
            end += 1
        if end >= best[1] and _both_sides(bands[start:end], low, high, facing):
            best = ((low, high), end)
    return best


def _gaps_below(
    bands: list[list[Run]], gaps: list[list[tuple[float, float]]], start: int
) -> list[tuple[float, float]]:
    """The gaps of the next few bands that a band does not cross: one column's first lines may
    stand above the other's, beside a heading's margin, and a heading's own gap is wider than
    the gutter."""
    below = (gap for own in gaps[start + 1 : start + 1 + _BELOW] for gap in own)
    first, own = bands[start], gaps[start]
    return [gutter for low, high in below if (gutter := _narrowed(first, own, low, high))]


def _gaps_beside(bands: list[list[Run]], start: int) -> list[tuple[float, float]]:
    """The gaps between a band and the next where their lines overlap in height: two columns
    whose lines stand half a line apart (a paragraph's extra space in one) share no band."""
    if start + 1 >= len(bands) or not _overlap(bands[start], bands[start + 1]):
        return []
    return _gaps(bands[start] + bands[start + 1])


def _overlap(upper: list[Run], lower: list[Run]) -> bool:
    return min(run.bottom for run in upper) < max(run.top for run in lower)


def _narrowed(
    band: list[Run], band_gaps: list[tuple[float, float]], low: float, high: float
) -> tuple[float, float] | None:
    """The gutter once a band (band_gaps: its _gaps()) is read beside it, or None where the
    band ends the block.

    A band on one side only keeps the gutter as it is; one with a gap across it narrows it
    (ragged lines end short of the gutter, each at its own place); a run across it where the
    band has no such gap ends the block.
    """
    across = [gap for gap in band_gaps if gap[0] < high and gap[1] > low]
    if across:
        low, high = max(low, across[0][0]), min(high, across[0][1])
    else:
        crossing = [run for run in band if run.left < high and run.right > low]
        # A run whose ink reaches a little into the gutter narrows it: justified lines start
        # and end glyph by glyph, each a point or two off the others (a serif f overhangs).
        touch = _TOUCH * _print_size(band)
        if any(run.left < high - touch and run.right > low + touch for run in crossing):
            return None
        for run in crossing:
            low, high = (run.right, high) if run.right <= low + touch else (low, run.left)
    return (low, high) if high - low >= _MIN_GUTTER / 2 else None


def _print_size(band: list[Run]) -> float:
    """Its tallest run: a line's extent would mix two columns' lines drawn a little apart."""
    return max(run.top - run.bottom for run in band)


def _both_sides(bands: list[list[Run]], low: float, high: float, facing: int) -> bool:
    """Whether text columns lie on both sides of the gutter, not bullets or numbers beside text.

    Bands on both sides, two or more on one, facing ones with text on both; each side at least
    _MIN_COLUMN_SHARE of the width. Bands, not lines: a browser draws each glyph on its own, and
    a comma's box sits lower than its neighbours'.
    """
    on_left = [any(run.right <= low for run in band) for band in bands]
    on_right = [any(run.left >= high for run in band) for band in bands]
    sides = (sum(on_left), sum(on_right))
    # Bands with text on both sides, and overlapping pairs with text on one each (_gaps_beside()).
    facing_bands = sum(map(min, on_left, on_right)) + sum(
        _overlap(upper, lower)
        for i, (upper, lower) in enumerate(zip(bands, bands[1:], strict=False))
        if (on_left[i], on_right[i]) in {(True, False), (False, True)}
        and (on_left[i + 1], on_right[i + 1]) == (on_right[i], on_left[i])
    )
    if min(sides) < 1 or max(sides) < 2 or facing_bands < facing:
        return False
    runs = [run for band in bands for run in band]
    left = [run for run in runs if run.right <= low]
    right = [run for run in runs if run.left >= high]
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
    # a dash) would hold no other run's middle, making a line of its own; a thin one holding
    # none (an underscore, below the descenders) joins the nearest line.
    for run in sorted(band, key=lambda r: r.bottom - r.top):
        holding = [line for line in lines if line[0].bottom < run.middle < line[0].top]
        if not holding and lines and run.top - run.bottom < _THIN * _print_size(lines[0]):
            holding = [min(lines, key=lambda line: abs(line[0].middle - run.middle))]
        if holding:
            holding[0].append(run)
        else:
            lines.append([run])
    lines.sort(key=lambda line: -line[0].middle)
    return [sorted(line, key=lambda r: r.left) for line in lines]


def _line_text(line: list[Run]) -> str:
    text = ""
    previous: Run | None = None
    spaced = False  # a run of spaces (PDFium's, or the file's own) since the last piece
    # Gaps are read against the line's tallest run: PDFium boxes a glyph by its ink.
    height = max(max(run.top - run.bottom for run in line), 1.0)
    for run in line:
        piece = run.text
        if not piece.strip():
            spaced = True
            continue
        if text and previous is not None and not text[-1].isspace() and not piece[0].isspace():
            # PDFium puts a run of spaces where it sees a word end, and splits runs at font
            # changes and, in browsers' PDFs, at every glyph: a narrower gap is a letter's own
            # blank ('1 1', 'Ea rly', '8月 1日'). No space goes between two Chinese characters
            # but a table's cells ('流派名稱 流派別名').
            gap = run.left - previous.right
            wide = gap > _GAP * height and (not is_cjk(piece[0]) or gap > _CELL_GAP * height)
            if wide or (spaced and not (is_cjk(text[-1]) and is_cjk(piece[0]))):
                text += " "
        text += piece
        previous = run
        spaced = False
    return text.strip()
