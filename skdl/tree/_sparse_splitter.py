"""The best split of one sorted feature of a node (``splitter="best"``, in place).

Private numba kernels, scikit-learn's ``node_split_best`` scan of one drawn
feature: on sparse X, the sparse partitioner sorts the node's stored values
of the column and places the zeros as one block
(:func:`~._partitioner.sort_sparse_feature`); on dense X with NaN, the dense
partitioner sorts the values and puts the NaN block at one end
(:func:`~._partitioner.sort_dense_feature`). Then the criterion is reset and
updated at each candidate position, the positions visited as scikit-learn's
``next_p`` visits them (the zeros block is one run, crossed in one step; the
NaN block is never split inside). ``update`` adds the samples between
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
    POISSON,
    children_values,
    monotonic_ok,
    proxy_improvement,
    ranks_like_sklearn,
    sums_from_end,
    sums_targets,
    update,
)
from ._tree import FEATURE_THRESHOLD


@njit(cache=True, nogil=True, inline="always")
def scan_sorted_feature(values, samples, segment, y, y_enc, w, crit, wn, totals, buffers, leaf_limits, constraint):
    """Best proxy improvement, position and threshold over one sorted feature.

    ``values`` and ``samples`` as the partitioner's sort leaves them;
    ``segment = (start, end, scan_start, scan_end, end_negative,
    start_positive)``: the node is ``[start, end)``, its sorted values
    ``[scan_start, scan_end)`` (a zeros block ``[end_negative,
    start_positive)`` inside for sparse X; ``end_negative = start_positive
    = scan_start`` for dense X). The samples outside ``[scan_start,
    scan_end)`` are the node's NaN block, on the left child of every
    candidate when it comes first, on the right child when it comes last,
    where the candidate ``scan_end`` (every value left, the NaN right, a
    threshold of ``inf``) is scored too, as scikit-learn's two searches do.
    ``totals`` and ``buffers`` the in-place builder's
    (:func:`~._criterion.criterion_buffers`), ``leaf_limits =
    (min_samples_leaf, min_weight_leaf)``, ``constraint = (cst, lower,
    upper)`` the feature's monotonic constraint. Returns ``proxy, pos,
    threshold``; ``pos == -1`` when no position is admissible.
    """
    start, end, scan_start, scan_end, end_negative, start_positive = segment
    min_samples_leaf, min_weight_leaf = leaf_limits
    cst, lower, upper = constraint
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = buffers[0], buffers[1], buffers[2]
    threshold_gap = np.float32(FEATURE_THRESHOLD)
    best = -np.inf
    best_pos = -1
    best_threshold = 0.0
    if crit == ABSOLUTE_ERROR:
        ranks, sorted_y, rank_vals, rank_idx = buffers[3], buffers[4], buffers[9], buffers[10]
        values[end_negative:start_positive] = 0.0
        for k in range(y.shape[1]):
            ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx)
        best, best_pos = _scan_absolute_error_medians(
            values, y, w, samples, start, end, wn, leaf_limits, buffers[3:], True, constraint, (scan_start, scan_end)
        )
        if best_pos == scan_end:
            best_threshold = np.inf
        elif best_pos >= 0:
            best_threshold = values[best_pos - 1] / 2.0 + values[best_pos] / 2.0
        return best, best_pos, best_threshold
    squared = sums_targets(crit) and crit != POISSON
    n_out = y.shape[1]
    # criterion.reset()
    sum_left[:] = 0.0
    counts_left[:, :] = 0.0
    wl = 0.0
    pos = start
    p = scan_start
    while p < scan_end:
        # scikit-learn's sparse ``next_p``: the next position, the zeros
        # block crossed in one step, equal values (within the gap) skipped.
        # (Written out here: an inlined helper returning the two positions
        # costs more than the scan.)
        # A part (negative or positive, sorted) whose last value is within
        # the gap of p's is one run to its end: jump there (the steps would
        # all pass, their rounded comparisons being monotone).
        if p >= start_positive and values[scan_end - 1] <= values[p] + threshold_gap:
            p = scan_end - 1
        elif p < end_negative and values[end_negative - 1] <= values[p] + threshold_gap:
            p = end_negative - 1
        p_next = p + 1 if p + 1 != end_negative else start_positive
        while p_next < scan_end and values[p_next] <= values[p] + threshold_gap:
            p = p_next
            p_next = p + 1 if p + 1 != end_negative else start_positive
        p_prev = p
        p = p_next
        if p == end:
            continue
        # p == scan_end < end: the values left, the NaN block right
        if p - start < min_samples_leaf or end - p < min_samples_leaf:
            continue
        if squared:
            # criterion.update written out (the same additions in the same
            # order): an inlined call counts a reference of each of its
            # arrays, at every candidate (CONTRIBUTING.md, "Repetition that
            # stays")
            if p - pos <= end - p:
                for q in range(pos, p):
                    i = samples[q]
                    wi = w[i]
                    for k in range(n_out):
                        sum_left[k] += wi * y[i, k]
                    wl += wi
            else:
                wl = sums_from_end(y, w, samples, p, end, sum_total, wn, sum_left)
        else:
            wl = update(y, y_enc, w, samples, pos, p, end, crit, totals, wn, wl, (sum_left, counts_left, counts_right))
        pos = p
        wr = wn - wl
        if cst != 0:
            value_left, value_right = children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
            if not monotonic_ok(cst, lower, upper, value_left, value_right):
                continue
        if wl < min_weight_leaf or wr < min_weight_leaf:
            continue
        if squared:
            # the squared error's proxy_impurity_improvement, written out too
            proxy_left = 0.0
            proxy_right = 0.0
            for k in range(n_out):
                sl = sum_left[k]
                sr = sum_total[k] - sl
                proxy_left += sl * sl
                proxy_right += sr * sr
            proxy = proxy_left / wl + proxy_right / wr
        else:
            proxy = proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)[0]
        if proxy > best:
            best = proxy
            best_pos = p
            best_threshold = np.inf if p == scan_end else values[p_prev] / 2.0 + values[p] / 2.0
    return best, best_pos, best_threshold
