"""The exact splitter's scans of one presorted feature, and its partitions.

Private numba kernels of :mod:`._splitter`: the walk over a feature's sorted
samples with scikit-learn's ``Criterion.update`` (the squared error and
Poisson's sums, the classes' weights), the test for tied values and the
sort in scikit-learn's order where there are, and the partitions of the
chosen split (scikit-learn's ``partition_samples_final`` of the node's
samples, the stable partition of every presorted row).
"""

import numpy as np
from numba import njit

from ._criterion import children_values, monotonic_ok, proxy_improvement, sums_targets
from ._sort import introsort_ties
from ._tree import FEATURE_THRESHOLD


@njit(cache=True, nogil=True)
def threshold_between(x_prev, x_next):
    """Midpoint of two consecutive float32 values, as scikit-learn computes it."""
    t = x_prev / 2.0 + x_next / 2.0
    if t == x_next or t == np.inf or t == -np.inf:
        t = x_prev
    return t


@njit(cache=True, nogil=True, inline="always")
def sorted_pair(xrow, order, aligned, p):
    """The feature values at sorted positions ``p`` and ``p + 1`` of ``order``.

    ``aligned``: ``xrow`` holds the values in ``order``'s order, as a sort
    leaves them; else it is indexed by sample.
    """
    if aligned:
        return xrow[p], xrow[p + 1]
    return xrow[order[p]], xrow[order[p + 1]]


@njit(cache=True, nogil=True)
def scan_presorted(
    xrow, order, aligned, stop_at_tie, y, y_enc, w, crit, start, end, wn, totals, left, leaf_limits, constraint
):
    """Best proxy improvement and position over one feature (sum and class criteria).

    The samples are added in ``order[start:end]`` (sorted by the feature).
    The left child's sums (``left = (sum_left, counts_left,
    counts_right)``) take at each candidate position the value
    scikit-learn's ``Criterion.update`` gives them: the running sum, which
    is its forward update, or, when the jump from the previous update is
    longer than the rest of the node, the node totals (``totals``) minus the
    samples after the position, taken from the end. With ``stop_at_tie``,
    returns position -2 at the first two equal feature values (their order,
    and so the float sums, would differ from scikit-learn's sort). With
    ``aligned``, ``xrow`` holds the feature values in ``order`` (``xrow[p]``
    is the value of ``order[p]``), as the sort leaves them. The proxy is
    :func:`~._criterion.proxy_improvement`'s. ``leaf_limits =
    (min_samples_leaf, min_weight_leaf)``; with a monotonic constraint
    ``constraint = (cst, lower, upper)``, ``cst`` -1 or 1, a position whose
    children values (the first output's means, the first class's
    proportions) are out of order or outside ``[lower, upper]`` is rejected.
    """
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = left
    min_samples_leaf, min_weight_leaf = leaf_limits
    cst, lower, upper = constraint
    sums = sums_targets(crit)
    n_out = y.shape[1] if sums else y_enc.shape[1]
    ft = np.float32(FEATURE_THRESHOLD)
    sum_left[:] = 0.0
    counts_left[:, :] = 0.0
    wl = 0.0
    pos = start
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wi = w[i]
        wl += wi
        if sums:
            for k in range(n_out):
                sum_left[k] += wi * y[i, k]
        else:
            for k in range(n_out):
                counts_left[k, y_enc[i, k]] += wi
        x_i, x_next = sorted_pair(xrow, order, aligned, p)
        if x_next <= x_i + ft:
            if stop_at_tie and x_next == x_i:
                return best, -2
            continue
        cand = p + 1
        if cand - start < min_samples_leaf or end - cand < min_samples_leaf:
            continue
        if cand - pos > end - cand:
            sum_left[:] = sum_total
            counts_left[:, :] = counts_total
            wl = wn
            for q in range(end - 1, cand - 1, -1):
                j = order[q]
                for k in range(n_out):
                    if sums:
                        sum_left[k] -= w[j] * y[j, k]
                    else:
                        counts_left[k, y_enc[j, k]] -= w[j]
                wl -= w[j]
        pos = cand
        wr = wn - wl
        if wl < min_weight_leaf or wr < min_weight_leaf or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        if not sums:
            for k in range(n_out):
                for c in range(counts_left.shape[1]):
                    counts_right[k, c] = counts_total[k, c] - counts_left[k, c]
        if cst != 0:
            value_left, value_right = children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
            if not monotonic_ok(cst, lower, upper, value_left, value_right):
                continue
        proxy = proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)[0]
        if proxy > best:
            best = proxy
            best_pos = cand
    return best, best_pos


@njit(cache=True, nogil=True)
def has_ties(xrow, order, start, end):
    """Whether two samples of ``order[start:end]`` (sorted) have equal values."""
    for p in range(start, end - 1):
        if xrow[order[p + 1]] == xrow[order[p]]:
            return True
    return False


@njit(cache=True, nogil=True)
def sort_like_sklearn(xrow, order, samples, start, end, values, tied):
    """Sort ``samples[start:end]`` by one feature as scikit-learn's introsort does.

    From the segment's current order, as scikit-learn's splitter does; used
    when the node has tied values of the feature, whose order the sort
    decides. ``order`` is the presorted segment: the sort copies it where no
    tie is left to order (:func:`~._sort.introsort_ties`). Leaves the sorted
    feature values in ``values[start:end]``.
    """
    n_tied = 0
    for p in range(start, end - 1):
        x = xrow[order[p]]
        if xrow[order[p + 1]] == x and (n_tied == 0 or tied[n_tied - 1] != x):
            tied[n_tied] = x
            n_tied += 1
    for p in range(start, end):
        values[p] = xrow[samples[p]]
    introsort_ties(values, samples, start, end, order, xrow, tied, n_tied)


@njit(cache=True, nogil=True)
def partition_final(samples, goes_left, start, end):
    """scikit-learn's ``partition_samples_final``: the left samples first.

    ``goes_left[i]`` is ``x_i <= threshold`` for the node's samples.
    """
    p = start
    q = end
    while p < q:
        if goes_left[samples[p]]:
            p += 1
        else:
            q -= 1
            samples[p], samples[q] = samples[q], samples[p]


@njit(cache=True, nogil=True)
def partition_rows(sorted_idx, skip, start, end, goes_left, tmp):
    """Stable partition of every sorted row's segment into left then right."""
    for g in range(sorted_idx.shape[0]):
        if g == skip:
            continue
        row = sorted_idx[g]
        nl = start
        nr = 0
        for p in range(start, end):
            i = row[p]
            if goes_left[i]:
                row[nl] = i
                nl += 1
            else:
                tmp[nr] = i
                nr += 1
        for j in range(nr):
            row[nl + j] = tmp[j]
