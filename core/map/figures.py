"""Plotly figures of the map (no Streamlit here): points by document, cluster or page.

Chunk text and file names are untrusted: Plotly renders a subset of HTML in hover text and
legend names, so everything from a chunk is HTML-escaped before it gets there.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Literal

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from core.records import Chunk

ColorBy = Literal["document", "cluster", "page"]

_PALETTE = qualitative.Plotly + qualitative.D3 + qualitative.Safe
_NOISE_COLOR = "#c8c8c8"
CITED = "cited in the answer"  # legend name of the ringed passages
CITED_COLOR = "#2ca02c"
_FADED = 0.2  # opacity of the points that are not hits while a query is shown
# Above a map's max_points: how many points are drawn over the density, and its resolution.
DEFAULT_SAMPLE_POINTS = 2_000
DEFAULT_BINS = 160
DENSE_HOVER_CHARS = 80  # snippet length of the sampled points' hover text
_DENSITY_SCALE = [[1 / 255, "#f0f0f0"], [0.5, "#bdbdbd"], [1.0, "#636363"]]


def default_hover_chars(n: int) -> int:
    """Snippet length for a map of n points: the hover text is most of the figure's bytes.

    Every redraw (each query) sends the whole figure: 100k points with 120-character
    snippets are ~27 MB, with none ~8 MB. Without a snippet the UI shows the chunk on click.
    """
    if n <= 20_000:
        return 120
    return 40 if n <= 50_000 else 0


def hover_texts(chunks: Sequence[Chunk], hover_chars: int | None = None) -> list[str]:
    """Escaped hover text per chunk: file, pages, the first hover_chars characters, wrapped."""
    limit = default_hover_chars(len(chunks)) if hover_chars is None else hover_chars
    return [_hover(chunk, limit) for chunk in chunks]


def map_figure(
    coords: np.ndarray,
    chunks: Sequence[Chunk],
    color_by: ColorBy = "document",
    labels: np.ndarray | Sequence[int] | None = None,
    cluster_names: Mapping[int, str | Sequence[str]] | None = None,
    query: np.ndarray | Sequence[float] | None = None,
    hits: Sequence[tuple[int, int]] | None = None,
    hover: Sequence[str] | None = None,
    hover_chars: int | None = None,
    max_groups: int = 20,
    query_label: str = "Query",
    max_points: int | None = None,
    sample_points: int = DEFAULT_SAMPLE_POINTS,
    bins: int = DEFAULT_BINS,
    selected: Sequence[int] = (),
    cited: Sequence[tuple[int, int]] = (),
) -> go.Figure:
    """The map: one trace per document/cluster (or a page colour scale), query and hits on top.

    customdata of every point is its row in coords/chunks, so a UI selection maps back to
    chunks. hits are (row, rank) pairs; pass hover (from hover_texts) to reuse it across redraws.
    cited are (row, citation number) pairs of the passages an answer cites: ringed on top.
    Above max_points the payload stays bounded: a 2D density of every point (bins across the
    wider axis; 3D maps have none) under a seeded sample of sample_points points, with the
    query, the hits and the selected rows always drawn on top.
    """
    points = np.asarray(coords, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] not in (2, 3):
        raise ValueError(f"coords must be (n, 2) or (n, 3), got {points.shape}")
    if len(points) != len(chunks):
        raise ValueError(f"{len(points)} coords but {len(chunks)} chunks")
    three_d = points.shape[1] == 3
    n = len(points)
    dense = max_points is not None and n > max_points
    drawn = sample_rows(n, sample_points) if dense else np.arange(n)
    selected_rows = np.unique(np.asarray(selected, dtype=np.int64))
    if len(selected_rows) and (selected_rows[0] < 0 or selected_rows[-1] >= n):
        raise ValueError("a selected row is outside the map")
    if hover is None:
        limit = hover_chars if hover_chars is not None else default_hover_chars(len(drawn))
        if dense and hover_chars is None:
            limit = min(limit, DENSE_HOVER_CHARS)
        if dense:  # hover text only for what is drawn: the rest never reaches the browser
            extra = [row for row, _ in [*(hits or ()), *cited]] + selected_rows.tolist()
            hover = {int(r): _hover(chunks[r], limit) for r in [*drawn.tolist(), *extra]}
        else:
            hover = hover_texts(chunks, limit)
    highlighting = query is not None or bool(hits)
    opacity = _FADED if highlighting else 0.8

    fig = go.Figure()
    if dense and not three_d:
        fig.add_trace(_density_trace(points, bins, 0.45 if highlighting else 0.8))
    if dense:
        opacity = _FADED if highlighting else 0.6
    sub_chunks = [chunks[row] for row in drawn] if dense else chunks
    if color_by == "page":
        _add_page_traces(fig, points, sub_chunks, drawn, hover, opacity)
    else:
        sub_labels = np.asarray(labels)[drawn] if dense and labels is not None else labels
        groups = _groups(sub_chunks, color_by, sub_labels, cluster_names, max_groups)
        for name, rows, color in groups:
            fig.add_trace(_scatter(points, drawn[rows], hover, name, color, opacity, three_d))
    if len(selected_rows):
        fig.add_trace(
            _scatter(
                points,
                selected_rows,
                hover,
                "selected",
                "#1f77b4",
                1.0,
                three_d,
                line={"width": 1.5, "color": "black"},
            )
        )
    # The query goes under the hits: a hit often sits right on it, and its rank must show.
    if query is not None:
        fig.add_trace(_query_trace(np.asarray(query, dtype=np.float32), query_label, three_d))
    if hits:
        fig.add_trace(_hits_trace(points, hits, hover, three_d))
    if cited:
        fig.add_trace(_cited_trace(points, cited, hover, three_d))
    _style(fig, three_d)
    return fig


def sample_rows(n: int, size: int, seed: int = 0) -> np.ndarray:
    """A seeded sample of size rows out of n, sorted; the same on every redraw."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _density_trace(points: np.ndarray, bins: int, opacity: float) -> go.Heatmap:
    """Log counts of every point in square bins, bins across the wider axis; empty bins clear."""
    low, high = points[:, :2].min(axis=0), points[:, :2].max(axis=0)
    size = float(max(high - low)) / bins or 1.0
    shape = np.maximum(np.ceil((high - low) / size).astype(int), 1)
    counts, _, _ = np.histogram2d(
        points[:, 0],
        points[:, 1],
        bins=[int(shape[0]), int(shape[1])],
        # max(): rounding must never leave the farthest point outside the last bin.
        range=[[low[i], max(low[i] + shape[i] * size, high[i])] for i in (0, 1)],
    )
    # Log scale (a few dense topics would otherwise wash out the rest), as levels 1-255 in one
    # byte per bin; 0 = empty, drawn transparent.
    logs = np.log1p(counts.T)
    levels = np.ceil(255 * logs / max(float(logs.max()), 1e-12)).astype(np.uint8)
    return go.Heatmap(
        z=levels,
        x0=float(low[0]) + size / 2,
        dx=size,
        y0=float(low[1]) + size / 2,
        dy=size,
        colorscale=[[0.0, "rgba(0,0,0,0)"], [0.5 / 255, "rgba(0,0,0,0)"], *_DENSITY_SCALE],
        zmin=0,
        zmax=255,
        showscale=False,
        hoverinfo="skip",
        opacity=opacity,
        name=f"density of all {len(points):,}",
        showlegend=True,
    )


