"""Split criteria of CART trees: squared error, absolute error, Poisson, Gini, entropy.

Private numba kernels (no estimator state, no validation). A criterion is an
integer code so that the compiled split search can branch on it:

- ``SQUARED_ERROR``: impurity = weighted variance of y (mean over outputs);
  the node value is the weighted mean.
- ``ABSOLUTE_ERROR``: impurity = weighted mean absolute deviation from the
  weighted median (mean over outputs); the node value is the weighted median.
- ``POISSON``: impurity = the half Poisson deviance
  ``sum_i w_i y_i log(y_i / mean) / sum_i w_i`` (mean over outputs); the node
  value is the weighted mean. The sums are those of the squared error.
- ``GINI``: impurity = ``1 - sum_k p_k^2`` (mean over outputs).
- ``ENTROPY``: impurity = ``-sum_k p_k log2 p_k`` (mean over outputs).

The node value of a classification node is the weighted class proportions.
The formulas (and the proxy improvements the split search maximises) are
scikit-learn's, so an exact split search finds the same splits.
``criterion_init``, ``node_value_impurity`` and ``children_impurity`` are
scikit-learn's ``Criterion.init``, ``node_value`` / ``node_impurity`` and
``reset`` + ``update`` + ``children_impurity``, adding samples in the order
given, so that the exact splitter's sums are scikit-learn's bit for bit; the
absolute error's ``absolute_errors_pass`` and ``absolute_error_children`` are
those of scikit-learn's ``MAE`` criterion (a weighted Fenwick tree).
``node_statistics`` computes a node's value and impurity directly (the
histogram route).
"""

import math

import numpy as np
from numba import njit

from ._sort import introsort

SQUARED_ERROR, ABSOLUTE_ERROR, GINI, ENTROPY, POISSON = 0, 1, 2, 3, 4

REGRESSION_CRITERIA = {
    "squared_error": SQUARED_ERROR,
    "absolute_error": ABSOLUTE_ERROR,
    "poisson": POISSON,
}
# scikit-learn's "log_loss" is its Entropy criterion under another name
CLASSIFICATION_CRITERIA = {"gini": GINI, "entropy": ENTROPY, "log_loss": ENTROPY}

_LN2 = math.log(2.0)
# scikit-learn's criterion tolerance (``_criterion.pyx``: ten times the
# builder's), under which a target sum counts as zero
CRITERION_EPSILON = 10 * np.finfo(np.float64).eps


@njit(cache=True, nogil=True, inline="always")
def is_regression(crit):
    """Whether ``crit`` is a regression criterion code."""
    return crit == SQUARED_ERROR or crit == ABSOLUTE_ERROR or crit == POISSON


@njit(cache=True, nogil=True, inline="always")
def sums_targets(crit):
    """Whether ``crit`` keeps weighted target sums (squared error and Poisson)."""
    return crit == SQUARED_ERROR or crit == POISSON


# --- monotonic constraints: scikit-learn's check_monotonicity, middle_value,
# clip_node_value (single output; for classes, the first class's proportion)


@njit(cache=True, nogil=True, inline="always")
def monotonic_ok(cst, lower, upper, value_left, value_right):
    """scikit-learn's ``_check_monotonicity``: children within bounds and in order."""
    return (
        value_left >= lower
        and value_right >= lower
        and value_left <= upper
        and value_right <= upper
        and (value_left - value_right) * cst <= 0
    )


@njit(cache=True, nogil=True, inline="always")
def children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr):
    """The first output's child values a monotonic constraint compares (sum criteria, classes)."""
    if sums_targets(crit):
        return sum_left[0] / wl, (sum_total[0] - sum_left[0]) / wr
    return counts_left[0, 0] / wl, counts_right[0, 0] / wr


@njit(cache=True, nogil=True)
def middle_value(crit, sum_left, sum_total, counts_left, counts_right, wl, wr):
    """scikit-learn's ``middle_value``: the bound a constrained split puts between its children."""
    if sums_targets(crit):
        return sum_left[0] / (2 * wl) + (sum_total[0] - sum_left[0]) / (2 * wr)
    return counts_left[0, 0] / (2 * wl) + counts_right[0, 0] / (2 * wr)


