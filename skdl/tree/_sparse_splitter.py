"""The best split of one feature of a node from a CSC column (``splitter="best"``, sparse X).

Private numba kernels, scikit-learn's ``BestSparseSplitter`` for one drawn
feature: the sparse partitioner sorts the node's stored values of the column
and places the zeros as one block (:func:`~._partitioner.sort_sparse_feature`),
then the criterion is reset and updated at each candidate position, the
positions visited as scikit-learn's sparse ``next_p`` visits them (the zeros
block is one run, crossed in one step). ``update`` adds the samples between
two candidates forward or takes the node totals less the samples after the
candidate, whichever side is shorter, exactly as scikit-learn, so a column
whose zeros fill most of the node costs about its stored values, and every
float sum is scikit-learn's.

The absolute error's reset is a pass over every sample of the node (its
Fenwick-tree medians), so for it the zeros block is written out and the
dense scan of :mod:`._absolute_error_scan` runs on the sorted values.
"""

import numpy as np
from numba import njit

from ._absolute_error_scan import _scan_absolute_error_medians
from ._criterion import (
    ABSOLUTE_ERROR,
    children_values,
    monotonic_ok,
    proxy_improvement,
    ranks_like_sklearn,
    update,
)
from ._tree import FEATURE_THRESHOLD


@njit(cache=True, nogil=True, inline="always")
def scan_sorted_sparse(values, samples, segment, y, y_enc, w, crit, wn, totals, buffers, leaf_limits, constraint):
    """Best proxy improvement, position and threshold over one sorted sparse feature.

    ``values`` and ``samples`` as :func:`~._partitioner.sort_sparse_feature`
    leaves them, ``segment = (start, end, end_negative, start_positive)``;
    ``totals`` and ``buffers`` the in-place builder's
    (:func:`~._random_splitter.grow_in_place`), ``leaf_limits =
    (min_samples_leaf, min_weight_leaf)``, ``constraint = (cst, lower,
    upper)`` the feature's monotonic constraint. Returns ``proxy, pos,
    threshold``; ``pos == -1`` when no position is admissible.
    """
    start, end, end_negative, start_positive = segment
    min_samples_leaf, min_weight_leaf = leaf_limits
    cst, lower, upper = constraint
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = buffers[0], buffers[1], buffers[2]
    threshold_gap = np.float32(FEATURE_THRESHOLD)
    best = -np.inf
    best_pos = -1
    best_threshold = 0.0
    if crit == ABSOLUTE_ERROR:
        ranks, sorted_y, left_err, right_err, tree_w, tree_wy, rank_vals, rank_idx, medians = buffers[3:12]
        values[end_negative:start_positive] = 0.0
        for k in range(y.shape[1]):
            ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx)
        best, best_pos = _scan_absolute_error_medians(
            values,
            y,
            w,
            samples,
            start,
            end,
            wn,
            min_samples_leaf,
            min_weight_leaf,
            ranks,
            sorted_y,
            left_err,
            right_err,
            tree_w,
            tree_wy,
            True,
            medians,
            cst,
            lower,
            upper,
            buffers[12],
            buffers[13],
        )
        if best_pos >= 0:
            best_threshold = values[best_pos - 1] / 2.0 + values[best_pos] / 2.0
        return best, best_pos, best_threshold
    # criterion.reset()
    sum_left[:] = 0.0
    counts_left[:, :] = 0.0
    wl = 0.0
    pos = start
    p = start
    while p < end:
        # scikit-learn's sparse ``next_p``: the next position, the zeros
        # block crossed in one step, equal values (within the gap) skipped.
        # (Written out here: an inlined helper returning the two positions
        # costs more than the scan.)
        # A part (negative or positive, sorted) whose last value is within
        # the gap of p's is one run to its end: jump there (the steps would
        # all pass, their rounded comparisons being monotone).
        if p >= start_positive and values[end - 1] <= values[p] + threshold_gap:
            p = end - 1
        elif p < end_negative and values[end_negative - 1] <= values[p] + threshold_gap:
            p = end_negative - 1
        p_next = p + 1 if p + 1 != end_negative else start_positive
        while p_next < end and values[p_next] <= values[p] + threshold_gap:
            p = p_next
            p_next = p + 1 if p + 1 != end_negative else start_positive
        p_prev = p
        p = p_next
        if p == end:
            continue
        if p - start < min_samples_leaf or end - p < min_samples_leaf:
            continue
        wl = update(y, y_enc, w, samples, pos, p, end, crit, totals, wn, wl, (sum_left, counts_left, counts_right))
        pos = p
        wr = wn - wl
        if cst != 0:
            value_left, value_right = children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
            if not monotonic_ok(cst, lower, upper, value_left, value_right):
                continue
        if wl < min_weight_leaf or wr < min_weight_leaf:
            continue
        proxy = proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)[0]
        if proxy > best:
            best = proxy
            best_pos = p
            best_threshold = values[p_prev] / 2.0 + values[p] / 2.0
    return best, best_pos, best_threshold
