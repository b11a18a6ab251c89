"""Split search of one feature of one node, for the histogram ("hist") route.

Private numba kernels of :mod:`._hist`. A large node scans its histogram of
the feature (:func:`_scan_histogram`), a small one its samples sorted by
code (:func:`_scan_sorted_row`); both try the node's NaN (the last code) on
the right of every bin edge, then on the left, and keep the better, as
scikit-learn's ``HistGradientBoosting`` splitter does. The proxy
improvements are scikit-learn's.
"""

import numpy as np
from numba import njit

from ._criterion import ABSOLUTE_ERROR, SQUARED_ERROR, class_impurity


@njit(cache=True, nogil=True)
def _single_bin(hist_f, n_bins_f, missing_bin):
    """True if all the node's samples fall in one bin of this feature (the NaN bin included)."""
    seen = 1 if hist_f[missing_bin, 0] > 0.0 else 0
    for b in range(n_bins_f):
        if hist_f[b, 0] > 0.0:
            seen += 1
            if seen > 1:
                return False
    return True


@njit(cache=True, nogil=True)
def _proxy(stats_left, stats_total, wl, wr, crit, n_out, K, cl, cr):
    """scikit-learn's proxy improvement from summed bin statistics."""
    if crit == SQUARED_ERROR:
        pl = 0.0
        pr = 0.0
        for k in range(n_out):
            sl = stats_left[2 + k]
            sr = stats_total[2 + k] - sl
            pl += sl * sl
            pr += sr * sr
        return pl / wl + pr / wr
    for k in range(n_out):
        for c in range(K):
            cl[k, c] = stats_left[2 + k * K + c]
            cr[k, c] = stats_total[2 + k * K + c] - cl[k, c]
    return -wr * class_impurity(cr, wr, crit) - wl * class_impurity(cl, wl, crit)


@njit(cache=True, nogil=True, inline="always")
def _children_allowed(nl, nr, wl, wr, msl, mwl):
    """The stopping rules of a candidate split; an empty child cannot split."""
    return nl >= msl and nr >= msl and wl >= mwl and wr >= mwl and wl > 0.0 and wr > 0.0


@njit(cache=True, nogil=True, inline="always")
def _candidate_proxy(left, nr, stats_total, msl, mwl, crit, n_out, K, cl, cr):
    """The proxy of the split whose left statistics are ``left``; -inf where the rules forbid it."""
    wl = left[1]
    wr = stats_total[1] - wl
    if not _children_allowed(left[0], nr, wl, wr, msl, mwl):
        return -np.inf
    return _proxy(left, stats_total, wl, wr, crit, n_out, K, cl, cr)


@njit(cache=True, nogil=True, inline="always")
def add_sample(stats, i, y, y_enc, w, crit, n_out, K):
    """Add sample ``i`` to the statistics (count, weight, weighted targets or class weights)."""
    stats[0] += 1.0
    stats[1] += w[i]
    if crit <= ABSOLUTE_ERROR:
        for k in range(n_out):
            stats[2 + k] += w[i] * y[i, k]
    else:
        for k in range(n_out):
            stats[2 + k * K + y_enc[i, k]] += w[i]


@njit(cache=True, nogil=True)
def node_totals(y, y_enc, w, samples, start, end, crit, n_out, K, out):
    """out = the statistics of ``samples[start:end]``."""
    out[:] = 0.0
    for p in range(start, end):
        add_sample(out, samples[p], y, y_enc, w, crit, n_out, K)


@njit(cache=True, nogil=True)
def _scan_histogram_pass(
    hist_f, n_bins_f, missing_bin, missing_left, stats_total, msl, mwl, crit, n_out, K, left, cl, cr
):
    """Best (proxy, bin) over the edges of one feature's histogram, NaN on one side.

    Left holds the bins up to the edge, plus the NaN bin when
    ``missing_left``; with NaN right, the last value's edge is the split of
    the values from the NaN.
    """
    if missing_left:
        left[:] = hist_f[missing_bin]
    else:
        left[:] = 0.0
    best = -np.inf
    best_bin = -1
    n_node = stats_total[0]
    for b in range(n_bins_f):
        for s in range(left.shape[0]):
            left[s] += hist_f[b, s]
        if hist_f[b, 0] == 0.0:
            continue
        nr = n_node - left[0]
        if nr <= 0.0:
            break
        proxy = _candidate_proxy(left, nr, stats_total, msl, mwl, crit, n_out, K, cl, cr)
        if proxy > best:
            best, best_bin = proxy, b
    return best, best_bin


@njit(cache=True, nogil=True)
def _scan_histogram(hist_f, n_bins_f, missing_bin, stats_total, msl, mwl, crit, n_out, K, left, cl, cr):
    """Best (proxy, bin, NaN go left) of one feature: NaN right, then (if any) NaN left."""
    rules = (stats_total, msl, mwl, crit, n_out, K, left, cl, cr)
    best, best_bin = _scan_histogram_pass(hist_f, n_bins_f, missing_bin, False, *rules)
    if hist_f[missing_bin, 0] == 0.0:
        return best, best_bin, False
    proxy, b = _scan_histogram_pass(hist_f, n_bins_f, missing_bin, True, *rules)
    if proxy > best:
        return proxy, b, True
    return best, best_bin, False