@njit(cache=True, nogil=True)
def child_bounds(cst, lower, upper, middle):
    """Bounds of the two children: ``lower_left, upper_left, lower_right, upper_right``.

    An increasing constraint caps the left child and floors the right one at
    the split's middle value, a decreasing one the other way round.
    """
    if cst == 0:
        return lower, upper, lower, upper
    if cst == 1:
        return lower, middle, middle, upper
    return middle, upper, lower, middle


@njit(cache=True, nogil=True)
def clip_value(value, crit, lower, upper):
    """scikit-learn's ``clip_node_value``; two class proportions stay summing to 1."""
    if value[0, 0] < lower:
        value[0, 0] = lower
    elif value[0, 0] > upper:
        value[0, 0] = upper
    if not is_regression(crit):
        value[0, 1] = 1 - value[0, 0]


@njit(cache=True, nogil=True)
def poisson_loss(y, w, samples, start, end, y_sum, weight_sum):
    """scikit-learn's ``Poisson.poisson_loss`` of ``samples[start:end]``.

    ``sum_i w_i xlogy(y_i, y_i / mean) / (weight_sum * n_outputs)``, summed
    in the order given; infinite when a target sum is not positive (up to
    ``CRITERION_EPSILON``: a right sum is a difference of sums).
    """
    n_out = y.shape[1]
    loss = 0.0
    for k in range(n_out):
        if y_sum[k] <= CRITERION_EPSILON:
            return np.inf
        y_mean = y_sum[k] / weight_sum
        for p in range(start, end):
            i = samples[p]
            yi = y[i, k]
            if yi != 0.0:  # xlogy(0, x) = 0
                loss += w[i] * (yi * math.log(yi / y_mean))
    return loss / (weight_sum * n_out)


@njit(cache=True, nogil=True)
def poisson_children(y, w, samples, start, pos, end, sum_total, sum_left, wl, wr):
    """scikit-learn's ``Poisson.children_impurity`` of the split at ``pos``."""
    return (
        poisson_loss(y, w, samples, start, pos, sum_left, wl),
        poisson_loss(y, w, samples, pos, end, sum_total - sum_left, wr),
    )


@njit(cache=True, nogil=True, inline="always")
def poisson_proxy(sum_left, sum_total, wl, wr):
    """scikit-learn's ``Poisson.proxy_impurity_improvement``.

    ``sum_L log2(mean_L) + sum_R log2(mean_R)`` (the deviance less its
    constant terms); ``-inf`` when a child's target sum is not positive: a
    child predicting 0 has an infinite deviance.
    """
    proxy_left = 0.0
    proxy_right = 0.0
    for k in range(sum_left.shape[0]):
        sl = sum_left[k]
        sr = sum_total[k] - sl
        if sl <= CRITERION_EPSILON or sr <= CRITERION_EPSILON:
            return -np.inf
        # scikit-learn's log is ln(x) / ln(2)
        proxy_left -= sl * (math.log(sl / wl) / _LN2)
        proxy_right -= sr * (math.log(sr / wr) / _LN2)
    return -proxy_left - proxy_right


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


# --- absolute error: scikit-learn's MAE criterion, step for step -------------
#
# scikit-learn 1.9 (``MAE`` in ``sklearn/tree/_criterion.pyx`` and its
# ``WeightedFenwickTree`` in ``_utils.pyx``) computes, at each reset of the
# criterion, the weighted absolute error of every prefix and every suffix of
# the node's samples, in the order its splitter holds them: the samples are
# activated one by one at their rank (by target value) in a Fenwick tree of
# weights and weighted targets, the weighted median is found by descending
# the tree to half the total weight, and the error is the pinball identity
# ``(wy_right - m * w_right) + (m * w_left - wy_left)``. The functions below
# are those steps with the same float operations in the same order (its
# search subtracts the node weights from the target as it descends), so the
# errors, and the splits chosen from them, are scikit-learn's to the bit.


