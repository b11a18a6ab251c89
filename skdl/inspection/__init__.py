"""Inspection tools for fitted neural networks.

The functions take a fitted skdl or skorch network (any torch module wrapped by
skorch) and data. Those that compute return NumPy arrays and draw nothing;
the ``plot_*`` functions draw with matplotlib, an optional dependency
(``pip install skdl[inspection]``), and return the figure.
"""

from ._activations import layer_activations, max_activating_inputs
from ._diagnostics import diagnose_fit
from ._embedding import hidden_embedding
from ._occlusion import occlusion_sensitivity
from ._plotting import (
    plot_activations,
    plot_embedding,
    plot_filters,
    plot_learning_curves,
    plot_occlusion,
)

__all__ = [
    "diagnose_fit",
    "hidden_embedding",
    "layer_activations",
    "max_activating_inputs",
    "occlusion_sensitivity",
    "plot_activations",
    "plot_embedding",
    "plot_filters",
    "plot_learning_curves",
    "plot_occlusion",
]
