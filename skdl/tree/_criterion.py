"""Split criteria of CART trees: squared error, absolute error, Gini and entropy.

Private numba kernels (no estimator state, no validation). A criterion is an
integer code so that the compiled split search can branch on it:

- ``SQUARED_ERROR``: impurity = weighted variance of y (mean over outputs);
  the node value is the weighted mean.
- ``ABSOLUTE_ERROR``: impurity = weighted mean absolute deviation from the
  weighted median (mean over outputs); the node value is the weighted median.
- ``GINI``: impurity = ``1 - sum_k p_k^2`` (mean over outputs).
- ``ENTROPY``: impurity = ``-sum_k p_k log2 p_k`` (mean over outputs).

The node value of a classification node is the weighted class proportions.
The formulas (and the proxy improvements the split search maximises) are
scikit-learn's, so an exact split search finds the same splits.
``criterion_init``, ``node_value_impurity`` and ``children_impurity`` are
scikit-learn's ``Criterion.init``, ``node_value`` / ``node_impurity`` and
``reset`` + ``update`` + ``children_impurity``, adding samples in the order
given, so that the exact splitter's sums are scikit-learn's bit for bit.
"""

import math

import numpy as np
from numba import njit

SQUARED_ERROR, ABSOLUTE_ERROR, GINI, ENTROPY = 0, 1, 2, 3

REGRESSION_CRITERIA = {"squared_error": SQUARED_ERROR, "absolute_error": ABSOLUTE_ERROR}
CLASSIFICATION_CRITERIA = {"gini": GINI, "entropy": ENTROPY, "log_loss": ENTROPY}

_LN2 = math.log(2.0)


@njit(cache=True, nogil=True)
def class_impurity(counts, wn, crit):
    """Gini or entropy impurity from weighted class counts of shape (n_outputs, K)."""
    n_out, n_classes = counts.shape
    total = 0.0
    for k in range(n_out):
        if crit == GINI:
            sq = 0.0
            for c in range(n_classes):
                sq += counts[k, c] * counts[k, c]
            total += 1.0 - sq / (wn * wn)
        else:
            for c in range(n_classes):
                if counts[k, c] > 0.0:
                    p = counts[k, c] / wn
                    # scikit-learn's rounding: its log is ln(x) / ln(2)
                    total -= p * (math.log(p) / _LN2)
    return total / n_out


@njit(cache=True, nogil=True)
def weighted_median(values, weights):
    """Weighted median as scikit-learn's trees define it.

    With the values sorted, the median is the first value whose cumulative
    weight exceeds half the total; when a cumulative weight equals half the
    total exactly, it is the midpoint of that value and the next one.
    """
    order = np.argsort(values, kind="mergesort")
    half = 0.5 * weights.sum()
    cum = 0.0
    first_ge = -1
    for j in range(order.shape[0]):
        cum += weights[order[j]]
        if first_ge < 0 and cum >= half:
            first_ge = j
        if cum > half:
            if first_ge != j:
                return 0.5 * (values[order[first_ge]] + values[order[j]])
            return values[order[j]]
    return values[order[order.shape[0] - 1]]


