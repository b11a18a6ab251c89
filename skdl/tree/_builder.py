"""The CART tree builder: depth first or best first, with a splitter plugged in.

Private numba kernels, scikit-learn's ``DepthFirstTreeBuilder`` and
``BestFirstTreeBuilder`` (``sklearn/tree/_tree.pyx``) over its ``Splitter``
(``_splitter.pyx``), step for step. :func:`grow_tree` is the one builder:
one node store, one stopping rule, one criterion reset per node, one
feature draw (:func:`node_split`), one best-first frontier
(:mod:`._frontier`). What differs between the splitters is what they do
with a drawn feature, and how they partition the node for the chosen split;
those are the plugged pieces, chosen by ``splitter`` (an integer, so that
numba compiles and caches one builder for all of them):

- ``PRESORTED`` (:mod:`._splitter`): the best splitter on dense X without
  NaN, over rows of the samples presorted by each feature;
- ``IN_PLACE_RANDOM`` and ``IN_PLACE_BEST`` (:mod:`._random_splitter`): the
  random splitter, dense or sparse, and the best splitter on sparse X or on
  dense X with NaN, which sort or partition scikit-learn's ``samples``
  array in place through a partitioner (:mod:`._partitioner`).

A splitter plugs in three pieces, each called at one place of the builder:
its evaluation of one drawn feature (``constant, proxy, pos, threshold,
missing_go_to_left``), its final partition of the chosen split (which
leaves ``samples[start:pos]`` the left child), and what it does once a
split is kept (the presorted splitter partitions its rows). The builder
does the rest with the node's samples in the order the splitter leaves
them, so every float sum is scikit-learn's.
"""

import numpy as np
from numba import njit

from ._criterion import (
    ABSOLUTE_ERROR,
    POISSON,
    absolute_error_children,
    absolute_error_sums_exact,
    absolute_errors_pass,
    child_bounds,
    children_impurity,
    children_medians,
    clip_value,
    criterion_buffers,
    criterion_init,
    is_regression,
    middle_value,
    node_value_impurity,
    poisson_children,
    poisson_loss,
    ranks_like_sklearn,
)
from ._frontier import empty_frontier, empty_stack, expand_best_first, frontier_push, stack_push
from ._partitioner import init_node_split, sparse_partitioner
from ._random_splitter import in_place_feature, in_place_partition, is_sparse, rand_int, source_n_features
from ._splitter import (
    presorted_feature,
    presorted_feature_absolute_error,
    presorted_partition,
    presorted_scratch,
    presorted_split_rows,
)
from ._tree import EPSILON, empty_nodes

PRESORTED, IN_PLACE_RANDOM, IN_PLACE_BEST = 0, 1, 2


@njit(cache=True, nogil=True)
def _root_samples(w):
    """scikit-learn's ``weighted_n_samples`` (every weight, in index order) and
    ``samples`` (the positive-weight indices, in index order)."""
    total_weight = 0.0
    n = 0
    for i in range(w.shape[0]):
        total_weight += w[i]
        if w[i] > 0.0:
            n += 1
    samples = np.empty(n, dtype=np.int64)
    j = 0
    for i in range(w.shape[0]):
        if w[i] > 0.0:
            samples[j] = i
            j += 1
    return total_weight, samples