@njit(cache=True, nogil=True)
def ranks_like_sklearn(y, k, order, start, end, ranks, sorted_y, vals, idx):
    """Rank of each sample of ``order[start:end]`` by its target ``y[:, k]``.

    scikit-learn's ``compute_ranks``: the targets, in the order given, are
    sorted with its introsort (:func:`~._sort.introsort`), which decides the
    ranks of tied targets. Writes ``ranks[i]`` for each sample ``i`` and the
    sorted targets to ``sorted_y[:end - start]``; ``vals`` and ``idx`` are
    scratch arrays of at least ``end - start`` elements. Returns whether two
    targets are equal (then their ranks depend on the order given).
    """
    n = end - start
    for p in range(n):
        vals[p] = y[order[start + p], k]
        idx[p] = p
    introsort(vals, idx, 0, n)
    tied = False
    for r in range(n):
        sorted_y[r] = vals[r]
        ranks[order[start + idx[r]]] = r
        if r > 0 and vals[r] == vals[r - 1]:
            tied = True
    return tied


@njit(cache=True, nogil=True)
def fenwick_search(tree_w, tree_wy, size, max_pow2, target):
    """scikit-learn's ``WeightedFenwickTree.search`` for ``target``.

    Returns ``(rank, prev_rank, w_left, wy_left)``: ``rank`` is the first
    rank whose cumulative weight exceeds ``target``; ``prev_rank`` is the
    rank whose cumulative weight equals ``target`` exactly if there is one,
    else ``rank``; ``w_left`` and ``wy_left`` are the weight and weighted
    target of the ranks before ``rank``, summed in the descent's order.
    """
    current = 0
    cumul_w = 0.0
    cumul_wy = 0.0
    bit = max_pow2
    equal_bit = 0
    equal_target = 0.0
    while bit != 0:
        nxt = current + bit
        if nxt <= size:
            node = tree_w[nxt]
            if target == node:
                equal_target = target
                equal_bit = bit
                break
            elif target > node:
                target -= node
                current = nxt
                cumul_w += node
                cumul_wy += tree_wy[nxt]
        bit >>= 1
    if bit == 0:
        return current, current, cumul_w, cumul_wy
    # an exact match: the previous rank is the last one below the target ...
    prev = current
    while bit != 0:
        nxt = prev + bit
        if nxt <= size:
            node = tree_w[nxt]
            if target > node:
                target -= node
                prev = nxt
        bit >>= 1
    # ... and the rank the first one past it
    bit = equal_bit
    target = equal_target
    while bit != 0:
        nxt = current + bit
        if nxt <= size:
            node = tree_w[nxt]
            if target >= node:
                target -= node
                current = nxt
                cumul_w += node
                cumul_wy += tree_wy[nxt]
        bit >>= 1
    return current, prev, cumul_w, cumul_wy


@njit(cache=True, nogil=True)
def absolute_errors_pass_medians(
    order, start, end, forward, n_steps, ranks, sorted_y, w, tree_w, tree_wy, out, medians_out
):
    """scikit-learn's ``precompute_absolute_errors`` over ``order[start:end]``.

    Forward, for ``p = start, start + 1, ...``, adds to ``out[p]`` the
    weighted absolute error of ``order[start:p + 1]`` around its weighted
    median; backward, for ``p = end - 1, end - 2, ...``, that of
    ``order[p:end]``. Stops after ``n_steps`` positions (the values computed
    are those of the full pass). ``ranks[i]`` is sample ``i``'s rank in
    ``sorted_y`` (:func:`ranks_like_sklearn`). Returns the weighted median of
    the last set: with ``n_steps = end - start`` backward, the node's median.
    Unless it is empty, ``medians_out[p]`` receives the median of each set
    (scikit-learn's ``left_medians`` / ``right_medians``, which its
    monotonicity check compares).
    """
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
    if forward:
        p = start
        step = 1
    else:
        p = end - 1
        step = -1
    median = 0.0
    for _ in range(n_steps):
        i = order[p]
        wi = w[i]
        r = ranks[i]
        wy = wi * sorted_y[r]
        j = r + 1
        while j <= n:
            tree_w[j] += wi
            tree_wy[j] += wy
            j += j & -j
        total_w += wi
        total_wy += wy
        rank, prev, w_left, wy_left = fenwick_search(tree_w, tree_wy, n, max_pow2, 0.5 * total_w)
        if rank != prev:
            median = (sorted_y[prev] + sorted_y[rank]) / 2.0
        else:
            median = sorted_y[rank]
        w_right = total_w - w_left
        wy_right = total_wy - wy_left
        out[p] += (wy_right - median * w_right) + (median * w_left - wy_left)
        if medians_out.shape[0] > 0:
            medians_out[p] = median
        p += step
    return median


