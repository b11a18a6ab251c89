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

from ._criterion import (
    POISSON,
    class_impurity,
    counts_from_end,
    monotonic_ok,
    poisson_proxy,
    sums_from_end,
    sums_targets,
)
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
def _candidate_after(xrow, value_at, stop_at_tie, p, segment):
    """The candidate position after sorted position ``p``: ``p + 1``, or -1 (none), or -2 (a tie).

    A position is a candidate when the next value is more than
    ``FEATURE_THRESHOLD`` above (then -2 with ``stop_at_tie`` for two equal
    values) and each child keeps ``min_samples_leaf`` samples
    (``segment = (start, end, min_samples_leaf)``). The value at sorted
    position ``p`` is ``xrow[value_at[p]]``. (A helper returning the two
    values, branching on whether ``xrow`` is in sorted order, makes the scans
    twice as slow.)
    """
    start, end, min_samples_leaf = segment
    x_i = xrow[value_at[p]]
    x_next = xrow[value_at[p + 1]]
    if x_next <= x_i + np.float32(FEATURE_THRESHOLD):
        return -2 if stop_at_tie and x_next == x_i else -1
    cand = p + 1
    if cand - start < min_samples_leaf or end - cand < min_samples_leaf:
        return -1
    return cand


@njit(cache=True, nogil=True)
def scan_squared_error(xrow, order, value_at, stop_at_tie, y, w, poisson, start, end, wn, sum_total, sum_left, limits):
    """Best proxy improvement and position over one feature (squared error, Poisson).

    See :func:`scan_presorted`; ``poisson``: the Poisson deviance's proxy
    (:func:`~._criterion.poisson_proxy`) on the same sums.
    """
    min_samples_leaf, min_weight_leaf, cst, lower, upper = limits
    segment = (start, end, min_samples_leaf)
    n_out = y.shape[1]
    sum_left[:] = 0.0
    wl = 0.0
    pos = start
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wi = w[i]
        wl += wi
        for k in range(n_out):
            sum_left[k] += wi * y[i, k]
        cand = _candidate_after(xrow, value_at, stop_at_tie, p, segment)
        if cand == -2:
            return best, -2
        if cand < 0:
            continue
        if cand - pos > end - cand:
            wl = sums_from_end(y, w, order, cand, end, sum_total, wn, sum_left)
        pos = cand
        wr = wn - wl
        if wl < min_weight_leaf or wr < min_weight_leaf or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        if cst != 0 and not monotonic_ok(cst, lower, upper, sum_left[0] / wl, (sum_total[0] - sum_left[0]) / wr):
            continue
        if poisson:
            proxy = poisson_proxy(sum_left, sum_total, wl, wr)
        else:
            proxy_l = 0.0
            proxy_r = 0.0
            for k in range(n_out):
                sl = sum_left[k]
                sr = sum_total[k] - sl
                proxy_l += sl * sl
                proxy_r += sr * sr
            proxy = proxy_l / wl + proxy_r / wr
        if proxy > best:
            best = proxy
            best_pos = cand
    return best, best_pos


@njit(cache=True, nogil=True)
def scan_classification(xrow, order, value_at, stop_at_tie, y_enc, w, crit, start, end, wn, counts, limits):
    """Best proxy improvement and position over one feature (Gini / entropy).

    See :func:`scan_presorted`; ``counts = (counts_total, counts_left,
    counts_right)`` (a tuple: one call per scan), the constraint on the first
    class's proportion.
    """
    counts_total, counts_left, counts_right = counts
    min_samples_leaf, min_weight_leaf, cst, lower, upper = limits
    segment = (start, end, min_samples_leaf)
    n_out = y_enc.shape[1]
    counts_left[:, :] = 0.0
    wl = 0.0
    pos = start
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wi = w[i]
        wl += wi
        for k in range(n_out):
            counts_left[k, y_enc[i, k]] += wi
        cand = _candidate_after(xrow, value_at, stop_at_tie, p, segment)
        if cand == -2:
            return best, -2
        if cand < 0:
            continue
        if cand - pos > end - cand:
            wl = counts_from_end(y_enc, w, order, cand, end, counts_total, wn, counts_left)
        pos = cand
        wr = wn - wl
        if wl < min_weight_leaf or wr < min_weight_leaf or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        for k in range(n_out):
            for c in range(counts_left.shape[1]):
                counts_right[k, c] = counts_total[k, c] - counts_left[k, c]
        if cst != 0 and not monotonic_ok(cst, lower, upper, counts_left[0, 0] / wl, counts_right[0, 0] / wr):
            continue
        proxy = -wr * class_impurity(counts_right, wr, crit) - wl * class_impurity(counts_left, wl, crit)
        if proxy > best:
            best = proxy
            best_pos = cand
    return best, best_pos


@njit(cache=True, nogil=True, inline="always")
def scan_presorted(
    xrow, order, value_at, stop_at_tie, y, y_enc, w, crit, sum_total, counts_total, sum_left, counts_left,
    counts_right, start, end, wn, min_samples_leaf, min_weight_leaf, cst, lower, upper,
):  # fmt: skip
    """Best proxy improvement and position over one feature (sum and class criteria).

    The samples are added in ``order[start:end]`` (sorted by the feature;
    the node's weight ``wn``). The left child's sums (``sum_left``, or
    ``counts_left, counts_right``) take at each candidate position the value
    scikit-learn's ``Criterion.update`` gives them: the running sum, which
    is its forward update, or, when the jump from the previous update is
    longer than the rest of the node, the node totals (``sum_total``,
    ``counts_total``) minus the samples after the position, taken from the
    end. With ``stop_at_tie``, returns position -2 at the first two equal
    feature values (their order, and so the float sums, would differ from
    scikit-learn's sort). The value of ``order[p]`` is
    ``xrow[value_at[p]]``: ``value_at`` is ``order`` when ``xrow`` is
    indexed by sample, the positions ``0, 1, ...`` when it holds the values
    in ``order``'s order, as a sort leaves them. The proxy is scikit-learn's
    ``proxy_impurity_improvement``. With a monotonic constraint (``cst`` -1
    or 1), a position whose children values (the first output's means, the
    first class's proportions) are out of order or outside ``[lower,
    upper]`` is rejected. The arrays come one by one, not in tuples (see
    :func:`~._splitter.presorted_feature`).
    The sum and the class criteria scan in two loops: one loop branching
    on the criterion at each sample runs four times slower.
    """
    limits = (min_samples_leaf, min_weight_leaf, cst, lower, upper)
    if sums_targets(crit):
        return scan_squared_error(
            xrow, order, value_at, stop_at_tie, y, w, crit == POISSON, start, end, wn, sum_total, sum_left, limits
        )
    counts = (counts_total, counts_left, counts_right)
    return scan_classification(xrow, order, value_at, stop_at_tie, y_enc, w, crit, start, end, wn, counts, limits)


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
