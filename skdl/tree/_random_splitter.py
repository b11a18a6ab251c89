"""The in-place splitters and their tree builder: random (dense, sparse) and best (sparse).

Private numba kernels, scikit-learn's ``node_split_random`` and
``node_split_best`` (``sklearn/tree/_splitter.pyx``) over its dense and
sparse partitioners (:mod:`._partitioner`), with its ``DepthFirstTreeBuilder``
and ``BestFirstTreeBuilder``, step for step. At each node the features are
drawn as the exact splitter draws them (Fisher-Yates with scikit-learn's
xorshift generator, known constant features skipped). The random splitter
draws, for each drawn feature, one threshold uniformly in the node's ``[min,
max)`` range with the same generator (``rand_uniform``), partitions the
node's samples around it in place, and resets and updates the criterion on
that partition. The best splitter on sparse X sorts the node's stored values
of the column and scans every candidate (:mod:`._sparse_splitter`). The best
candidate is kept. The samples keep the order the partitions and sorts leave
them in, and every float sum adds them in that order, so the tree is
scikit-learn's bit for bit for the same ``random_state``. (Dense X with
``splitter="best"`` grows on presorted rows instead, :mod:`._splitter`.)

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
    POISSON,
    absolute_error_children,
    absolute_errors_pass,
    child_bounds,
    children_impurity,
    children_medians,
    children_values,
    clip_value,
    criterion_init,
    is_regression,
    middle_value,
    monotonic_ok,
    node_value_impurity,
    poisson_children,
    poisson_loss,
    proxy_improvement,
    ranks_like_sklearn,
    update_left,
)
from ._frontier import (
    empty_frontier,
    empty_stack,
    expand_best_first,
    frontier_push,
    stack_push,
)
from ._partitioner import (
    find_min_max,
    init_node_split,
    partition_final,
    partition_samples,
    shift_missing_to_the_left,
    sort_dense_feature,
    sort_sparse_feature,
    sparse_partitioner,
)
from ._sparse_splitter import scan_sorted_feature
from ._tree import EPSILON, FEATURE_THRESHOLD, empty_nodes

RAND_R_MAX = 2147483647


@njit(cache=True, nogil=True, inline="always")
def _rand_int(low, high, rng_state):
    """scikit-learn's ``rand_int``: an integer in ``[low, high)``."""
    rng_state[0] = rand_r(rng_state[0])
    return low + (rng_state[0] % (RAND_R_MAX + 1)) % (high - low)


@njit(cache=True, nogil=True, inline="always")
def _rand_uniform(low, high, rng_state):
    """scikit-learn's ``rand_uniform``: a float64 in ``[low, high)``."""
    rng_state[0] = rand_r(rng_state[0])
    return (high - low) * float(rng_state[0] % (RAND_R_MAX + 1)) / float(RAND_R_MAX) + low