def figure_size_bytes(fig: go.Figure) -> int:
    """Bytes of the figure's JSON, which is what the browser receives."""
    return len(fig.to_json().encode("utf-8"))


def _groups(
    chunks: Sequence[Chunk],
    color_by: str,
    labels: np.ndarray | Sequence[int] | None,
    cluster_names: Mapping[int, str | Sequence[str]] | None,
    max_groups: int,
) -> list[tuple[str, np.ndarray, str]]:
    """(legend name, rows, colour) per trace; small documents beyond max_groups share one."""
    if color_by == "cluster":
        if labels is None or len(labels) != len(chunks):
            raise ValueError("colouring by cluster needs one label per chunk")
        label_array = np.asarray(labels)
        groups = []
        for i, label in enumerate(sorted(set(label_array.tolist()), key=lambda x: (x == -1, x))):
            rows = np.flatnonzero(label_array == label)
            name = _cluster_legend(label, (cluster_names or {}).get(label))
            color = _NOISE_COLOR if label == -1 else _PALETTE[i % len(_PALETTE)]
            groups.append((name, rows, color))
        return groups
    if color_by != "document":
        raise ValueError(f"unknown color_by {color_by!r}")
    by_doc: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        by_doc.setdefault(chunk.doc_sha, []).append(row)
    ordered = sorted(by_doc.values(), key=len, reverse=True)
    shown, rest = ordered[:max_groups], ordered[max_groups:]
    groups = [
        (_legend_text(chunks[rows[0]].source), np.array(rows), _PALETTE[i % len(_PALETTE)])
        for i, rows in enumerate(shown)
    ]
    if rest:
        rows = np.array(sorted(row for group in rest for row in group))
        groups.append((f"{len(rest)} other documents", rows, _NOISE_COLOR))
    return groups


