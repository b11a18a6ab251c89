"""The presorted splitter: the exact ("best") split search on dense X without NaN.

Private numba kernels that the tree builder (:mod:`._builder`) calls at
each node. The presorted splitter keeps, for every feature, the indices
of the training samples sorted by that feature (computed once per fit, or
passed in by an ensemble that refits on the same X). The samples of a node are
a segment ``[start, end)`` of every sorted row; after a split each row's
segment is partitioned stably into the left and the right child, so the rows
stay sorted and no node ever sorts again. Each node costs
``O(n_node * n_features)`` (plus ``log n_node`` for the absolute error).

The search follows scikit-learn's ``BestSplitter``: candidate positions lie
between two consecutive sorted values that differ by more than
``FEATURE_THRESHOLD``; a position is skipped if a child would have fewer than
``min_samples_leaf`` samples or less than ``min_weight_leaf`` weight; the
threshold is the midpoint of the two values; the proxy improvement is the same
expression.

Beyond the formulas, the float sums are scikit-learn's to the last bit: the
kernel also keeps scikit-learn's ``samples`` array (the node's samples in the
order its splitter leaves them) and adds samples in that order, sorting a
feature with scikit-learn's introsort (:mod:`._sort`) where its node values
have ties. Candidates that tie in exact arithmetic then break the same way,
and the tree is scikit-learn's bit for bit (see :func:`presorted_feature`). The absolute
error repeats scikit-learn's ``MAE`` criterion the same way: its Fenwick-tree
passes over each order its splitter resets it in (the node's, each feature's,
the partition's), see :mod:`._criterion`.
"""

import numpy as np
from numba import njit

from ._absolute_error_scan import _scan_absolute_error_medians
from ._criterion import ranks_like_sklearn
from ._exact_scan import (
    has_ties,
    partition_final,
    partition_rows,
    scan_presorted,
    sort_like_sklearn,
    threshold_between,
)
from ._tree import FEATURE_THRESHOLD


def presorted_rows(Xt, sorted_idx):
    """The presorted splitter's data: X transposed and its sorted rows, as the builder takes them.

    ``Xt`` float32 (n_features, n_samples_total); ``sorted_idx`` for each
    feature the indices of the positive-weight samples sorted by that
    feature, modified in place as the tree grows.
    """
    return np.ascontiguousarray(Xt, dtype=np.float32), np.ascontiguousarray(sorted_idx, dtype=np.int64)


def no_presorted_rows():
    """Empty :func:`presorted_rows`, for a tree grown by another splitter."""
    return presorted_rows(np.empty((0, 0), dtype=np.float32), np.empty((0, 0), dtype=np.int64))


@njit(cache=True, nogil=True)
def presorted_scratch(rows, n_total):
    """The splitter's scratch: ``goes_left`` (per sample of X), the partition's
    buffer, the tied values of a feature, and ``current``: which order
    ``samples[start:end]`` is in, as scikit-learn's sorts leave it (-1 the
    array itself, ``f >= 0`` the presorted row of feature ``f``, copied into
    ``samples`` only when needed), and the positions ``0, 1, ...`` at which
    a sort's values are read."""
    n = rows[1].shape[1]
    return (
        np.zeros(n_total if n > 0 else 0, dtype=np.bool_),
        np.empty(n, dtype=np.int64),
        np.empty(n, dtype=np.float32),
        np.full(1, -1, dtype=np.int64),
        np.arange(n),
    )


@njit(cache=True, nogil=True, inline="always")
def _constant_feature(sorted_idx, current, f, xrow, order, samples, start, end, values, tied, track):
    """Whether feature ``f`` is constant in the node (for the split search).

    scikit-learn sorted a constant feature all the same, which reorders
    values that are not all equal: with ``track`` the samples follow.
    """
    x_lo = xrow[order[start]]
    x_hi = xrow[order[end - 1]]
    if x_hi > x_lo + np.float32(FEATURE_THRESHOLD):
        return False
    if track and x_hi != x_lo:
        if has_ties(xrow, order, start, end):
            _sort_node(sorted_idx, current, xrow, order, samples, start, end, values, tied)
        else:
            current[0] = f
    return True


@njit(cache=True, nogil=True, inline="always")
def _feature_result(xrow, order, proxy, pos, start, end):
    """``constant, proxy, pos, threshold, missing_go_to_left`` of a scanned feature."""
    if pos < 0:
        return False, proxy, -1, 0.0, False
    threshold = threshold_between(np.float64(xrow[order[pos - 1]]), np.float64(xrow[order[pos]]))
    return False, proxy, pos, threshold, pos - start > end - pos