@njit(cache=True, nogil=True, inline="always")
def _reset_update(y, y_enc, w, samples, start, pos, end, crit, wn, sq_total, totals, buffers, final):
    """The criterion's ``reset`` then ``update(pos)`` on the partitioned node.

    Returns ``wl, wr, proxy, impurity_left, impurity_right, value_left,
    value_right``: the proxy improvement scikit-learn's splitter compares and
    the children values its monotonicity check compares (the first output's
    mean, the first class's proportion, or the medians). The sum criteria's
    impurities are computed only when ``final`` (the chosen split), and are
    the squared error's for the Poisson criterion (see
    :func:`~._criterion.poisson_children`).
    """
    sum_total, counts_total = totals
    (
        sum_left,
        counts_left,
        counts_right,
        ranks,
        sorted_y,
        left_err,
        right_err,
        tree_w,
        tree_wy,
        rank_vals,
        rank_idx,
        medians,
        left_median,
        _,
    ) = buffers
    if crit == ABSOLUTE_ERROR:
        wl, wr, imp_left, imp_right = absolute_error_children(
            y,
            w,
            samples,
            start,
            pos,
            end,
            wn,
            ranks,
            sorted_y,
            left_err,
            right_err,
            tree_w,
            tree_wy,
            True,
            rank_vals,
            rank_idx,
            medians,
        )
        proxy = -wr * imp_right - wl * imp_left
        value_left = 0.0
        value_right = 0.0
        if left_median.shape[0] > 0:
            # the medians of the two children, for the monotonicity check
            value_left, value_right = children_medians(
                samples, start, pos, end, ranks[0], sorted_y[0], w, tree_w, tree_wy, left_err
            )
        return wl, wr, proxy, imp_left, imp_right, value_left, value_right
    if final:
        wl, wr, imp_left, imp_right, _ = children_impurity(
            y,
            y_enc,
            w,
            samples,
            start,
            pos,
            end,
            crit,
            sum_total,
            counts_total,
            wn,
            sq_total,
            sum_left,
            counts_left,
            counts_right,
        )
    else:
        wl = update_left(
            y,
            y_enc,
            w,
            samples,
            start,
            pos,
            end,
            crit,
            sum_total,
            counts_total,
            wn,
            sum_left,
            counts_left,
            counts_right,
        )
        wr = wn - wl
    proxy, class_left, class_right = proxy_improvement(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
    if not final:
        imp_left, imp_right = class_left, class_right
    value_left, value_right = children_values(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
    return wl, wr, proxy, imp_left, imp_right, value_left, value_right


@njit(cache=True, nogil=True)
def split_node(
    source,
    sparse_state,
    sparse,
    search_best,
    y,
    y_enc,
    w,
    crit,
    samples,
    start,
    end,
    wn,
    sq_total,
    totals,
    buffers,
    node_impurity,
    total_weight,
    n_known,
    features,
    constant_features,
    max_features,
    min_samples_leaf,
    min_weight_leaf,
    rng_state,
    values,
    monotonic_cst,
    lower,
    upper,
):
    """scikit-learn's ``node_split_random`` (or, with ``search_best``, ``node_split_best``).

    On ``samples[start:end]``, with the dense or the sparse partitioner
    (``source``, ``sparse_state``, ``sparse``: see :mod:`._partitioner`).
    The feature draw, the constant-feature bookkeeping and the final
    partition are scikit-learn's ``node_split_*``; per drawn feature, the
    random splitter draws one threshold and partitions around it, the best
    splitter (sparse input) scans the sorted column
    (:func:`~._sparse_splitter.scan_sorted_feature`). Returns ``feature,
    threshold, pos, impurity_left, impurity_right, improvement,
    n_constant_features, middle_value, missing_go_to_left``; ``pos == end``
    when no split was found. Leaves ``samples[start:pos]`` the left child's
    samples.

    NaN in dense X follow scikit-learn 1.9: a feature whose node values are
    all NaN counts as constant; the best splitter searches once with the
    node's NaN on the right (scoring the split of the values from the NaN,
    at a threshold of ``inf``) and once with them on the left, and keeps the
    side of the better split; the random splitter draws the side with one
    more ``rand_int(0, 2)`` after the threshold.
    """
    n_features = features.shape[0]
    ft = np.float32(FEATURE_THRESHOLD)
    sum_total = totals[0]
    sum_left = buffers[0]
    best_proxy = -np.inf
    best_feature = 0
    best_threshold = 0.0
    best_pos = end
    best_missing_left = False
    current_feature = -1
    f_i = n_features
    n_found = 0
    n_drawn = 0
    n_total_const = n_known
    n_visited = 0
    end_negative = start_positive = start
    init_node_split(source, sparse_state, sparse, samples, start, end, max_features)
    leaf_limits = (min_samples_leaf, min_weight_leaf)
    while f_i > n_total_const and (n_visited < max_features or n_visited <= n_found + n_drawn):
        n_visited += 1
        f_j = _rand_int(n_drawn, f_i - n_found, rng_state)
        if f_j < n_known:
            features[n_drawn], features[f_j] = features[f_j], features[n_drawn]
            n_drawn += 1
            continue
        f_j += n_found
        f = features[f_j]
        current_feature = f
        n_missing = 0
        if search_best and sparse:
            end_negative, start_positive = sort_sparse_feature(source, sparse_state, f, samples, start, end, values)
            lo, hi = values[start], values[end - 1]
        elif search_best:
            n_missing = sort_dense_feature(source[0][f], samples, start, end, values)
            end_negative = start_positive = start
            lo, hi = values[start], values[max(end - n_missing - 1, start)]
        else:
            lo, hi, n_missing = find_min_max(source, sparse_state, sparse, f, samples, start, end, values)
        # all NaN, or constant without NaN (constant values and NaN still
        # split the values from the NaN)
        if end - start == n_missing or (hi <= lo + ft and n_missing == 0):
            features[f_j], features[n_total_const] = features[n_total_const], f
            n_found += 1
            n_total_const += 1
            continue
        f_i -= 1
        features[f_i], features[f_j] = features[f_j], features[f_i]
        cst = monotonic_cst[f]
        constraint = (cst, lower, upper)
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
                continue
        else:
            threshold = _rand_uniform(np.float64(lo), np.float64(hi), rng_state)
            # with NaN in the node, a fair draw sends them left or right
            missing_go_to_left = n_missing > 0 and _rand_int(0, 2, rng_state) == 1
            if threshold == np.float64(hi):
                threshold = np.float64(lo)
            pos = partition_samples(sparse_state, sparse, values, samples, start, end, threshold, missing_go_to_left)
            if pos - start < min_samples_leaf or end - pos < min_samples_leaf:
                continue
            wl, wr, proxy, _, _, value_left, value_right = _reset_update(
                y, y_enc, w, samples, start, pos, end, crit, wn, sq_total, totals, buffers, False
            )
            if wl < min_weight_leaf or wr < min_weight_leaf:
                continue
            if cst != 0 and not monotonic_ok(cst, lower, upper, value_left, value_right):
                continue
        if proxy > best_proxy:
            best_proxy = proxy
            best_feature = f
            best_threshold = threshold
            best_pos = pos
            # without NaN in the node, NaN met later go to the larger child
            best_missing_left = missing_go_to_left if n_missing > 0 else pos - start > end - pos
    imp_left = np.inf
    imp_right = np.inf
    improvement = -np.inf
    middle = 0.0
    if best_pos < end:
        # the best splitter's last sort was another feature's, the random
        # splitter's last partition another candidate's
        if search_best or current_feature != best_feature:
            partition_final(
                source,
                sparse_state,
                sparse,
                best_feature,
                samples,
                start,
                end,
                best_threshold,
                values,
                best_missing_left,
            )
        wl, wr, _, imp_left, imp_right, value_left, value_right = _reset_update(
            y, y_enc, w, samples, start, best_pos, end, crit, wn, sq_total, totals, buffers, True
        )
        if crit == POISSON:
            imp_left, imp_right = poisson_children(y, w, samples, start, best_pos, end, sum_total, sum_left, wl, wr)
        improvement = (wn / total_weight) * (node_impurity - wr / wn * imp_right - wl / wn * imp_left)
        if crit == ABSOLUTE_ERROR:
            middle = (value_left + value_right) / 2
        else:
            middle = middle_value(crit, sum_left, sum_total, buffers[1], buffers[2], wl, wr)
    # restore the known constants' order for the siblings and children, and
    # record the newly found ones
    features[:n_known] = constant_features[:n_known]
    constant_features[n_known:n_total_const] = features[n_known:n_total_const]
    return (
        best_feature,
        best_threshold,
        best_pos,
        imp_left,
        imp_right,
        improvement,
        n_total_const,
        middle,
        best_missing_left,
    )


@njit(cache=True, nogil=True)
def _node_reset(y, y_enc, w, samples, start, end, crit, totals, buffers, value_out):
    """scikit-learn's ``node_reset`` + ``node_impurity`` + ``node_value``.

    Returns ``weighted_n, impurity, sum_of_squares``. For the absolute error
    the value is the medians of the reset the criterion's ``init`` ends with
    (a later reset of the split search replaces them).
    """
    sum_total, counts_total = totals
    if crit == ABSOLUTE_ERROR:
        (_, _, _, ranks, sorted_y, left_err, right_err, tree_w, tree_wy, rank_vals, rank_idx, medians, _, _) = buffers
        wn = 0.0
        for p in range(start, end):
            wn += w[samples[p]]
        n_out = y.shape[1]
        right_err[start:end] = 0.0
        for k in range(n_out):
            ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx)
            medians[k] = absolute_errors_pass(
                samples, start, end, False, end - start, ranks[k], sorted_y[k], w, tree_w, tree_wy, right_err
            )
            value_out[k, 0] = medians[k]
        return wn, right_err[start] / (wn * n_out), 0.0
    wn, sq = criterion_init(y, y_enc, w, samples, start, end, crit, sum_total, counts_total)
    impurity = node_value_impurity(crit, sum_total, counts_total, wn, sq, value_out)
    if crit == POISSON:
        impurity = poisson_loss(y, w, samples, start, end, sum_total, wn)
    return wn, impurity, sq


@njit(cache=True, nogil=True)
def grow_in_place(
    source,
    n_total,
    search_best,
    y,
    y_enc,
    w,
    crit,
    n_classes_max,
    max_depth,
    min_samples_split,
    min_samples_leaf,
    min_weight_leaf,
    min_impurity_decrease,
    max_features,
    seed,
    capacity,
    max_leaf_nodes,
    monotonic_cst,
):
    """Grow a tree on scikit-learn's ``samples`` array, depth first or best first.

    scikit-learn's ``DepthFirstTreeBuilder`` and ``BestFirstTreeBuilder``
    over its in-place splitters: the random splitter (dense or sparse X) and
    the best splitter on sparse X (:func:`split_node`).

    Parameters
    ----------
    source : tuple
        X as the partitioner reads it (:mod:`._partitioner`): X transposed
        (float32, n_features x n_samples) for dense input, the CSC arrays
        for sparse input.
    n_total : int
        Number of samples of X (weight zero included).
    search_best : bool
        The best splitter instead of the random one (dense ``source``: when
        X holds NaN; dense X without NaN grows on presorted rows,
        :mod:`._splitter`).
    y, y_enc, w, crit, n_classes_max, max_depth, min_samples_split,
    min_samples_leaf, min_weight_leaf, min_impurity_decrease, max_features,
    seed, capacity, max_leaf_nodes
        As for :func:`~._splitter.grow_exact`.
    monotonic_cst : int8 array (n_features,)
        -1, 0 or 1 per feature (all 0: no constraint); for classification,
        already negated as scikit-learn negates it (its criterion constrains
        the first class's proportion).

    Returns
    -------
    node_count, max_depth_seen, left, right, feature, threshold, impurity,
    n_node_samples, weighted_n_node_samples, value, missing_go_to_left
    """
    sparse = source[3].shape[0] > 0
    n_features = source[3].shape[0] - 1 if sparse else source[0].shape[0]
    regression = is_regression(crit)
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    rng_state = np.array([seed], dtype=np.int64)
    with_monotonic = np.any(monotonic_cst != 0)

    left, right, feature, threshold, impurity, n_node_samples, wns = empty_nodes(capacity)
    value = np.zeros((capacity, n_out, K))
    missing_go_to_left = np.zeros(capacity, dtype=np.uint8)

    # scikit-learn's weighted_n_samples (every weight) and samples (the
    # positive-weight indices in index order)
    total_weight = 0.0
    n = 0
    for i in range(n_total):
        total_weight += w[i]
        if w[i] > 0.0:
            n += 1
    samples = np.empty(n, dtype=np.int64)
    j = 0
    for i in range(n_total):
        if w[i] > 0.0:
            samples[j] = i
            j += 1

    totals = (np.zeros(n_out), np.zeros((n_out, K)))
    m = n if crit == ABSOLUTE_ERROR else 1
    buffers = (
        np.zeros(n_out),
        np.zeros((n_out, K)),
        np.zeros((n_out, K)),
        np.zeros((n_out, n_total if crit == ABSOLUTE_ERROR else 1), dtype=np.int64),
        np.zeros((n_out, m)),
        np.zeros(m),
        np.zeros(m),
        np.zeros(m + 1),
        np.zeros(m + 1),
        np.empty(m),
        np.empty(m, dtype=np.int64),
        np.zeros(n_out),
        # the prefix and suffix medians of a monotonic absolute error
        np.zeros(m if with_monotonic else 0),
        np.zeros(m if with_monotonic else 0),
    )
    sparse_state = sparse_partitioner(source, samples, n_total, sparse)
    values = np.empty(n, dtype=np.float32)
    features = np.arange(n_features)
    constant_features = np.arange(n_features)

    # the nodes to create, depth first, the root first
    stack = empty_stack(capacity)
    (st_start, st_end, st_depth, st_parent, st_is_left, st_impurity, st_nconst, st_lower, st_upper) = stack
    top = stack_push(stack, 0, 0, n, 0, -1, False, np.inf, 0, -np.inf, np.inf)

    # best first: every node created goes on the frontier (a leaf with
    # improvement 0); its split is found when it is created
    best_first = max_leaf_nodes > 0
    split_budget = max_leaf_nodes - 1
    (heap, r_improvement, r_start, r_pos, r_end, r_depth, r_is_leaf, r_imp_left, r_imp_right) = empty_frontier(
        capacity, best_first
    )
    frontier = (r_improvement, r_start, r_pos, r_end, r_depth, r_is_leaf, r_imp_left, r_imp_right)
    # the bounds of monotonic constraints, and the split's middle value
    r_lower = np.empty(heap.shape[0])
    r_upper = np.empty(heap.shape[0])
    r_middle = np.empty(heap.shape[0])
    h_size = 0

    node_count = 0
    max_depth_seen = 0
    first = True
    while top > 0 or h_size > 0:
        if top == 0:
            node, h_size, split_budget, top = expand_best_first(
                heap,
                h_size,
                split_budget,
                frontier,
                (r_lower, r_upper, r_middle),
                feature,
                threshold,
                monotonic_cst,
                stack,
                top,
            )
            if r_depth[node] > max_depth_seen:
                max_depth_seen = r_depth[node]
            continue
        top -= 1
        start, end, depth = st_start[top], st_end[top], st_depth[top]
        parent, is_left = st_parent[top], st_is_left[top]
        node_impurity = st_impurity[top]
        lower, upper = st_lower[top], st_upper[top]
        n_known = 0 if best_first else st_nconst[top]
        n_node = end - start

        node = node_count
        node_count += 1
        wn, fresh_impurity, sq_total = _node_reset(y, y_enc, w, samples, start, end, crit, totals, buffers, value[node])
        if first:
            node_impurity = fresh_impurity
            first = False
        is_leaf = (
            depth >= max_depth
            or n_node < min_samples_split
            or n_node < 2 * min_samples_leaf
            or wn < 2 * min_weight_leaf
            or node_impurity <= EPSILON
        )
        pos = end
        n_const = n_known
        imp_left = imp_right = improvement = middle = 0.0
        if not is_leaf:
            (best_feature, thr, pos, imp_left, imp_right, improvement, n_const, middle, goes_left) = split_node(
                source,
                sparse_state,
                sparse,
                search_best,
                y,
                y_enc,
                w,
                crit,
                samples,
                start,
                end,
                wn,
                sq_total,
                totals,
                buffers,
                node_impurity,
                total_weight,
                n_known,
                features,
                constant_features,
                max_features,
                min_samples_leaf,
                min_weight_leaf,
                rng_state,
                values,
                monotonic_cst,
                lower,
                upper,
            )
            is_leaf = pos >= end or improvement + EPSILON < min_impurity_decrease
            if crit == ABSOLUTE_ERROR:
                # the last reset's medians are the node value
                value[node, :, 0] = buffers[11]
            if not is_leaf:
                feature[node] = best_feature
                threshold[node] = thr
                missing_go_to_left[node] = goes_left
        if with_monotonic:
            clip_value(value[node], crit, lower, upper)
        if parent >= 0:
            if is_left:
                left[parent] = node
            else:
                right[parent] = node
        impurity[node] = node_impurity
        n_node_samples[node] = n_node
        wns[node] = wn

        if best_first:
            r_start[node], r_end[node], r_depth[node] = start, end, depth
            r_is_leaf[node] = is_leaf
            r_lower[node], r_upper[node], r_middle[node] = lower, upper, middle
            r_pos[node] = end if is_leaf else pos
            r_improvement[node] = 0.0 if is_leaf else improvement
            r_imp_left[node], r_imp_right[node] = imp_left, imp_right
            frontier_push(heap, h_size, r_improvement, node)
            h_size += 1
            continue
        if depth > max_depth_seen:
            max_depth_seen = depth
        if is_leaf:
            continue
        lo_left, hi_left, lo_right, hi_right = child_bounds(monotonic_cst[feature[node]], lower, upper, middle)
        top = stack_push(stack, top, pos, end, depth + 1, node, False, imp_right, n_const, lo_right, hi_right)
        top = stack_push(stack, top, start, pos, depth + 1, node, True, imp_left, n_const, lo_left, hi_left)

    return (
        node_count,
        max_depth_seen,
        left[:node_count],
        right[:node_count],
        feature[:node_count],
        threshold[:node_count],
        impurity[:node_count],
        n_node_samples[:node_count],
        wns[:node_count],
        value[:node_count],
        # a best-first node whose split was found keeps its side when the
        # budget leaves it a leaf, as in scikit-learn's node store
        missing_go_to_left[:node_count],
    )
