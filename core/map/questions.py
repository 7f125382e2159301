"""A question set drawn on a collection's map: each question placed by the fitted reducer,
found (its passage in the top k) or missed."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.map.atlas import CollectionMap
from core.map.projection import place


def questions_figure(
    atlas: CollectionMap,
    vectors: np.ndarray,
    found: Sequence[bool],
    labels: Sequence[str],
) -> go.Figure:
    """The collection map with the questions on top: found ones green, missed ones red."""
    figure = atlas.figure("document")
    for trace in figure.data:
        trace.marker.opacity = 0.35
    if len(vectors) == 0:
        return figure
    coords = place(atlas.projection, np.asarray(vectors, dtype=np.float32))
    three_d = coords.shape[1] == 3
    for hit, name, color, symbol in (
        (True, "found", "#2ca02c", "circle"),
        (False, "missed", "#d62728", "x"),
    ):
        rows = [i for i, ok in enumerate(found) if ok == hit]
        if not rows:
            continue
        common = {
            "x": coords[rows, 0],
            "y": coords[rows, 1],
            "mode": "markers",
            "name": f"questions {name}",
            "hovertext": [html.escape(labels[i][:200]) for i in rows],
            "hoverinfo": "text",
            "marker": {"color": color, "size": 11, "line": {"width": 1, "color": "black"}},
        }
        if three_d:
            figure.add_trace(go.Scatter3d(z=coords[rows, 2], **common))
        else:
            common["marker"]["symbol"] = symbol
            figure.add_trace(go.Scattergl(**common))
    return figure