@njit(cache=True, nogil=True)
def node_statistics(y, y_enc, w, samples, start, end, crit, value_out):
    """Value and impurity of the node holding ``samples[start:end]``.

    Parameters
    ----------
    y : float64 array (n_samples, n_outputs)
        Regression targets (unused for classification).
    y_enc : int32 array (n_samples, n_outputs)
        Encoded class labels (unused for regression).
    w : float64 array (n_samples,)
    samples : int array
    start, end : int
    crit : int
        A criterion code.
    value_out : float64 array (n_outputs, K)
        Receives the node value: the mean / median (``K = 1``) or the class
        proportions.

    Returns
    -------
    weighted_n : float
    impurity : float
    """
    n_out = value_out.shape[0]
    wn = 0.0
    if crit == SQUARED_ERROR:
        sums = np.zeros(n_out)
        sq = 0.0
        for p in range(start, end):
            i = samples[p]
            wi = w[i]
            wn += wi
            for k in range(n_out):
                yk = y[i, k]
                sums[k] += wi * yk
                sq += wi * yk * yk
        impurity = sq / wn
        for k in range(n_out):
            mean = sums[k] / wn
            value_out[k, 0] = mean
            impurity -= mean * mean
        return wn, impurity / n_out
    if crit == ABSOLUTE_ERROR:
        m = end - start
        vals = np.empty(m)
        ws = np.empty(m)
        for p in range(start, end):
            ws[p - start] = w[samples[p]]
            wn += w[samples[p]]
        abs_err = 0.0
        for k in range(n_out):
            for p in range(start, end):
                vals[p - start] = y[samples[p], k]
            med = weighted_median(vals, ws)
            value_out[k, 0] = med
            for j in range(m):
                abs_err += ws[j] * abs(vals[j] - med)
        return wn, abs_err / (wn * n_out)
    counts = np.zeros((n_out, value_out.shape[1]))
    for p in range(start, end):
        i = samples[p]
        wi = w[i]
        wn += wi
        for k in range(n_out):
            counts[k, y_enc[i, k]] += wi
    for k in range(n_out):
        for c in range(value_out.shape[1]):
            value_out[k, c] = counts[k, c] / wn
    return wn, class_impurity(counts, wn, crit)


# --- absolute error: prefix / suffix errors with a weighted Fenwick tree ----


@njit(cache=True, nogil=True)
def _fenwick_first_reaching(tree_w, size, max_pow2, target, strict):
    """0-based first rank whose prefix weight is >= target (> target if strict),
    and the prefix weight strictly before it."""
    pos = 0
    acc = 0.0
    bit = max_pow2
    while bit != 0:
        nxt = pos + bit
        if nxt <= size:
            node = tree_w[nxt]
            if (acc + node < target) or (strict and acc + node <= target):
                pos = nxt
                acc += node
        bit >>= 1
    return pos, acc


@njit(cache=True, nogil=True)
def _fenwick_prefix_wy(tree_wy, idx):
    """Sum of weight * y over ranks < idx (0-based exclusive bound)."""
    s = 0.0
    j = idx
    while j > 0:
        s += tree_wy[j]
        j -= j & -j
    return s


@njit(cache=True, nogil=True)
def absolute_errors_pass(order, start, end, step, ranks, sorted_y, w, tree_w, tree_wy, out):
    """Add, for each prefix (step=1) or suffix (step=-1) of ``order[start:end]``
    along the scan, the weighted absolute error around its weighted median to
    ``out[p]`` (indexed by absolute position)."""
    n = end - start
    for j in range(n + 1):
        tree_w[j] = 0.0
        tree_wy[j] = 0.0
    max_pow2 = 1
    while max_pow2 <= n:
        max_pow2 <<= 1
    max_pow2 >>= 1
    total_w = 0.0
    total_wy = 0.0
    p = start if step == 1 else end - 1
    for _ in range(n):
        i = order[p]
        wi = w[i]
        r = ranks[i]
        yv = sorted_y[r]
        j = r + 1
        while j <= n:
            tree_w[j] += wi
            tree_wy[j] += wi * yv
            j += j & -j
        total_w += wi
        total_wy += wi * yv
        half = 0.5 * total_w
        first_ge, _ = _fenwick_first_reaching(tree_w, n, max_pow2, half, False)
        first_gt, w_left = _fenwick_first_reaching(tree_w, n, max_pow2, half, True)
        if first_ge != first_gt:
            median = 0.5 * (sorted_y[first_ge] + sorted_y[first_gt])
        else:
            median = sorted_y[first_gt]
        wy_left = _fenwick_prefix_wy(tree_wy, first_gt)
        out[p] += (total_wy - wy_left - median * (total_w - w_left)) + (median * w_left - wy_left)
        p += step


# --- scikit-learn's Criterion steps, in its summation order (exact splitter) ---