def _scatter(
    points: np.ndarray,
    rows: np.ndarray,
    hover: Sequence[str] | Mapping[int, str],
    name: str,
    color: str | np.ndarray,
    opacity: float,
    three_d: bool,
    **marker: object,
) -> go.Scattergl | go.Scatter3d:
    # float32 / int32 numpy arrays go to the browser as compact typed arrays.
    rows = np.asarray(rows, dtype=np.int32)
    common = {
        "x": points[rows, 0],
        "y": points[rows, 1],
        "mode": "markers",
        "name": name,
        "hovertext": [hover[row] for row in rows],
        "hoverinfo": "text",
        "customdata": rows,
        "marker": {"size": 3 if three_d else 5, "color": color, "opacity": opacity, **marker},
    }
    if three_d:
        return go.Scatter3d(z=points[rows, 2], **common)
    return go.Scattergl(**common)


def _add_page_traces(
    fig: go.Figure,
    points: np.ndarray,
    chunks: Sequence[Chunk],
    drawn: np.ndarray,
    hover: Sequence[str] | Mapping[int, str],
    opacity: float,
) -> None:
    """Page-coloured traces of the drawn rows; chunks[i] is the chunk of row drawn[i]."""
    three_d = points.shape[1] == 3
    paged = np.array([c.page_start is not None for c in chunks], dtype=bool)
    rows = np.flatnonzero(paged)
    if len(rows):
        pages = np.array([chunks[i].page_start for i in rows], dtype=np.int32)
        rows = drawn[rows]
        colorbar = {"title": {"text": "page"}}
        fig.add_trace(
            _scatter(
                points,
                rows,
                hover,
                "pages",
                pages,
                opacity,
                three_d,
                colorscale="Viridis",
                showscale=True,
                colorbar=colorbar,
            )
        )
    rows = drawn[np.flatnonzero(~paged)]
    if len(rows):
        fig.add_trace(_scatter(points, rows, hover, "no pages", _NOISE_COLOR, opacity, three_d))


def _hits_trace(
    points: np.ndarray,
    hits: Sequence[tuple[int, int]],
    hover: Sequence[str] | Mapping[int, str],
    three_d: bool,
) -> go.Scattergl | go.Scatter3d:
    rows = np.array([row for row, _ in hits], dtype=np.int32)
    if len(rows) and (rows.min() < 0 or rows.max() >= len(points)):
        raise ValueError("a hit's row is outside the map")
    ranks = [str(rank) for _, rank in hits]
    trace = _scatter(
        points, rows, hover, "hits", "#d62728", 1.0, three_d, line={"width": 1, "color": "black"}
    )
    trace.update(
        mode="markers+text",
        text=ranks,
        textposition="top center",
        hovertext=[f"#{rank} · {hover[row]}" for row, rank in zip(rows, ranks, strict=True)],
    )
    trace.marker.size = 8 if three_d else 12
    return trace


