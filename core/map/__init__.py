"""The map: projections, clusters, neighbour checks and the figures that draw a collection."""
