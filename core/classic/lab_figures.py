"""Plotly figures for the lab: heatmaps, labelled maps, recall against speed, 2-D vectors."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.classic.distances import ToyRow
from core.classic.indexes import IndexResult

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def _figure(height: int = 480) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def _plain_axes(fig: go.Figure) -> go.Figure:
    fig.update_xaxes(showticklabels=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, zeroline=False, title=None)
    return fig


def heatmap(labels: Sequence[str], matrix: np.ndarray, title: str) -> go.Figure:
    """A labelled square heatmap (log scale of 1 + value: co-occurrence counts are skewed)."""
    escaped = [html.escape(label) for label in labels]
    fig = _figure(520)
    fig.add_trace(
        go.Heatmap(
            z=np.log1p(matrix),
            x=escaped,
            y=escaped,
            customdata=matrix,
            hovertemplate="%{y} · %{x}: %{customdata:.2f}<extra></extra>",
            colorscale="Blues",
            colorbar={"title": "log(1+X)"},
        )
    )
    fig.update_layout(title=html.escape(title))
    fig.update_yaxes(autorange="reversed")
    return fig


def labelled_map(
    points: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[int | str] | None = None,
    sizes: Sequence[float] | None = None,
    show_text: bool = True,
    group_name: str = "group",
) -> go.Figure:
    """Points with their labels, one colour per group (community, category, model)."""
    fig = _figure(560)
    groups = list(groups) if groups is not None else [""] * len(labels)
    for number, group in enumerate(sorted(set(groups))):
        rows = [i for i, g in enumerate(groups) if g == group]
        text = [html.escape(labels[i]) for i in rows]
        fig.add_trace(
            go.Scatter(
                x=points[rows, 0],
                y=points[rows, 1],
                mode="markers+text" if show_text else "markers",
                text=text,
                textposition="top center",
                textfont={"size": 10},
                name=html.escape(f"{group_name} {group}" if group != "" else labels[0]),
                marker={
                    "size": [sizes[i] for i in rows] if sizes is not None else 9,
                    "color": PALETTE[number % len(PALETTE)],
                },
                hovertext=text,
                hoverinfo="text",
            )
        )
    fig.update_layout(showlegend=len(set(groups)) > 1)
    return _plain_axes(fig)


def alignment_map(points: np.ndarray, labels: Sequence[str], held_out: int) -> go.Figure:
    """Source words (circles) and their targets (diamonds), a line between each pair."""
    n = len(labels)
    fig = _figure(520)
    for i in range(n):
        fig.add_trace(
            go.Scatter(
                x=[points[i, 0], points[n + i, 0]],
                y=[points[i, 1], points[n + i, 1]],
                mode="lines",
                line={"color": "#d62728" if i < held_out else "#c7c7c7", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    escaped = [html.escape(label) for label in labels]
    for rows, name, symbol, color in (
        (slice(0, n), "model A", "circle", "#1f77b4"),
        (slice(n, 2 * n), "model B", "diamond", "#ff7f0e"),
    ):
        fig.add_trace(
            go.Scatter(
                x=points[rows, 0],
                y=points[rows, 1],
                mode="markers+text" if name == "model A" else "markers",
                text=escaped,
                textposition="top center",
                textfont={"size": 10},
                name=name,
                marker={"size": 8, "color": color, "symbol": symbol},
                hovertext=escaped,
                hoverinfo="text",
            )
        )
    return _plain_axes(fig)


def recall_speed(results: Sequence[IndexResult]) -> go.Figure:
    """Recall@k against query time, one point per index setting."""
    fig = _figure(440)
    kinds = list(dict.fromkeys(r.spec.kind for r in results))
    for number, kind in enumerate(kinds):
        rows = [r for r in results if r.spec.kind == kind]
        fig.add_trace(
            go.Scatter(
                x=[r.query_ms for r in rows],
                y=[r.recall for r in rows],
                mode="markers+text",
                text=[html.escape(r.spec.label) for r in rows],
                textposition="top center",
                textfont={"size": 9},
                name=kind,
                marker={"size": 11, "color": PALETTE[number % len(PALETTE)]},
            )
        )
    fig.update_xaxes(title="query time per query (ms, log scale)", type="log")
    fig.update_yaxes(title="Recall@k", range=[0, 1.05])
    return fig


def toy_vectors(rows: Sequence[ToyRow], query: np.ndarray, normalised: bool) -> go.Figure:
    """The query and the points as arrows from the origin, with the unit circle."""
    fig = _figure(460)
    angle = np.linspace(0, 2 * np.pi, 200)
    fig.add_trace(
        go.Scatter(
            x=np.cos(angle),
            y=np.sin(angle),
            mode="lines",
            line={"color": "#dddddd"},
            name="unit circle",
            hoverinfo="skip",
        )
    )
    vectors = [("query", np.asarray(query, float), "#d62728")]
    for number, row in enumerate(rows):
        vectors.append((row.label, np.array(row.vector), PALETTE[number % len(PALETTE)]))
    for label, vector, color in vectors:
        if normalised:
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        fig.add_trace(
            go.Scatter(
                x=[0, vector[0]],
                y=[0, vector[1]],
                mode="lines+markers+text",
                text=["", html.escape(label)],
                textposition="top center",
                line={"color": color, "width": 3},
                marker={"size": [0, 10], "color": color},
                name=html.escape(label),
            )
        )
    fig.update_yaxes(scaleanchor="x", scaleratio=1, zeroline=True)
    fig.update_xaxes(zeroline=True)
    return fig