def _cited_trace(
    points: np.ndarray,
    cited: Sequence[tuple[int, int]],
    hover: Sequence[str] | Mapping[int, str],
    three_d: bool,
) -> go.Scattergl | go.Scatter3d:
    """A ring around each cited passage, its citation number beside it."""
    rows = np.array([row for row, _ in cited], dtype=np.int32)
    if rows.min() < 0 or rows.max() >= len(points):
        raise ValueError("a cited row is outside the map")
    numbers = [f"[{n}]" for _, n in cited]
    trace = _scatter(points, rows, hover, CITED, CITED_COLOR, 1.0, three_d, symbol="circle-open")
    trace.update(
        mode="markers+text",
        text=numbers,
        textposition="bottom center",
        textfont={"color": CITED_COLOR},
        hovertext=[f"cited as {n} · {hover[row]}" for row, n in zip(rows, numbers, strict=True)],
    )
    # Wider than a hit's dot (12), so the hit and its rank still show inside the ring.
    trace.marker.size = 14 if three_d else 22
    trace.marker.line = {"width": 3, "color": CITED_COLOR}
    return trace


def _query_trace(query: np.ndarray, label: str, three_d: bool) -> go.Scattergl | go.Scatter3d:
    point = np.atleast_2d(query)[0]
    common = {
        "x": point[:1],
        "y": point[1:2],
        "mode": "markers",
        "name": "query",
        "hovertext": [f"<b>{_escape(label[:200])}</b>"],
        "hoverinfo": "text",
        "marker": {"color": "#ffd700", "line": {"width": 1.5, "color": "black"}},
    }
    if three_d:  # Scatter3d has no star symbol
        common["marker"].update(symbol="diamond", size=10)
        return go.Scatter3d(z=point[2:3], **common)
    common["marker"].update(symbol="star", size=20)
    return go.Scattergl(**common)


def _style(fig: go.Figure, three_d: bool) -> None:
    # Map axes have no units: hide ticks; 2D keeps equal aspect so distances look right.
    axis = {"showticklabels": False, "title": {"text": ""}, "zeroline": False}
    fig.update_layout(
        template="plotly_white",
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend={"itemsizing": "constant"},
        hovermode="closest",
    )
    if three_d:
        fig.update_layout(scene={"xaxis": axis, "yaxis": axis, "zaxis": axis})
    else:
        fig.update_xaxes(**axis)
        fig.update_yaxes(scaleanchor="x", scaleratio=1, **axis)


def _cluster_legend(label: int, name: str | Sequence[str] | None) -> str:
    if label == -1:
        return "noise"
    if name is None:
        return f"cluster {label}"
    text = name if isinstance(name, str) else f"{label}: {', '.join(name)}"
    return _legend_text(text)


def _legend_text(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return _escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _hover(chunk: Chunk, hover_chars: int) -> str:
    head = f"<b>{_escape(_shorten(chunk.source, 80))}</b>"
    if chunk.page_label:
        head += f" · {chunk.page_label}"
    if chunk.is_image:
        head += " · picture (select it to see it)"  # Plotly hover boxes cannot show images
    snippet = _shorten(chunk.text, hover_chars)
    if not snippet:
        return head
    # Escape each wrapped line, then join with <br>: the only markup is ours.
    return "<br>".join([head, *(_escape(line) for line in _wrap(snippet))])


def _shorten(text: str, limit: int) -> str:
    if limit <= 0:
        return ""
    text = " ".join(
        text[: limit * 2].split()
    )  # only the start matters; long chunks are slow  # newlines and tabs would break the hover box
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, columns: int = 64) -> list[str]:
    """Lines of at most ~columns display columns (CJK counts 2), broken at spaces when possible."""
    if len(text) <= columns // 2 or (text.isascii() and len(text) <= columns):
        return [text]
    lines: list[str] = []
    while text:
        # Column where each character ends; wide (CJK) characters take two.
        ends = list(accumulate(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))
        cut = next((i for i, end in enumerate(ends) if end > columns), len(text))
        if cut < len(text):
            space = text.rfind(" ", 0, cut + 1)
            if space > cut // 2:
                cut = space
        lines.append(text[:cut].strip())
        text = text[cut:].lstrip()
    return lines


def _escape(text: str) -> str:
    # quote=False: Plotly decodes &lt; &gt; &amp; but would show &quot; literally.
    return html.escape(text, quote=False)