@njit(cache=True, nogil=True)
def criterion_init(y, y_enc, w, samples, start, end, crit, sum_total, counts_total):
    """scikit-learn's ``Criterion.init``: node totals, added in ``samples`` order.

    Returns the node weight and (squared error) the weighted sum of squares.
    """
    wn = 0.0
    sq = 0.0
    if crit == SQUARED_ERROR:
        sum_total[:] = 0.0
        for p in range(start, end):
            i = samples[p]
            wi = w[i]
            for k in range(y.shape[1]):
                yk = y[i, k]
                wy = wi * yk
                sum_total[k] += wy
                sq += wy * yk
            wn += wi
    else:
        counts_total[:, :] = 0.0
        for p in range(start, end):
            i = samples[p]
            wi = w[i]
            for k in range(y_enc.shape[1]):
                counts_total[k, y_enc[i, k]] += wi
            wn += wi
    return wn, sq


@njit(cache=True, nogil=True)
def node_value_impurity(crit, sum_total, counts_total, wn, sq, value_out):
    """Node value and impurity from the totals, with scikit-learn's expressions."""
    if crit == SQUARED_ERROR:
        n_out = sum_total.shape[0]
        impurity = sq / wn
        for k in range(n_out):
            mean = sum_total[k] / wn
            value_out[k, 0] = mean
            impurity -= mean * mean
        return impurity / n_out
    for k in range(counts_total.shape[0]):
        for c in range(counts_total.shape[1]):
            value_out[k, c] = counts_total[k, c] / wn
    return class_impurity(counts_total, wn, crit)


@njit(cache=True, nogil=True)
def children_impurity(y, y_enc, w, samples, start, pos, end, crit, sum_total, counts_total,
                       wn, sq_total, sum_left, counts_left, counts_right):
    """Children weights and impurities of a split, as scikit-learn computes them.

    ``Criterion.reset`` then ``update(pos)`` over the partitioned ``samples``,
    then ``children_impurity``. Also returns the left weighted sum of squares.
    """
    forward = pos - start <= end - pos
    wl = 0.0 if forward else wn
    if crit == SQUARED_ERROR:
        n_out = y.shape[1]
        sq_left = 0.0
        if forward:
            sum_left[:] = 0.0
            for p in range(start, pos):
                i = samples[p]
                wi = w[i]
                for k in range(n_out):
                    yk = y[i, k]
                    sum_left[k] += wi * yk
                    sq_left += wi * yk * yk
                wl += wi
        else:
            sum_left[:] = sum_total
            for p in range(end - 1, pos - 1, -1):
                i = samples[p]
                for k in range(n_out):
                    sum_left[k] -= w[i] * y[i, k]
                wl -= w[i]
            for p in range(start, pos):
                i = samples[p]
                for k in range(n_out):
                    yk = y[i, k]
                    sq_left += w[i] * yk * yk
        wr = wn - wl
        imp_left = sq_left / wl
        imp_right = (sq_total - sq_left) / wr
        for k in range(n_out):
            ml = sum_left[k] / wl
            mr = (sum_total[k] - sum_left[k]) / wr
            imp_left -= ml * ml
            imp_right -= mr * mr
        return wl, wr, imp_left / n_out, imp_right / n_out, sq_left
    n_out = y_enc.shape[1]
    if forward:
        counts_left[:, :] = 0.0
        for p in range(start, pos):
            i = samples[p]
            for k in range(n_out):
                counts_left[k, y_enc[i, k]] += w[i]
            wl += w[i]
    else:
        counts_left[:, :] = counts_total
        for p in range(end - 1, pos - 1, -1):
            i = samples[p]
            for k in range(n_out):
                counts_left[k, y_enc[i, k]] -= w[i]
            wl -= w[i]
    wr = wn - wl
    for k in range(n_out):
        for c in range(counts_left.shape[1]):
            counts_right[k, c] = counts_total[k, c] - counts_left[k, c]
    imp_left = class_impurity(counts_left, wl, crit)
    return wl, wr, imp_left, class_impurity(counts_right, wr, crit), 0.0