@njit(cache=True, nogil=True)
def node_reset(y, y_enc, w, samples, start, end, crit, totals, buffers, value_out, carry):
    """scikit-learn's ``node_reset`` + ``node_impurity`` + ``node_value``.

    Returns ``weighted_n, impurity, sum_of_squares, tied``. For the absolute
    error the value is the medians of the reset the criterion's ``init``
    ends with (a later reset of the split search replaces them, see
    :func:`grow_tree`), and ``tied`` whether two targets of the node are
    equal (their ranks then follow each reset's order). For the sum and
    class criteria, a node whose segment is ``carry``'s (a left child
    right after its parent, whose final forward update summed the same
    samples in the same order) takes its totals from there.
    """
    sum_total, counts_total = totals
    carry_segment, carry_weights, carry_sum, carry_counts = carry
    if crit == ABSOLUTE_ERROR:
        ranks, sorted_y, _, right_err, tree_w, tree_wy, rank_vals, rank_idx, medians = buffers[3:12]
        wn = 0.0
        for p in range(start, end):
            wn += w[samples[p]]
        n_out = y.shape[1]
        right_err[start:end] = 0.0
        tied = False
        for k in range(n_out):
            if ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx):
                tied = True
            medians[k] = absolute_errors_pass(
                samples, start, end, False, end - start, ranks[k], sorted_y[k], w, tree_w, tree_wy, right_err
            )
            value_out[k, 0] = medians[k]
        return wn, right_err[start] / (wn * n_out), 0.0, tied
    if carry_segment[0] == start and carry_segment[1] == end:
        sum_total[:] = carry_sum
        counts_total[:, :] = carry_counts
        wn, sq = carry_weights[0], carry_weights[1]
    else:
        wn, sq = criterion_init(y, y_enc, w, samples, start, end, crit, sum_total, counts_total)
    carry_segment[0] = -1
    impurity = node_value_impurity(crit, sum_total, counts_total, wn, sq, value_out)
    if crit == POISSON:
        impurity = poisson_loss(y, w, samples, start, end, sum_total, wn)
    return wn, impurity, sq, False