# The arrays go one by one into the per-feature kernels below, never in
# tuples: numba counts a reference of every array argument (every member of
# a tuple) at each call, inlined or not, and a node calls them per feature.
@njit(cache=True, nogil=True, inline="always")
def presorted_feature(
    Xt,
    sorted_idx,
    tied,
    current,
    positions,
    f,
    samples,
    values,
    y,
    y_enc,
    w,
    crit,
    sum_total,
    counts_total,
    sum_left,
    counts_left,
    counts_right,
    start,
    end,
    wn,
    min_samples_leaf,
    min_weight_leaf,
    track,
    cst,
    lower,
    upper,
):
    """scikit-learn's ``node_split_best`` on one drawn feature ``f``, over its presorted row.

    For the sum and class criteria (the absolute error:
    :func:`presorted_feature_absolute_error`), on the node
    ``samples[start:end]`` of weight ``wn``, the node totals ``sum_total,
    counts_total`` and the left child's ``sum_left, counts_left,
    counts_right`` (see :func:`~._exact_scan.scan_presorted`). With
    ``track`` (the sums are not exact, see :func:`~._builder.grow_tree`),
    the samples follow scikit-learn's sorts, and a feature with tied values
    in the node is sorted with its introsort and scanned in that order.
    ``cst, lower, upper``: the feature's monotonic constraint and the node's
    bounds. Returns ``constant, proxy, pos, threshold, missing_go_to_left``
    (``pos < 0``: no admissible split; NaN, absent from this X, go to the
    larger child).
    """
    order = sorted_idx[f]
    xrow = Xt[f]
    if _constant_feature(sorted_idx, current, f, xrow, order, samples, start, end, values, tied, track):
        return True, -np.inf, -1, 0.0, False
    proxy, pos = scan_presorted(
        xrow, order, order, track, y, y_enc, w, crit, sum_total, counts_total, sum_left, counts_left,
        counts_right, start, end, wn, min_samples_leaf, min_weight_leaf, cst, lower, upper,
    )  # fmt: skip
    if pos == -2:
        # tied values: sort and scan in scikit-learn's order
        _sort_node(sorted_idx, current, xrow, order, samples, start, end, values, tied)
        proxy, pos = scan_presorted(
            values, samples, positions, False, y, y_enc, w, crit, sum_total, counts_total, sum_left,
            counts_left, counts_right, start, end, wn, min_samples_leaf, min_weight_leaf, cst, lower, upper,
        )  # fmt: skip
    else:
        current[0] = f
    return _feature_result(xrow, order, proxy, pos, start, end)


@njit(cache=True, nogil=True, inline="always")
def presorted_feature_absolute_error(
    Xt, sorted_idx, tied, current, positions, f, samples, values, y, w, buffers, node, limits, constraint
):
    """:func:`presorted_feature` for the absolute error.

    ``buffers``: :func:`~._criterion.criterion_buffers`'s, ``node =
    (start, end, weighted_n, rerank)`` (``rerank``: tied targets, whose
    ranks follow each order), ``limits = (min_samples_leaf,
    min_weight_leaf, track)``, ``constraint = (cst, lower, upper)``. Its
    passes see every sample: a feature with tied values is sorted first.
    """
    start, end, wn, rerank = node
    min_samples_leaf, min_weight_leaf, track = limits
    leaf_limits = (min_samples_leaf, min_weight_leaf)
    order = sorted_idx[f]
    xrow = Xt[f]
    if _constant_feature(sorted_idx, current, f, xrow, order, samples, start, end, values, tied, track):
        return True, -np.inf, -1, 0.0, False
    aligned = track and has_ties(xrow, order, start, end)
    if aligned:
        _sort_node(sorted_idx, current, xrow, order, samples, start, end, values, tied)
        scan_values, scan_order = values, samples
    else:
        current[0] = f
        scan_values, scan_order = xrow, order
    if rerank:
        # tied targets: their ranks follow the order of this reset
        for k in range(y.shape[1]):
            ranks_like_sklearn(y, k, scan_order, start, end, buffers[3][k], buffers[4][k], buffers[9], buffers[10])
    proxy, pos = _scan_absolute_error_medians(
        scan_values, y, w, scan_order, start, end, wn, leaf_limits, buffers[3:], aligned, constraint, (-1, -1)
    )
    return _feature_result(xrow, order, proxy, pos, start, end)


@njit(cache=True, nogil=True, inline="always")
def _sort_node(sorted_idx, current, xrow, order, samples, start, end, values, tied):
    """scikit-learn's introsort of the node by one feature, from the order its samples are in."""
    if current[0] >= 0:
        samples[start:end] = sorted_idx[current[0], start:end]
    sort_like_sklearn(xrow, order, samples, start, end, values, tied)
    current[0] = -1


@njit(cache=True, nogil=True, inline="always")
def presorted_partition(rows, scratch, feature, samples, start, pos, end, track):
    """scikit-learn's ``partition_samples_final`` of the split of ``feature`` at ``pos``.

    Marks the left samples in ``goes_left`` (read again by
    :func:`presorted_split_rows`) and partitions ``samples[start:end]``,
    first put in the last sort's order.
    """
    sorted_idx = rows[1]
    goes_left, current = scratch[0], scratch[3]
    order = sorted_idx[feature]
    if track and current[0] >= 0:
        samples[start:end] = sorted_idx[current[0], start:end]
    for p in range(start, pos):
        goes_left[order[p]] = True
    for p in range(pos, end):
        goes_left[order[p]] = False
    partition_final(samples, goes_left, start, end)


@njit(cache=True, nogil=True, inline="always")
def presorted_split_rows(rows, scratch, feature, start, end):
    """After a split is kept: every other sorted row's segment, left then right (stable)."""
    goes_left, tmp = scratch[0], scratch[1]
    partition_rows(rows[1], feature, start, end, goes_left, tmp)