@njit(cache=True, nogil=True)
def absolute_errors_pass(order, start, end, forward, n_steps, ranks, sorted_y, w, tree_w, tree_wy, out):
    """:func:`absolute_errors_pass_medians` without the medians of each set."""
    return absolute_errors_pass_medians(
        order, start, end, forward, n_steps, ranks, sorted_y, w, tree_w, tree_wy, out, np.empty(0)
    )


@njit(cache=True, nogil=True)
def children_medians(samples, start, pos, end, ranks, sorted_y, w, tree_w, tree_wy, scratch):
    """Weighted medians of ``samples[start:pos]`` and ``samples[pos:end]`` (first output).

    The ends of a forward and a backward pass, as scikit-learn's reset leaves
    ``left_medians[pos - 1]`` and ``right_medians[pos]``; ``ranks`` and
    ``sorted_y`` are the first output's, ``scratch`` any error buffer.
    """
    median_left = absolute_errors_pass(
        samples, start, end, True, pos - start, ranks, sorted_y, w, tree_w, tree_wy, scratch
    )
    median_right = absolute_errors_pass(
        samples, start, end, False, end - pos, ranks, sorted_y, w, tree_w, tree_wy, scratch
    )
    return median_left, median_right


@njit(cache=True, nogil=True)
def absolute_error_children(y, w, samples, start, pos, end, wn, medians_state, rerank):
    """scikit-learn's ``MAE.reset`` + ``update(pos)`` + ``children_impurity``.

    Over ``samples[start:end]`` in the order given (scikit-learn's, after
    its partition of the split). ``medians_state`` is
    :func:`criterion_buffers`'s absolute-error part (``buffers[3:]``). With
    ``rerank``, the ranks are computed again in that order (the node has
    tied targets). Writes the node's weighted medians (scikit-learn's node
    value) to ``medians``. Returns ``wl, wr, impurity_left, impurity_right``.
    """
    ranks, sorted_y, left_err, right_err, tree_w, tree_wy, vals, idx, medians = medians_state[:9]
    n_out = y.shape[1]
    left_err[start:end] = 0.0
    right_err[start:end] = 0.0
    for k in range(n_out):
        if rerank:
            ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], vals, idx)
        absolute_errors_pass(
            samples, start, end, True, pos - start, ranks[k], sorted_y[k], w, tree_w, tree_wy, left_err
        )
        medians[k] = absolute_errors_pass(
            samples, start, end, False, end - start, ranks[k], sorted_y[k], w, tree_w, tree_wy, right_err
        )
    wl = 0.0
    for p in range(start, pos):
        wl += w[samples[p]]
    wr = wn - wl
    imp_left = (0.0 + left_err[pos - 1]) / (wl * n_out)
    imp_right = (0.0 + right_err[pos]) / (wr * n_out)
    return wl, wr, imp_left, imp_right


@njit(cache=True, nogil=True)
def absolute_error_sums_exact(y, w):
    """Whether every sum of the absolute error is exact in float64.

    Integer weights and integer targets (with ``sum(w) * max|y|`` far below
    ``2**52``): the cumulative weights and weighted targets are integers, the
    medians half-integers, so no summation order changes any number.
    """
    w_sum = 0.0
    for i in range(w.shape[0]):
        if w[i] != math.floor(w[i]):
            return False
        w_sum += w[i]
    y_max = 0.0
    for i in range(y.shape[0]):
        for k in range(y.shape[1]):
            if y[i, k] != math.floor(y[i, k]):
                return False
            y_max = max(y_max, abs(y[i, k]))
    return w_sum * (y_max + 1.0) < 2.0**50