@njit(cache=True, nogil=True)
def split_children(y, y_enc, w, samples, split, crit, totals, buffers, rerank, carry):
    """The criterion reset on the partitioned node: its children's weights and impurities.

    ``split = (start, pos, end, weighted_n, sum_of_squares)``. Returns
    ``wl, wr, impurity_left, impurity_right, middle`` (``middle``: the
    bound a monotonic constraint puts between the children). The absolute
    error writes the node's medians (its value) to ``buffers[11]``; the sum
    and class criteria keep the left child's totals in ``carry`` when
    their last update went forward (:func:`node_reset`).
    """
    start, pos, end, wn, sq_total = split
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = buffers[:3]
    if crit == ABSOLUTE_ERROR:
        wl, wr, imp_left, imp_right = absolute_error_children(y, w, samples, start, pos, end, wn, buffers[3:], rerank)
        middle = 0.0
        if buffers[12].shape[0] > 0:
            ranks, sorted_y, left_err, _, tree_w, tree_wy = buffers[3:9]
            median_left, median_right = children_medians(
                samples, start, pos, end, ranks[0], sorted_y[0], w, tree_w, tree_wy, left_err
            )
            middle = (median_left + median_right) / 2
        return wl, wr, imp_left, imp_right, middle
    wl, wr, imp_left, imp_right, sq_left = children_impurity(
        y, y_enc, w, samples, start, pos, end, crit, totals, wn, sq_total, buffers[:3]
    )
    if crit == POISSON:
        imp_left, imp_right = poisson_children(y, w, samples, start, pos, end, sum_total, sum_left, wl, wr)
    middle = middle_value(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
    if pos - start <= end - pos:
        carry_segment, carry_weights, carry_sum, carry_counts = carry
        carry_segment[0], carry_segment[1] = start, pos
        carry_weights[0], carry_weights[1] = wl, sq_left
        carry_sum[:] = sum_left
        carry_counts[:, :] = counts_left
    return wl, wr, imp_left, imp_right, middle


@njit(cache=True, nogil=True)
def node_split(splitter, parts, samples, values, y, y_enc, w, crit, node, totals, buffers, limits, draw, constraint):
    """scikit-learn's ``node_split``: the feature draw, each drawn feature given to the splitter.

    The draw is scikit-learn's: Fisher-Yates over ``features`` with its
    xorshift generator (``rng_state``), the ``n_known`` constant features
    known from the ancestors skipped, a feature the splitter finds constant
    moved among them, at least ``max_features`` features visited and more
    while only constants were found (``draw = (features,
    constant_features, n_known, max_features, rng_state)``). ``parts`` are
    the splitters' data (:func:`grow_tree`), ``node = (start, end,
    weighted_n, rerank)``, ``limits = (min_samples_leaf, min_weight_leaf,
    track)``. Returns ``feature, threshold, pos, missing_go_to_left,
    n_constant_features, last_feature`` of the split of largest proxy
    improvement (``pos < 0``: none); the known constants' order is restored
    for the siblings and the children, and the newly found ones recorded.
    """
    rows, presorted, partitioner = parts
    features, constant_features, n_known, max_features, rng_state = draw
    start, end, wn, rerank = node
    min_samples_leaf, min_weight_leaf, track = limits
    cst_all, lower, upper = constraint
    # the arrays bound once per node: the per-feature kernels take them one
    # by one (numba counts a reference per array, per tuple member, per call)
    Xt, sorted_idx = rows
    _, _, tied, current, positions = presorted
    sum_total, counts_total = totals
    sum_left, counts_left, counts_right = buffers[0], buffers[1], buffers[2]
    criterion = (y, y_enc, w, crit, totals, buffers)
    search_best = splitter == IN_PLACE_BEST
    if splitter == PRESORTED:
        presorted[3][0] = -1
    else:
        source, sparse_state = partitioner
        init_node_split(source, sparse_state, is_sparse(source), samples, start, end, max_features)
    best_proxy = -np.inf
    best_feature = 0
    best_threshold = 0.0
    best_pos = -1
    best_missing_left = False
    last_feature = -1
    f_i = features.shape[0]
    n_found = 0
    n_drawn = 0
    n_total_const = n_known
    n_visited = 0
    while f_i > n_total_const and (n_visited < max_features or n_visited <= n_found + n_drawn):
        n_visited += 1
        f_j = rand_int(n_drawn, f_i - n_found, rng_state)
        if f_j < n_known:
            features[n_drawn], features[f_j] = features[f_j], features[n_drawn]
            n_drawn += 1
            continue
        f_j += n_found
        f = features[f_j]
        last_feature = f
        if splitter == PRESORTED and crit == ABSOLUTE_ERROR:
            constant, proxy, pos, threshold, missing_left = presorted_feature_absolute_error(
                Xt, sorted_idx, tied, current, positions, f, samples, values, y, w, buffers, node, limits,
                (cst_all[f], lower, upper),
            )  # fmt: skip
        elif splitter == PRESORTED:
            constant, proxy, pos, threshold, missing_left = presorted_feature(
                Xt, sorted_idx, tied, current, positions, f, samples, values, y, y_enc, w, crit, sum_total,
                counts_total, sum_left, counts_left, counts_right, start, end, wn, min_samples_leaf,
                min_weight_leaf, track, cst_all[f], lower, upper,
            )  # fmt: skip
        else:
            feature_constraint = (cst_all[f], lower, upper)
            constant, proxy, pos, threshold, missing_left = in_place_feature(
                partitioner, search_best, f, samples, values, criterion, node, limits, feature_constraint, rng_state
            )
        if constant:
            features[f_j], features[n_total_const] = features[n_total_const], f
            n_found += 1
            n_total_const += 1
            continue
        f_i -= 1
        features[f_i], features[f_j] = features[f_j], features[f_i]
        if pos >= 0 and proxy > best_proxy:
            best_proxy = proxy
            best_feature = f
            best_threshold = threshold
            best_pos = pos
            best_missing_left = missing_left
    features[:n_known] = constant_features[:n_known]
    constant_features[n_known:n_total_const] = features[n_known:n_total_const]
    return best_feature, best_threshold, best_pos, best_missing_left, n_total_const, last_feature


@njit(cache=True, nogil=True)
def grow_tree(
    splitter, rows, source, y, y_enc, w, crit, n_classes_max, rules, capacity, max_leaf_nodes, exact_sums, cst
):
    """Grow a tree with the splitter ``splitter``, depth first or best first.

    Parameters
    ----------
    splitter : int
        ``PRESORTED``, ``IN_PLACE_RANDOM`` or ``IN_PLACE_BEST``.
    rows : tuple
        The presorted splitter's ``(Xt, sorted_idx)``
        (:func:`~._splitter.presorted_rows`; empty for the other splitters):
        X transposed (float32, n_features x n_samples_total) and, for each
        feature, the indices of the samples to grow on (positive weight)
        sorted by that feature, modified in place.
    source : tuple
        X as the in-place splitters' partitioner reads it
        (:mod:`._partitioner`; an empty dense source for the presorted
        splitter).
    y, y_enc, w : see :func:`~._criterion.node_statistics`.
    crit : int
    n_classes_max : int
        1 for regression.
    rules : tuple
        ``max_depth, min_samples_split, min_samples_leaf, min_weight_leaf,
        min_impurity_decrease, max_features, seed``: the stopping rules, the
        number of features examined per node (a random subset when fewer
        than n_features) and the seed of the feature draws (and of the
        random splitter's thresholds).
    capacity : int
        Upper bound on the number of nodes.
    max_leaf_nodes : int
        -1 grows depth first. Otherwise the tree grows best first, as
        scikit-learn's ``BestFirstTreeBuilder``: each node's split is found
        when the node is created, and the frontier node whose split most
        decreases the impurity is split next, until the tree has
        ``max_leaf_nodes`` leaves.
    exact_sums : bool
        True when every weighted sum of the criterion is an integer small
        enough to be exact in float64 (integer weights and, for regression,
        integer targets), so that the order in which samples are added does
        not change any number: the presorted splitter then need not sort
        tied feature values as scikit-learn sorts them. For the absolute
        error the presorted splitter also finds this out itself (integer
        weights and targets, see
        :func:`~._criterion.absolute_error_sums_exact`).
    cst : int8 array (n_features,)
        ``monotonic_cst``: -1, 0 or 1 per feature (all 0: no constraint);
        for classification, already negated as scikit-learn negates it (its
        criterion constrains the first class's proportion).

    Returns
    -------
    node_count, max_depth_seen, left, right, feature, threshold, impurity,
    n_node_samples, weighted_n_node_samples, value, missing_go_to_left

    Notes
    -----
    The absolute error's node value is the medians of the criterion's last
    reset, as scikit-learn's ``MAE``: at the node (the value of a node not
    searched), for each feature scanned (the value of a node searched
    without a split) and after the partition (the node's value when split).
    """
    max_depth, min_samples_split, min_samples_leaf, min_weight_leaf, min_impurity_decrease, max_features, seed = rules
    regression = is_regression(crit)
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    rng_state = np.array([seed], dtype=np.int64)
    if splitter == PRESORTED and crit == ABSOLUTE_ERROR and not exact_sums:
        exact_sums = absolute_error_sums_exact(y, w)
    track = not exact_sums
    with_monotonic = np.any(cst != 0)
    n_total = w.shape[0]
    total_weight, samples = _root_samples(w)
    n = samples.shape[0]
    n_features = rows[1].shape[0] if splitter == PRESORTED else source_n_features(source)

    left, right, feature, threshold, impurity, n_node_samples, wns = empty_nodes(capacity)
    # value grows by doubling: with many classes a full-size block would be large
    value = np.zeros((min(capacity, 1024), n_out, K))
    missing_go_to_left = np.zeros(capacity, dtype=np.uint8)

    totals, buffers = criterion_buffers(crit, n_out, K, n_total, n, with_monotonic)
    carry = (np.full(2, -1, dtype=np.int64), np.zeros(2), np.zeros(n_out), np.zeros((n_out, K)))
    partitioner = (source, sparse_partitioner(source, samples, n_total, is_sparse(source)))
    parts = (rows, presorted_scratch(rows, n_total), partitioner)
    search_best = splitter == IN_PLACE_BEST
    values = np.empty(n, dtype=np.float32)
    features = np.arange(n_features)
    # scikit-learn's ``constant_features``: the order of the known constant
    # features at the front of ``features``, restored after each node's draws
    constant_features = np.arange(n_features)
    limits = (min_samples_leaf, min_weight_leaf, track)

    # the nodes to create, depth first, the root first
    stack = empty_stack(capacity)
    st_start, st_end, st_depth, st_parent, st_is_left, st_impurity, st_nconst, st_lower, st_upper = stack
    top = stack_push(stack, 0, 0, n, 0, -1, False, np.inf, 0, -np.inf, np.inf)
    # best first: every node created goes on the frontier (a leaf with
    # improvement 0); its split is found when it is created
    best_first = max_leaf_nodes > 0
    split_budget = max_leaf_nodes - 1
    heap, r_improvement, r_start, r_pos, r_end, r_depth, r_is_leaf, r_imp_left, r_imp_right = empty_frontier(
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
                heap, h_size, split_budget, frontier, (r_lower, r_upper, r_middle), feature, threshold, cst, stack, top
            )
            continue
        top -= 1
        start, end, depth = st_start[top], st_end[top], st_depth[top]
        parent, is_left = st_parent[top], st_is_left[top]
        node_impurity = st_impurity[top]
        lower, upper = st_lower[top], st_upper[top]
        n_known = st_nconst[top]
        n_node = end - start

        node = node_count
        node_count += 1
        if node == value.shape[0]:
            bigger = np.zeros((min(2 * node, capacity), n_out, K))
            bigger[:node] = value
            value = bigger
        wn, fresh_impurity, sq_total, tied = node_reset(
            y, y_enc, w, samples, start, end, crit, totals, buffers, value[node], carry
        )
        rerank = tied and track
        if first:
            node_impurity = fresh_impurity
            first = False
        # scikit-learn's stopping rule
        is_leaf = (
            depth >= max_depth
            or n_node < min_samples_split
            or n_node < 2 * min_samples_leaf
            or wn < 2 * min_weight_leaf
            or node_impurity <= EPSILON
        )
        pos = -1
        n_const = n_known
        imp_left = imp_right = improvement = middle = 0.0
        if not is_leaf:
            draw = (features, constant_features, n_known, max_features, rng_state)
            node_state = (start, end, wn, rerank)
            constraint = (cst, lower, upper)
            best_feature, thr, pos, goes_left, n_const, last_feature = node_split(
                splitter,
                parts,
                samples,
                values,
                y,
                y_enc,
                w,
                crit,
                node_state,
                totals,
                buffers,
                limits,
                draw,
                constraint,
            )
            if pos >= 0:
                # the splitter's final partition, then the criterion's reset on it
                if splitter == PRESORTED:
                    presorted_partition(rows, parts[1], best_feature, samples, start, pos, end, track)
                else:
                    split = (best_feature, thr, goes_left, last_feature)
                    in_place_partition(partitioner, search_best, split, samples, start, end, values)
                wl, wr, imp_left, imp_right, middle = split_children(
                    y, y_enc, w, samples, (start, pos, end, wn, sq_total), crit, totals, buffers, rerank, carry
                )
                improvement = (wn / total_weight) * (node_impurity - wr / wn * imp_right - wl / wn * imp_left)
            is_leaf = pos < 0 or improvement + EPSILON < min_impurity_decrease
            if crit == ABSOLUTE_ERROR:
                # the last reset's medians are the node value
                value[node, :, 0] = buffers[11]
            if not is_leaf:
                feature[node] = best_feature
                threshold[node] = thr
                missing_go_to_left[node] = goes_left
                if splitter == PRESORTED:
                    presorted_split_rows(rows, parts[1], best_feature, start, end)
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
        if depth > max_depth_seen:
            max_depth_seen = depth

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
        if is_leaf:
            continue
        lo_left, hi_left, lo_right, hi_right = child_bounds(cst[feature[node]], lower, upper, middle)
        # right child first so that the left child is grown (and numbered) first
        top = stack_push(stack, top, pos, end, depth + 1, node, False, imp_right, n_const, lo_right, hi_right)
        top = stack_push(stack, top, start, pos, depth + 1, node, True, imp_left, n_const, lo_left, hi_left)

    kept = node_count
    structure = (left[:kept], right[:kept], feature[:kept], threshold[:kept])
    statistics = (impurity[:kept], n_node_samples[:kept], wns[:kept], value[:kept])
    # a best-first node whose split was found keeps its side when the
    # budget leaves it a leaf, as in scikit-learn's node store
    return (node_count, max_depth_seen) + structure + statistics + (missing_go_to_left[:kept],)
