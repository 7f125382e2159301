"""Plotly figures for the classic tab: analogies with arrows, word maps, polysemy."""

from __future__ import annotations

import html
import math
import textwrap

import numpy as np
import plotly.graph_objects as go

from core.classic.evaluation import ANALOGY_TARGET, AnalogyMap, PolysemyResult, WordMap


def _figure(height: int = 430) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.08},
    )
    fig.update_xaxes(showticklabels=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, zeroline=False, title=None)
    return fig


def _words_trace(
    points, labels, name, color, size=9, symbol="circle", hover=None, where="top center"
) -> go.Scatter:
    # Words come from documents: plotly renders some HTML in text and hover, so escape them.
    escaped = [html.escape(label) for label in labels]
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers+text",
        name=html.escape(name),
        text=escaped,
        textposition=where,
        textfont={"size": 11},
        marker={"size": size, "color": color, "symbol": symbol},
        hovertext=hover or escaped,
        hoverinfo="text",
    )


def _arrow(fig: go.Figure, start: np.ndarray, end: np.ndarray, color: str) -> None:
    fig.add_annotation(
        x=float(end[0]),
        y=float(end[1]),
        ax=float(start[0]),
        ay=float(start[1]),
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.3,
        arrowwidth=2,
        arrowcolor=color,
        standoff=6,
        startstandoff=6,
    )


def analogy_figure(result: AnalogyMap) -> go.Figure:
    fig = _figure()
    rows = {"inputs": [0, 1, 2], "target": [3], "results": list(range(4, len(result.labels)))}
    labels = np.array(result.labels, dtype=object)
    fig.add_trace(
        _words_trace(
            result.points[rows["inputs"]], list(labels[rows["inputs"]]), "a, b, c", "#1f77b4", 11
        )
    )
    fig.add_trace(
        _words_trace(
            result.points[rows["results"]], list(labels[rows["results"]]), "answers", "#ff7f0e", 10
        )
    )
    fig.add_trace(
        _words_trace(
            result.points[rows["target"]],
            [ANALOGY_TARGET],
            ANALOGY_TARGET,
            "#7f7f7f",
            12,
            "x",
            where="bottom center",
        )
    )
    # The offset b -> a, added at c, lands on the target; the best answer is nearest to it.
    _arrow(fig, result.point(result.b), result.point(result.a), "#1f77b4")
    _arrow(fig, result.point(result.c), result.point(result.results[0][0]), "#ff7f0e")
    return fig


def word_map_figure(result: WordMap) -> go.Figure:
    sizes = [6 + 3 * math.log10(count) for count in result.counts]
    hover = [f"{html.escape(w)} · {c:,}×" for w, c in zip(result.words, result.counts)]
    fig = _figure(560)
    fig.add_trace(_words_trace(result.points, result.words, "words", "#2ca02c", sizes, hover=hover))
    fig.update_layout(showlegend=False)
    return fig


def _wrapped(text: str, width: int = 70) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width) or [""])


def polysemy_figures(result: PolysemyResult) -> tuple[go.Figure, go.Figure]:
    static = _figure()
    static.add_trace(
        _words_trace(
            result.static_points[1:], result.static_labels[1:], "nearest words", "#7f7f7f", 8
        )
    )
    static.add_trace(
        _words_trace(
            result.static_points[:1],
            result.static_labels[:1],
            f"{result.word} (its one vector)",
            "#d62728",
            16,
            "star",
        )
    )
    contextual = _figure()
    for label, color in ((0, "#1f77b4"), (1, "#ff7f0e")):
        rows = np.flatnonzero(result.clusters == label)
        if len(rows):
            contextual.add_trace(
                go.Scatter(
                    x=result.contextual_points[rows, 0],
                    y=result.contextual_points[rows, 1],
                    mode="markers",
                    name=f"group {label + 1} ({len(rows)})",
                    marker={"size": 10, "color": color},
                    hovertext=[_wrapped(result.sentences[i]) for i in rows],
                    hoverinfo="text",
                )
            )
    return static, contextual