# --- scikit-learn's Criterion steps, in its summation order (exact splitter) ---


@njit(cache=True, nogil=True)
def criterion_init(y, y_enc, w, samples, start, end, crit, sum_total, counts_total):
    """scikit-learn's ``Criterion.init``: node totals, added in ``samples`` order.

    Returns the node weight and (squared error) the weighted sum of squares.
    """
    wn = 0.0
    sq = 0.0
    if sums_targets(crit):
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
    """Node value and impurity from the totals, with scikit-learn's expressions.

    For the Poisson criterion the value is the mean and the impurity returned
    the squared error's: its own needs the samples (:func:`poisson_loss`).
    """
    if sums_targets(crit):
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


@njit(cache=True, nogil=True, inline="always")
def sums_from_end(y, w, order, pos, end, sum_total, wn, sum_left):
    """The left sums at ``pos`` taken from the end: the node totals less ``order[pos:end]``.

    scikit-learn's ``Criterion.update`` when the samples after ``pos`` are
    fewer than those since the last update; subtracted from ``end - 1``
    down. Returns the left weight.
    """
    sum_left[:] = sum_total
    wl = wn
    for p in range(end - 1, pos - 1, -1):
        i = order[p]
        for k in range(y.shape[1]):
            sum_left[k] -= w[i] * y[i, k]
        wl -= w[i]
    return wl


@njit(cache=True, nogil=True, inline="always")
def counts_from_end(y_enc, w, order, pos, end, counts_total, wn, counts_left):
    """:func:`sums_from_end` of the class weights."""
    counts_left[:, :] = counts_total
    wl = wn
    for p in range(end - 1, pos - 1, -1):
        i = order[p]
        for k in range(y_enc.shape[1]):
            counts_left[k, y_enc[i, k]] -= w[i]
        wl -= w[i]
    return wl


@njit(cache=True, nogil=True, inline="always")
def update(y, y_enc, w, samples, pos, new_pos, end, crit, totals, wn, wl, left):
    """scikit-learn's ``Criterion.update(new_pos)`` from position ``pos``: the left child's sums.

    The samples of ``[pos, new_pos)`` are added forward to the current left
    sums (weight ``wl``) when they are fewer than those after ``new_pos``;
    else the left sums are the node totals (``totals = (sum_total,
    counts_total)``) less the samples from ``end`` back to ``new_pos``, as
    scikit-learn chooses. Updates ``left = (sum_left, counts_left,
    counts_right)``: the first (sum criteria) or the other two (classes);
    returns the new left weight.
    """
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = left
    forward = new_pos - pos <= end - new_pos
    if sums_targets(crit):
        n_out = y.shape[1]
        if forward:
            for p in range(pos, new_pos):
                i = samples[p]
                wi = w[i]
                for k in range(n_out):
                    sum_left[k] += wi * y[i, k]
                wl += wi
        else:
            wl = sums_from_end(y, w, samples, new_pos, end, sum_total, wn, sum_left)
        return wl
    n_out = y_enc.shape[1]
    if forward:
        for p in range(pos, new_pos):
            i = samples[p]
            for k in range(n_out):
                counts_left[k, y_enc[i, k]] += w[i]
            wl += w[i]
    else:
        wl = counts_from_end(y_enc, w, samples, new_pos, end, counts_total, wn, counts_left)
    for k in range(n_out):
        for c in range(counts_left.shape[1]):
            counts_right[k, c] = counts_total[k, c] - counts_left[k, c]
    return wl


@njit(cache=True, nogil=True, inline="always")
def update_left(y, y_enc, w, samples, start, pos, end, crit, totals, wn, left):
    """scikit-learn's ``Criterion.reset`` then ``update(pos)``: the left child's sums.

    Fills ``left = (sum_left, counts_left, counts_right)`` (see
    :func:`update`); returns the left weight.
    """
    sum_left, counts_left, _ = left
    sum_left[:] = 0.0
    counts_left[:, :] = 0.0
    return update(y, y_enc, w, samples, start, pos, end, crit, totals, wn, 0.0, left)


