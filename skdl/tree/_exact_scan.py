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

from ._criterion import class_impurity, monotonic_ok, poisson_proxy
from ._sort import introsort_ties
from ._tree import FEATURE_THRESHOLD


@njit(cache=True, nogil=True)
def threshold_between(x_prev, x_next):
    """Midpoint of two consecutive float32 values, as scikit-learn computes it."""
    t = x_prev / 2.0 + x_next / 2.0
    if t == x_next or t == np.inf or t == -np.inf:
        t = x_prev
    return t


@njit(cache=True, nogil=True)
def scan_squared_error(
    xrow,
    y,
    w,
    order,
    start,
    end,
    sum_total,
    wn,
    msl,
    mwl,
    sum_left,
    stop_at_tie,
    aligned=False,
    poisson=False,
    cst=0,
    lower=-np.inf,
    upper=np.inf,
):
    """Best proxy improvement and position over one feature (squared error, Poisson).

    The samples are added in ``order[start:end]`` (sorted by the feature).
    ``sum_left`` takes at each candidate position the value scikit-learn's
    ``Criterion.update`` gives it: the running sum, which is its forward
    update, or, when the jump from the previous update is longer than the
    rest of the node, the node total minus the samples after the position,
    taken from the end. With ``stop_at_tie``, returns position -2 at the
    first two equal feature values (their order, and so the float sums,
    would differ from scikit-learn's sort). With ``aligned``, ``xrow`` holds
    the feature values in ``order`` (``xrow[p]`` is the value of
    ``order[p]``), as the sort leaves them. With ``poisson``, the proxy is
    the Poisson deviance's (:func:`~._criterion.poisson_proxy`) on the same
    sums. With a monotonic constraint ``cst`` (-1 or 1), a position whose
    children means are out of order or outside ``[lower, upper]`` is
    rejected.
    """
    n_out = y.shape[1]
    ft = np.float32(FEATURE_THRESHOLD)
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
        if aligned:
            x_i = xrow[p]
            x_next = xrow[p + 1]
        else:
            x_i = xrow[i]
            x_next = xrow[order[p + 1]]
        if x_next <= x_i + ft:
            if stop_at_tie and x_next == x_i:
                return best, -2
            continue
        cand = p + 1
        if cand - start < msl or end - cand < msl:
            continue
        if cand - pos > end - cand:
            sum_left[:] = sum_total
            wl = wn
            for q in range(end - 1, cand - 1, -1):
                j = order[q]
                for k in range(n_out):
                    sum_left[k] -= w[j] * y[j, k]
                wl -= w[j]
        pos = cand
        wr = wn - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
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
def scan_classification(
    xrow,
    y_enc,
    w,
    order,
    start,
    end,
    counts_total,
    wn,
    msl,
    mwl,
    crit,
    counts_left,
    counts_right,
    stop_at_tie,
    aligned=False,
    cst=0,
    lower=-np.inf,
    upper=np.inf,
):
    """Best proxy improvement and position over one feature (Gini / entropy).

    Same walk, updates and monotonic constraint (on the first class's
    proportion) as :func:`scan_squared_error`.
    """
    n_out = y_enc.shape[1]
    ft = np.float32(FEATURE_THRESHOLD)
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
        if aligned:
            x_i = xrow[p]
            x_next = xrow[p + 1]
        else:
            x_i = xrow[i]
            x_next = xrow[order[p + 1]]
        if x_next <= x_i + ft:
            if stop_at_tie and x_next == x_i:
                return best, -2
            continue
        cand = p + 1
        if cand - start < msl or end - cand < msl:
            continue
        if cand - pos > end - cand:
            counts_left[:, :] = counts_total
            wl = wn
            for q in range(end - 1, cand - 1, -1):
                j = order[q]
                for k in range(n_out):
                    counts_left[k, y_enc[j, k]] -= w[j]
                wl -= w[j]
        pos = cand
        wr = wn - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
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
