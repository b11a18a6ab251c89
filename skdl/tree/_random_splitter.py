"""The in-place splitters: random (dense, sparse) and best (sparse, and dense X with NaN).

Private numba kernels that the tree builder (:mod:`._builder`) calls at
each node: scikit-learn's ``node_split_random`` and ``node_split_best``
(``sklearn/tree/_splitter.pyx``) on one drawn feature, over its dense and
sparse partitioners (:mod:`._partitioner`), step for step. The builder
draws the features (scikit-learn's Fisher-Yates with its xorshift
generator, known constant features skipped). The random splitter
draws, for each drawn feature, one threshold uniformly in the node's ``[min,
max)`` range with the same generator (``rand_uniform``), partitions the
node's samples around it in place, and resets and updates the criterion on
that partition. The best splitter on sparse X sorts the node's stored values
of the column and scans every candidate (:mod:`._sparse_splitter`). The best
candidate is kept. The samples keep the order the partitions and sorts leave
them in, and every float sum adds them in that order, so the tree is
scikit-learn's bit for bit for the same ``random_state``. (Dense X without
NaN with ``splitter="best"`` grows on presorted rows instead, :mod:`._splitter`.)

Monotonic constraints (``monotonic_cst``) follow scikit-learn 1.4+: a
candidate on a constrained feature is rejected when its children's values are
in the wrong order or outside the node's bounds, each child inherits bounds
split at the middle value of the two children, and node values are clipped
to their bounds.
"""

import numpy as np
from numba import njit

from ..utils._random import rand_r
from ._criterion import (
    ABSOLUTE_ERROR,
    absolute_error_children,
    children_medians,
    children_values,
    monotonic_ok,
    proxy_improvement,
    update_left,
)
from ._partitioner import (
    dense_min_max,
    find_min_max,
    partition_final,
    partition_samples,
    shift_missing_to_the_left,
    sort_dense_feature,
    sort_sparse_feature,
)
from ._sparse_splitter import scan_sorted_feature
from ._tree import FEATURE_THRESHOLD

RAND_R_MAX = 2147483647


@njit(cache=True, nogil=True, inline="always")
def rand_int(low, high, rng_state):
    """scikit-learn's ``rand_int``: an integer in ``[low, high)``."""
    rng_state[0] = rand_r(rng_state[0])
    return low + (rng_state[0] % (RAND_R_MAX + 1)) % (high - low)


@njit(cache=True, nogil=True, inline="always")
def rand_uniform(low, high, rng_state):
    """scikit-learn's ``rand_uniform``: a float64 in ``[low, high)``."""
    rng_state[0] = rand_r(rng_state[0])
    return (high - low) * float(rng_state[0] % (RAND_R_MAX + 1)) / float(RAND_R_MAX) + low


@njit(cache=True, nogil=True, inline="always")
def is_sparse(source):
    """Whether a partitioner source (:mod:`._partitioner`) holds a CSC matrix."""
    return source[3].shape[0] > 0


@njit(cache=True, nogil=True, inline="always")
def source_n_features(source):
    """The number of features of a partitioner source."""
    return source[3].shape[0] - 1 if is_sparse(source) else source[0].shape[0]


@njit(cache=True, nogil=True, inline="always")
def _random_candidate(y, y_enc, w, samples, node, crit, totals, buffers):
    """The criterion's ``reset`` then ``update(pos)`` on the node partitioned at ``pos``.

    ``node = (start, pos, end, weighted_n)``. Returns ``wl, wr, proxy,
    value_left, value_right``: the proxy improvement scikit-learn's splitter
    compares and the children values its monotonicity check compares (the
    first output's mean, the first class's proportion, or, under a
    constraint, the medians).
    """
    start, pos, end, wn = node
    if crit == ABSOLUTE_ERROR:
        wl, wr, imp_left, imp_right = absolute_error_children(y, w, samples, start, pos, end, wn, buffers[3:], True)
        value_left = 0.0
        value_right = 0.0
        if buffers[12].shape[0] > 0:
            # the medians of the two children, for the monotonicity check
            ranks, sorted_y, left_err, _, tree_w, tree_wy = buffers[3:9]
            value_left, value_right = children_medians(
                samples, start, pos, end, ranks[0], sorted_y[0], w, tree_w, tree_wy, left_err
            )
        return wl, wr, -wr * imp_right - wl * imp_left, value_left, value_right
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = buffers[:3]
    wl = update_left(y, y_enc, w, samples, start, pos, end, crit, totals, wn, buffers[:3])
    wr = wn - wl
    proxy = proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)[0]
    value_left, value_right = children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
    return wl, wr, proxy, value_left, value_right


