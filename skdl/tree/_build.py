"""From validated arrays to a grown tree's arrays: one driver per splitter.

Each driver takes the estimator (for its splitter's own parameters), the
float32 X, the encoded targets, the weights, the criterion code and the
resolved stopping rules (``params``, see ``BaseDecisionTree._resolved_params``)
and returns the arrays :class:`~._tree.Tree` is built from. ``SPLITTERS`` maps
the ``splitter`` parameter to its driver.
"""

import numpy as np
from scipy.sparse import issparse

from .._device import resolve_device
from ._binning import bin_features
from ._builder import IN_PLACE_BEST, IN_PLACE_RANDOM, PRESORTED, grow_tree
from ._criterion import ABSOLUTE_ERROR, POISSON, REGRESSION_CRITERIA
from ._hist import grow_hist
from ._hist_torch import grow_hist_torch
from ._partitioner import dense_source, sparse_source
from ._splitter import no_presorted_rows, presorted_rows


def _sorted_indices(Xt, w):
    """Per feature, the indices of the positive-weight samples sorted by that feature."""
    active = np.flatnonzero(w > 0)
    if active.shape[0] == Xt.shape[1]:
        return np.argsort(Xt, axis=1, kind="stable")
    return active[np.argsort(Xt[:, active], axis=1, kind="stable")]


def _sums_are_exact(y_reg, w, crit):
    """Whether every weighted sum the criterion forms is an exact float64 integer.

    Then the order in which samples are added changes no number, and the
    exact splitter skips sorting tied values as scikit-learn does.
    """
    limit = 2.0**52
    if not np.array_equal(w, np.floor(w)) or w.sum() >= limit:
        return False
    if crit not in REGRESSION_CRITERIA.values():
        return True
    # the absolute error's medians and the Poisson deviance's logarithms are
    # no integer sums
    if crit in (ABSOLUTE_ERROR, POISSON) or not np.array_equal(y_reg, np.floor(y_reg)):
        return False
    return float(w @ np.abs(y_reg).sum(axis=1)) < limit and float(w @ (y_reg**2).sum(axis=1)) < limit


def _grow_best(tree, X, y_reg, y_enc, w, crit, K, params, presorted):
    if issparse(X) or params["has_missing"]:
        # scikit-learn's BestSparseSplitter (each node sorts a column's
        # stored values), or its dense BestSplitter where X has NaN: each
        # node sorts a feature's values with the NaN block at one end
        return _grow_in_place(X, y_reg, y_enc, w, crit, K, params, search_best=True)
    Xt = np.ascontiguousarray(X.T)
    if presorted is None:
        sorted_idx = _sorted_indices(Xt, w)
    else:
        # An ensemble's presorted rows over all samples: keep positive weights.
        sorted_idx = presorted[w[presorted] > 0].reshape(presorted.shape[0], -1)
    exact_sums = not params["sklearn_order"] or _sums_are_exact(y_reg, w, crit)
    rows = presorted_rows(Xt, sorted_idx)
    return _grow(PRESORTED, rows, dense_source(), y_reg, y_enc, w, crit, K, params, exact_sums)


def _rules(params):
    """The stopping rules, features per node and seed, in the order the tree growers take them."""
    names = ("max_depth", "min_samples_split", "min_samples_leaf", "min_weight_leaf", "min_impurity_decrease")
    return tuple(params[name] for name in names + ("max_features", "seed"))


def _grow(splitter, rows, source, y_reg, y_enc, w, crit, K, params, exact_sums):
    """The tree builder (:func:`~._builder.grow_tree`) with ``splitter`` plugged in."""
    capacity = _capacity(int(np.count_nonzero(w > 0)), params["max_depth"])
    rules = _rules(params)
    cst = params["monotonic_cst"]
    return grow_tree(
        splitter, rows, source, y_reg, y_enc, w, crit, K, rules, capacity, params["max_leaf_nodes"], exact_sums, cst
    )


def choose_hist_route(device, crit):
    """``"torch"`` (level-wise, for a GPU) or ``"numba"`` (depth-first, for the CPU).

    The absolute error has no histogram form (a median is not a sum): it
    runs the numba kernels on any device.
    """
    return "torch" if device.type != "cpu" and crit != ABSOLUTE_ERROR else "numba"


def _grow_hist(tree, X, y_reg, y_enc, w, crit, K, params, presorted):
    active = np.flatnonzero(w > 0)
    codes_t, edges = bin_features(X, tree.max_bins, params["seed"])
    device = resolve_device(tree.device)
    if choose_hist_route(device, crit) == "torch":
        if params["has_missing"]:
            raise ValueError(
                "Input X contains NaN. splitter='hist' on a CUDA device does not take missing values; "
                "use device='cpu', whose hist route splits on them."
            )
        return grow_hist_torch(codes_t.T, edges, active, y_reg, y_enc, w, crit, K, params, device)
    capacity = _capacity(active.shape[0], params["max_depth"])
    if params["max_leaf_nodes"] > 0:
        capacity = min(capacity, 2 * params["max_leaf_nodes"] - 1)
    return grow_hist(
        codes_t,
        edges,
        active.astype(np.int64),
        y_reg,
        y_enc,
        w,
        crit,
        K,
        params["max_depth"],
        params["min_samples_split"],
        params["min_samples_leaf"],
        params["min_weight_leaf"],
        params["min_impurity_decrease"],
        params["max_features"],
        params["seed"],
        capacity,
        _HIST_SMALL_NODE,
        params["max_leaf_nodes"],
    )


# Nodes with fewer samples than this search splits on code-sorted rows, not histograms.
_HIST_SMALL_NODE = 1024


def _capacity(n, max_depth):
    """Upper bound on the node count: a leaf holds >= 1 sample, depth bounds it too."""
    bound = 2 * max(n, 1) - 1
    if max_depth < 62:
        bound = min(bound, 2 ** (max_depth + 1) - 1)
    return bound


def _grow_random(tree, X, y_reg, y_enc, w, crit, K, params, presorted):
    return _grow_in_place(X, y_reg, y_enc, w, crit, K, params, search_best=False)


def _grow_in_place(X, y_reg, y_enc, w, crit, K, params, search_best):
    """scikit-learn's in-place splitters, on dense X or a CSC matrix."""
    source = sparse_source(X) if issparse(X) else dense_source(X)
    splitter = IN_PLACE_BEST if search_best else IN_PLACE_RANDOM
    return _grow(splitter, no_presorted_rows(), source, y_reg, y_enc, w, crit, K, params, False)


SPLITTERS = {"best": _grow_best, "random": _grow_random, "hist": _grow_hist}
