"""Clustering: :class:`KMeans`."""

from ._kmeans import KMeans

__all__ = ["KMeans"]