@njit(cache=True, nogil=True, inline="always")
def in_place_feature(partitioner, search_best, f, samples, values, criterion, node, limits, constraint, rng_state):
    """scikit-learn's ``node_split_random`` (or, with ``search_best``, ``node_split_best``) on one drawn feature.

    On ``samples[start:end]`` (``node = (start, end, weighted_n, _)``), with
    the dense or the sparse partitioner (``partitioner = (source,
    sparse_state)``, see :mod:`._partitioner`). The random splitter draws
    one threshold in the node's range and partitions around it, the best
    splitter sorts the feature and scans it
    (:func:`~._sparse_splitter.scan_sorted_feature`). ``criterion = (y,
    y_enc, w, crit, totals, buffers)``, ``limits = (min_samples_leaf,
    min_weight_leaf, _)``, ``constraint = (cst, lower, upper)``. Returns ``constant, proxy, pos, threshold,
    missing_go_to_left`` (``pos < 0``: no admissible split).

    NaN in dense X follow scikit-learn 1.9: a feature whose node values are
    all NaN counts as constant; the best splitter searches once with the
    node's NaN on the right (scoring the split of the values from the NaN,
    at a threshold of ``inf``) and once with them on the left, and keeps the
    side of the better split; the random splitter draws the side with one
    more ``rand_int(0, 2)`` after the threshold. Without NaN in the node,
    NaN met later go to the larger child.
    """
    source, sparse_state = partitioner
    sparse = is_sparse(source)
    y, y_enc, w, crit, totals, buffers = criterion
    start, end, wn = node[0], node[1], node[2]
    min_samples_leaf, min_weight_leaf = limits[0], limits[1]
    leaf_limits = (min_samples_leaf, min_weight_leaf)
    cst, lower, upper = constraint
    n_missing = 0
    end_negative = start_positive = start
    if search_best and sparse:
        end_negative, start_positive = sort_sparse_feature(source, sparse_state, f, samples, start, end, values)
        lo, hi = values[start], values[end - 1]
    elif search_best:
        n_missing = sort_dense_feature(source[0][f], samples, start, end, values)
        lo, hi = values[start], values[max(end - n_missing - 1, start)]
    elif sparse:
        lo, hi, n_missing = find_min_max(source, sparse_state, True, f, samples, start, end, values)
    else:
        # dense: the row alone (the partitioner's tuples counted per drawn feature cost more)
        lo, hi, n_missing = dense_min_max(source[0][f], samples, start, end, values)
    # all NaN, or constant without NaN (constant values and NaN still
    # split the values from the NaN)
    if end - start == n_missing or (hi <= lo + np.float32(FEATURE_THRESHOLD) and n_missing == 0):
        return True, -np.inf, -1, 0.0, False
    if search_best:
        # the NaN block right of the sorted values, then (when there is
        # one) left of them: scikit-learn's two searches
        segment = (start, end, start, end - n_missing, end_negative, start_positive)
        proxy, pos, threshold = scan_sorted_feature(
            values, samples, segment, y, y_enc, w, crit, wn, totals, buffers, leaf_limits, constraint
        )
        missing_go_to_left = False
        if n_missing > 0:
            shift_missing_to_the_left(samples, values, start, end, n_missing)
            sorted_start = start + n_missing
            segment = (start, end, sorted_start, end, sorted_start, sorted_start)
            proxy_left, pos_left, threshold_left = scan_sorted_feature(
                values, samples, segment, y, y_enc, w, crit, wn, totals, buffers, leaf_limits, constraint
            )
            if pos_left >= 0 and (pos < 0 or proxy_left > proxy):
                proxy, pos, threshold = proxy_left, pos_left, threshold_left
                missing_go_to_left = True
        if pos < 0:
            return False, proxy, -1, 0.0, False
    else:
        threshold = rand_uniform(np.float64(lo), np.float64(hi), rng_state)
        # with NaN in the node, a fair draw sends them left or right
        missing_go_to_left = n_missing > 0 and rand_int(0, 2, rng_state) == 1
        if threshold == np.float64(hi):
            threshold = np.float64(lo)
        index_to_samples, bounds = sparse_state[0], sparse_state[2]
        pos = partition_samples(
            index_to_samples, bounds, sparse, values, samples, start, end, threshold, missing_go_to_left
        )
        if pos - start < min_samples_leaf or end - pos < min_samples_leaf:
            return False, -np.inf, -1, 0.0, False
        wl, wr, proxy, value_left, value_right = _random_candidate(
            y, y_enc, w, samples, (start, pos, end, wn), crit, totals, buffers
        )
        if wl < min_weight_leaf or wr < min_weight_leaf:
            return False, -np.inf, -1, 0.0, False
        if cst != 0 and not monotonic_ok(cst, lower, upper, value_left, value_right):
            return False, -np.inf, -1, 0.0, False
    if n_missing == 0:
        missing_go_to_left = pos - start > end - pos
    return False, proxy, pos, threshold, missing_go_to_left


@njit(cache=True, nogil=True, inline="always")
def in_place_partition(partitioner, search_best, split, samples, start, end, values):
    """scikit-learn's ``partition_samples_final`` of the chosen split.

    ``split = (feature, threshold, missing_go_to_left, last_feature)``.
    The best splitter's last sort was of the last feature drawn, the random
    splitter's last partition of the last candidate: unless that was the
    chosen one, the node is partitioned again.
    """
    feature, threshold, missing_go_to_left, last_feature = split
    source, sparse_state = partitioner
    if search_best or last_feature != feature:
        sparse = is_sparse(source)
        partition_final(
            source, sparse_state, sparse, feature, samples, start, end, threshold, values, missing_go_to_left
        )