@njit(cache=True, nogil=True)
def _sort_rows(codes_t, samples, start, end, rows):
    """rows[f, start:end] = the segment's samples sorted (stably) by their code of f."""
    seg = samples[start:end]
    keys = np.empty(end - start, dtype=np.int64)
    for f in range(codes_t.shape[0]):
        for j in range(end - start):
            keys[j] = codes_t[f, seg[j]]
        order = np.argsort(keys, kind="mergesort")
        for j in range(end - start):
            rows[f, start + j] = seg[order[j]]


@njit(cache=True, nogil=True, inline="always")
def _is_edge(crow, row, p, stop, last_edge):
    """Whether a candidate edge follows position ``p``: the next code differs, or ``p`` is last and ``last_edge``."""
    if p + 1 < stop:
        return crow[row[p + 1]] != crow[row[p]]
    return last_edge


@njit(cache=True, nogil=True)
def _scan_sorted_scalar(crow, y, w, row, start, stop, n_node, left_init, last_edge, w_total, s_total, msl, mwl):
    """Best (proxy, bin) of a code-sorted row for one output of the squared error.

    Adds ``row[start:stop]`` (the values) to the left statistics
    ``left_init`` (count, weight, weighted sum: zero, or the node's NaN);
    a candidate edge follows each last sample of a code, the last one only
    when ``last_edge`` (the split of the values from the NaN).
    """
    best = -np.inf
    best_bin = -1
    n_left0, w_left, s_left = left_init
    for p in range(start, stop):
        i = row[p]
        wi = w[i]
        w_left += wi
        s_left += wi * y[i, 0]
        if not _is_edge(crow, row, p, stop, last_edge):
            continue
        nl = n_left0 + p + 1 - start
        w_right = w_total - w_left
        if _children_allowed(nl, n_node - nl, w_left, w_right, msl, mwl):
            proxy = s_left * s_left / w_left + (s_total - s_left) ** 2 / w_right
        else:
            proxy = -np.inf
        if proxy > best:
            best, best_bin = proxy, crow[i]
    return best, best_bin


@njit(cache=True, nogil=True)
def _scan_sorted_vector(crow, y, y_enc, w, row, start, stop, n_node, left_init, last_edge, rules, scratch):
    """:func:`_scan_sorted_scalar` for any criterion with a histogram form (vector statistics).

    ``rules`` is ``(stats_total, min_samples_leaf, min_weight_leaf, crit,
    n_out, K)``, ``scratch`` the buffers ``(left, counts_left, counts_right)``.
    """
    stats_total, msl, mwl, crit, n_out, K = rules
    left, cl, cr = scratch
    left[:] = left_init
    best = -np.inf
    best_bin = -1
    for p in range(start, stop):
        i = row[p]
        add_sample(left, i, y, y_enc, w, crit, n_out, K)
        if not _is_edge(crow, row, p, stop, last_edge):
            continue
        proxy = _candidate_proxy(left, n_node - left[0], stats_total, msl, mwl, crit, n_out, K, cl, cr)
        if proxy > best:
            best, best_bin = proxy, crow[i]
    return best, best_bin


@njit(cache=True, nogil=True)
def _scan_sorted_row(crow, missing_bin, y, y_enc, w, row, start, end, rules, scratch, missing):
    """Best (proxy, bin, NaN go left) of one feature of a small node, from its code-sorted row.

    ``rules`` and ``scratch`` as :func:`_scan_sorted_vector`. The NaN (the
    last code) sort last: the values are scanned with the NaN right, then,
    if the node has NaN, with them left (their statistics in ``missing``).
    """
    stats_total, msl, mwl, crit, n_out, K = rules
    stop = end
    while stop > start and crow[row[stop - 1]] == missing_bin:
        stop -= 1
    n_missing = end - stop
    n_node = end - start
    missing[:] = 0.0
    best = -np.inf
    best_bin = -1
    best_left = False
    for missing_left in (False, True):
        if missing_left and n_missing == 0:
            break
        if missing_left:
            node_totals(y, y_enc, w, row, stop, end, crit, n_out, K, missing)
        last_edge = n_missing > 0 and not missing_left
        if crit == SQUARED_ERROR and n_out == 1:  # the common case, with scalars only
            left_init = (np.int64(missing[0]), missing[1], missing[2])
            proxy, b = _scan_sorted_scalar(
                crow, y, w, row, start, stop, n_node, left_init, last_edge, stats_total[1], stats_total[2], msl, mwl
            )
        else:
            proxy, b = _scan_sorted_vector(
                crow, y, y_enc, w, row, start, stop, n_node, missing, last_edge, rules, scratch
            )
        if proxy > best:
            best, best_bin, best_left = proxy, b, missing_left
    return best, best_bin, best_left
