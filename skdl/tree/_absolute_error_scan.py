"""The exact split search over one feature for the absolute error.

Private numba kernels: scikit-learn's ``MAE`` criterion reset over the
node's samples in one feature's sorted order (its forward and backward
Fenwick-tree passes, :mod:`._criterion`), then its update and proxy at each
candidate position. Used by the exact splitter and, on small nodes, by the
histogram route.
"""

import numpy as np
from numba import njit

from ._criterion import absolute_errors_pass_medians, monotonic_ok
from ._tree import FEATURE_THRESHOLD


@njit(cache=True, nogil=True)
def _scan_absolute_error_medians(
    xrow, y, w, order, start, end, wn, leaf_limits, medians_state, aligned, constraint, scan_range
):
    """Best proxy improvement and position over one feature (absolute error).

    scikit-learn's ``MAE.reset`` over ``order[start:end]`` (its forward and
    backward passes, :func:`~._criterion.absolute_errors_pass`), then, at
    each candidate position, its ``update`` (the left weight, a running sum)
    and its ``proxy_impurity_improvement``,
    ``-wr * (right_err / (wr * n_outputs)) - wl * (left_err / (wl * n_outputs))``.
    ``leaf_limits = (min_samples_leaf, min_weight_leaf)``; ``medians_state``
    is :func:`~._criterion.criterion_buffers`'s absolute-error part
    (``buffers[3:]``), whose ``ranks`` must be the ranks of the samples in
    this order where targets tie (see :func:`~._criterion.ranks_like_sklearn`).
    Writes to ``medians`` the node's weighted medians as the backward pass
    ends on them (scikit-learn's node value when no split follows this
    reset). With ``aligned``, ``xrow`` holds the values in ``order``'s
    order (as a sort leaves them), else it is indexed by sample. With a
    monotonic constraint ``constraint = (cst, lower, upper)``, the passes
    also keep the medians of every prefix and suffix (in ``left_medians`` /
    ``right_medians``), which the constraint compares as
    :func:`~._exact_scan.scan_presorted` compares means. With
    ``scan_range = (scan_start, scan_end)``, ``scan_end >= 0``, only the
    positions in ``(scan_start, scan_end]`` are candidates: the node's NaN
    block (before ``scan_start`` or from ``scan_end`` on) is in the passes
    but never split inside; see :func:`~._sparse_splitter.scan_sorted_feature`.
    """
    min_samples_leaf, min_weight_leaf = leaf_limits
    ranks, sorted_y, left_err, right_err, tree_w, tree_wy, _, _, medians, left_medians, right_medians = medians_state
    cst, lower, upper = constraint
    scan_start, scan_end = scan_range
    n_out = y.shape[1]
    n = end - start
    ft = np.float32(FEATURE_THRESHOLD)
    left_err[start:end] = 0.0
    right_err[start:end] = 0.0
    for k in range(n_out):
        keep = cst != 0 and k == 0
        # the last prefix (the whole node) is no candidate's left child
        absolute_errors_pass_medians(
            order,
            start,
            end,
            True,
            n - 1,
            ranks[k],
            sorted_y[k],
            w,
            tree_w,
            tree_wy,
            left_err,
            left_medians if keep else left_medians[:0],
        )
        medians[k] = absolute_errors_pass_medians(
            order,
            start,
            end,
            False,
            n,
            ranks[k],
            sorted_y[k],
            w,
            tree_w,
            tree_wy,
            right_err,
            right_medians if keep else right_medians[:0],
        )
    wl = 0.0
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wl += w[i]
        if aligned:
            x_i = xrow[p]
            x_next = xrow[p + 1]
        else:
            x_i = xrow[i]
            x_next = xrow[order[p + 1]]
        if x_next <= x_i + ft:
            continue
        pos = p + 1
        if scan_end >= 0 and (pos <= scan_start or pos > scan_end):
            continue
        if pos - start < min_samples_leaf or end - pos < min_samples_leaf:
            continue
        wr = wn - wl
        if wl < min_weight_leaf or wr < min_weight_leaf or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        if cst != 0 and not monotonic_ok(cst, lower, upper, left_medians[pos - 1], right_medians[pos]):
            continue
        imp_left = (0.0 + left_err[pos - 1]) / (wl * n_out)
        imp_right = (0.0 + right_err[pos]) / (wr * n_out)
        proxy = -wr * imp_right - wl * imp_left
        if proxy > best:
            best = proxy
            best_pos = pos
    return best, best_pos


@njit(cache=True, nogil=True)
def _scan_absolute_error(
    xrow, y, w, order, start, end, wn, min_samples, min_weight, ranks, sorted_y, left_err, right_err, tree_w, tree_wy
):
    """:func:`_scan_absolute_error_medians` without the medians (the hist route).

    ``min_samples`` and ``min_weight`` are the leaf minimums.
    """
    # the rank scratch is unused by the scan, the prefix / suffix medians
    # kept only under a monotonic constraint
    unused = np.empty(0)
    fenwick = (ranks, sorted_y, left_err, right_err, tree_w, tree_wy)
    medians_state = fenwick + (unused, np.empty(0, dtype=np.int64), np.empty(y.shape[1]), unused, unused)
    no_constraint = (0, -np.inf, np.inf)
    limits = (min_samples, min_weight)
    return _scan_absolute_error_medians(
        xrow, y, w, order, start, end, wn, limits, medians_state, False, no_constraint, (-1, -1)
    )


@njit(cache=True, nogil=True)
def _node_ranks(y, w, samples, start, end, ranks, sorted_y):
    """Rank (by value, per output) of each node sample, for the absolute error."""
    m = end - start
    idx = samples[start:end]
    for k in range(y.shape[1]):
        vals = np.empty(m)
        for j in range(m):
            vals[j] = y[idx[j], k]
        order = np.argsort(vals, kind="mergesort")
        for r in range(m):
            ranks[k, idx[order[r]]] = r
            sorted_y[k, r] = vals[order[r]]