@njit(cache=True, nogil=True, inline="always")
def proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr):
    """scikit-learn's ``proxy_impurity_improvement`` of the sum and class criteria.

    Returns ``proxy, impurity_left, impurity_right`` (the impurities are the
    classes' Gini or entropy, zero for the sum criteria, whose proxy needs
    none).
    """
    if crit == POISSON:
        return poisson_proxy(sum_left, sum_total, wl, wr), 0.0, 0.0
    if sums_targets(crit):
        proxy_left = 0.0
        proxy_right = 0.0
        for k in range(sum_left.shape[0]):
            sl = sum_left[k]
            sr = sum_total[k] - sl
            proxy_left += sl * sl
            proxy_right += sr * sr
        return proxy_left / wl + proxy_right / wr, 0.0, 0.0
    imp_left = class_impurity(counts_left, wl, crit)
    imp_right = class_impurity(counts_right, wr, crit)
    return -wr * imp_right - wl * imp_left, imp_left, imp_right


@njit(cache=True, nogil=True)
def children_impurity(y, y_enc, w, samples, start, pos, end, crit, totals, wn, sq_total, left):
    """Children weights and impurities of a split, as scikit-learn computes them.

    :func:`update_left` over the partitioned ``samples``, then
    ``children_impurity``. Also returns the left weighted sum of squares.
    For the Poisson criterion, the impurities returned are the squared
    error's (see :func:`poisson_loss`).
    """
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = left
    wl = update_left(y, y_enc, w, samples, start, pos, end, crit, totals, wn, left)
    wr = wn - wl
    if sums_targets(crit):
        n_out = y.shape[1]
        sq_left = 0.0
        for p in range(start, pos):
            i = samples[p]
            for k in range(n_out):
                yk = y[i, k]
                sq_left += w[i] * yk * yk
        imp_left = sq_left / wl
        imp_right = (sq_total - sq_left) / wr
        for k in range(n_out):
            ml = sum_left[k] / wl
            mr = (sum_total[k] - sum_left[k]) / wr
            imp_left -= ml * ml
            imp_right -= mr * mr
        return wl, wr, imp_left / n_out, imp_right / n_out, sq_left
    imp_left = class_impurity(counts_left, wl, crit)
    return wl, wr, imp_left, class_impurity(counts_right, wr, crit), 0.0


@njit(cache=True, nogil=True)
def criterion_buffers(crit, n_out, n_classes, n_total, n_grown, with_monotonic):
    """The criterion's node totals and scratch, allocated once per tree.

    Returns ``totals = (sum_total, counts_total)`` and ``buffers =
    (sum_left, counts_left, counts_right, ranks, sorted_y, left_err,
    right_err, tree_w, tree_wy, rank_vals, rank_idx, medians, left_medians,
    right_medians)``: the left child's sums (sum criteria) or class weights
    (classes), then the absolute error's ranks by target (per output, over
    the ``n_total`` samples of X), its prefix and suffix errors and Fenwick
    trees over the ``n_grown`` positive-weight samples, the node's medians
    and, under a monotonic constraint, the median of every prefix and suffix.
    """
    size = n_grown if crit == ABSOLUTE_ERROR else 1
    monotonic_size = size if with_monotonic else 0
    totals = (np.zeros(n_out), np.zeros((n_out, n_classes)))
    buffers = (
        np.zeros(n_out),
        np.zeros((n_out, n_classes)),
        np.zeros((n_out, n_classes)),
        np.zeros((n_out, n_total if crit == ABSOLUTE_ERROR else 1), dtype=np.int64),
        np.zeros((n_out, size)),
        np.zeros(size),
        np.zeros(size),
        np.zeros(size + 1),
        np.zeros(size + 1),
        np.empty(size),
        np.empty(size, dtype=np.int64),
        np.zeros(n_out),
        np.zeros(monotonic_size),
        np.zeros(monotonic_size),
    )
    return totals, buffers
