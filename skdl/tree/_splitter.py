"""Exact ("best") split search and depth-first growth of a CART tree.

Private numba kernels. The exact route keeps, for every feature, the indices
of the training samples sorted by that feature (computed once per fit, or
passed in by an ensemble that refits on the same X). The samples of a node are
a segment ``[start, end)`` of every sorted row; after a split each row's
segment is partitioned stably into the left and the right child, so the rows
stay sorted and no node ever sorts again. Each node costs
``O(n_node * n_features)`` (plus ``log n_node`` for the absolute error).

The search follows scikit-learn's ``BestSplitter``: candidate positions lie
between two consecutive sorted values that differ by more than
``FEATURE_THRESHOLD``; a position is skipped if a child would have fewer than
``min_samples_leaf`` samples or less than ``min_weight_leaf`` weight; the
threshold is the midpoint of the two values; the proxy improvement is the same
expression. Growth is depth first with the same stopping rules.

Beyond the formulas, the float sums are scikit-learn's to the last bit: the
kernel also keeps scikit-learn's ``samples`` array (the node's samples in the
order its splitter leaves them) and adds samples in that order, sorting a
feature with scikit-learn's introsort (:mod:`._sort`) where its node values
have ties. Candidates that tie in exact arithmetic then break the same way,
and the tree is scikit-learn's bit for bit (see ``grow_exact``). The absolute
error repeats scikit-learn's ``MAE`` criterion the same way: its Fenwick-tree
passes over each order its splitter resets it in (the node's, each feature's,
the partition's), see :mod:`._criterion`.
"""

import numpy as np
from numba import njit

from ..utils._random import rand_r
from ._absolute_error_scan import _scan_absolute_error_medians
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
    criterion_init,
    is_regression,
    middle_value,
    node_value_impurity,
    poisson_children,
    poisson_loss,
    ranks_like_sklearn,
    sums_targets,
)
from ._exact_scan import (
    has_ties,
    partition_final,
    partition_rows,
    scan_classification,
    scan_squared_error,
    sort_like_sklearn,
    threshold_between,
)
from ._frontier import (
    empty_frontier,
    empty_stack,
    expand_best_first,
    frontier_push,
    stack_push,
)
from ._tree import EPSILON, FEATURE_THRESHOLD, empty_nodes


@njit(cache=True, nogil=True)
def grow_exact(
    Xt,
    sorted_idx,
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
    exact_sums,
    monotonic_cst,
):
    """Grow a tree depth first with the exact split search.

    Parameters
    ----------
    Xt : float32 array (n_features, n_samples_total)
        X transposed.
    sorted_idx : int array (n_features, n_samples)
        For each feature, the indices of the samples to grow on (positive
        weight), sorted by that feature. Modified in place.
    y, y_enc, w : see :func:`~._criterion.node_statistics`.
    crit : int
    n_classes_max : int
        1 for regression.
    max_depth, min_samples_split, min_samples_leaf : int
    min_weight_leaf, min_impurity_decrease : float
    max_features : int
        Features examined per node (random subset when < n_features).
    seed : int
        Seeds the feature draws.
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
        not change any number: tied feature values then need not be sorted
        as scikit-learn sorts them. For the absolute error the kernel also
        finds this out itself (integer weights and targets, see
        :func:`~._criterion.absolute_error_sums_exact`).

    Returns
    -------
    node_count, max_depth_seen, left, right, feature, threshold, impurity,
    n_node_samples, weighted_n_node_samples, value, missing_go_to_left

    Notes
    -----
    Besides the sorted rows, the kernel keeps scikit-learn's ``samples``
    array: the node's samples in the order scikit-learn's splitter leaves
    them (its introsort of the last feature examined, then its partition of
    the chosen split). Node totals, values, impurities and the children's
    statistics are summed in that order, and a feature whose node values
    have ties is scanned in scikit-learn's sort order, so every float sum,
    and hence every split, is scikit-learn's. A feature without ties in the
    node has a unique sorted order: its presorted row is that order and no
    sort is needed. The absolute error computes its prefix and suffix
    errors, node values and impurities as scikit-learn's ``MAE`` criterion
    does at each reset: at the node (the root's impurity, the value of a
    node not searched), for each feature scanned (the value of a node
    searched without a split) and after the partition (the children's
    impurities and the node's value).
    """
    n_features, n = sorted_idx.shape
    regression = is_regression(crit)
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    rng_state = np.array([seed], dtype=np.int64)
    if crit == ABSOLUTE_ERROR and not exact_sums:
        exact_sums = absolute_error_sums_exact(y, w)
    track = not exact_sums

    left, right, feature, threshold, impurity, n_node_samples, wns = empty_nodes(capacity)
    # value grows by doubling: with many classes a full-size block would be large
    value = np.zeros((min(capacity, 1024), n_out, K))
    # X has no NaN on this route: a NaN met at predict time goes to the larger child
    missing_go_to_left = np.zeros(capacity, dtype=np.uint8)

    # scikit-learn's weighted_n_samples: every weight, in index order
    n_total = w.shape[0]
    total_weight = 0.0
    for i in range(n_total):
        total_weight += w[i]
    # scikit-learn's samples: the positive-weight indices in index order
    samples = np.empty(n, dtype=sorted_idx.dtype)
    j = 0
    for i in range(n_total):
        if w[i] > 0.0:
            samples[j] = i
            j += 1

    # scratch
    sum_left = np.zeros(n_out)
    sum_total = np.zeros(n_out)
    counts_left = np.zeros((n_out, K))
    counts_right = np.zeros((n_out, K))
    counts_total = np.zeros((n_out, K))
    values = np.empty(n, dtype=np.float32)
    tied = np.empty(n, dtype=np.float32)
    # the left child's totals when the parent's final update went forward
    carry_start, carry_end = -1, -1
    carry_sum = np.zeros(n_out)
    carry_counts = np.zeros((n_out, K))
    carry_w, carry_sq = 0.0, 0.0
    goes_left = np.zeros(n_total, dtype=np.bool_)
    tmp = np.empty(n, dtype=sorted_idx.dtype)
    features = np.arange(n_features)
    # scikit-learn's ``constant_features``: the order of the known constant
    # features at the front of ``features``, restored after each node's draws
    constant_features = np.arange(n_features)
    ft = np.float32(FEATURE_THRESHOLD)
    # absolute error: ranks of the samples by target, per output, and the
    # prefix / suffix errors of scikit-learn's MAE criterion
    m = n if crit == ABSOLUTE_ERROR else 1
    ranks = np.zeros((n_out, n_total if crit == ABSOLUTE_ERROR else 1), dtype=np.int64)
    sorted_y = np.zeros((n_out, m))
    left_err = np.zeros(m)
    right_err = np.zeros(m)
    tree_w = np.zeros(m + 1)
    tree_wy = np.zeros(m + 1)
    rank_vals = np.empty(m)
    rank_idx = np.empty(m, dtype=np.int64)
    scan_medians = np.zeros(n_out)

    stack = empty_stack(capacity)
    (st_start, st_end, st_depth, st_parent, st_is_left, st_impurity, st_nconst, st_lower, st_upper) = stack
    # the root is the stack's only entry
    top = stack_push(stack, 0, 0, n, 0, -1, False, np.inf, 0, -np.inf, np.inf)
    with_monotonic = np.any(monotonic_cst != 0)
    # the absolute error's prefix / suffix medians, for monotonic constraints
    left_medians = np.zeros(m if with_monotonic else 0)
    right_medians = np.zeros(m if with_monotonic else 0)
    node_count = 0
    max_depth_seen = 0
    first = True

    # best first (scikit-learn's BestFirstTreeBuilder): every node created
    # goes on the frontier, a leaf with improvement 0
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

    while top > 0 or h_size > 0:
        if top == 0:
            # best first: expand the frontier node with the largest improvement
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
            continue
        top -= 1
        start = st_start[top]
        end = st_end[top]
        depth = st_depth[top]
        parent = st_parent[top]
        is_left = st_is_left[top]
        node_impurity = st_impurity[top]
        lower, upper = st_lower[top], st_upper[top]
        n_node = end - start

        node = node_count
        node_count += 1
        if node == value.shape[0]:
            bigger = np.zeros((min(2 * node, capacity), n_out, K))
            bigger[:node] = value
            value = bigger
        sq_total = 0.0
        rerank = False
        if crit == ABSOLUTE_ERROR:
            # scikit-learn's MAE.init: the node weight, then a reset in the
            # order the node's samples arrive in; its backward pass gives the
            # node value (unless a later reset replaces it, see below) and,
            # at the root, the impurity
            wn = 0.0
            for p in range(start, end):
                wn += w[samples[p]]
            right_err[start:end] = 0.0
            for k in range(n_out):
                if ranks_like_sklearn(y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx):
                    # tied targets: their ranks follow each reset's order
                    rerank = track
                value[node, k, 0] = absolute_errors_pass(
                    samples,
                    start,
                    end,
                    False,
                    n_node,
                    ranks[k],
                    sorted_y[k],
                    w,
                    tree_w,
                    tree_wy,
                    right_err,
                )
            fresh_impurity = right_err[start] / (wn * n_out)
        else:
            if start == carry_start and end == carry_end:
                # a left child right after its parent: the parent's forward
                # update summed the same samples in the same order
                sum_total[:] = carry_sum
                counts_total[:, :] = carry_counts
                wn, sq_total = carry_w, carry_sq
            else:
                wn, sq_total = criterion_init(y, y_enc, w, samples, start, end, crit, sum_total, counts_total)
            carry_start = -1
            fresh_impurity = node_value_impurity(crit, sum_total, counts_total, wn, sq_total, value[node])
            if crit == POISSON:
                fresh_impurity = poisson_loss(y, w, samples, start, end, sum_total, wn)
        if first:
            node_impurity = fresh_impurity
            first = False
        is_leaf = (
            depth >= max_depth
            or n_node < min_samples_split
            or n_node < 2 * min_samples_leaf
            or wn < 2 * min_weight_leaf
        )
        is_leaf = is_leaf or node_impurity <= EPSILON

        best_feature = -1
        best_pos = -1
        imp_left = 0.0
        imp_right = 0.0
        improvement = 0.0
        middle = 0.0
        thr = 0.0
        n_total_const = 0
        if not is_leaf:
            best_proxy = -np.inf
            # Which order ``samples[start:end]`` is in, as scikit-learn's sorts
            # leave it: -1 the array itself, f >= 0 the presorted row of
            # feature f (copied into ``samples`` only when needed).
            current = -1
            # scikit-learn's feature draw (Fisher-Yates with its xorshift
            # generator, known constant features skipped), so that ties
            # between features break the same way.
            n_known = st_nconst[top]
            f_i = n_features
            n_visited = 0
            n_found = 0
            n_drawn = 0
            n_total_const = n_known
            while f_i > n_total_const and (n_visited < max_features or n_visited <= n_found + n_drawn):
                n_visited += 1
                rng_state[0] = rand_r(rng_state[0])
                f_j = n_drawn + (rng_state[0] % 2147483648) % (f_i - n_found - n_drawn)
                if f_j < n_known:
                    features[n_drawn], features[f_j] = features[f_j], features[n_drawn]
                    n_drawn += 1
                    continue
                f_j += n_found
                f = features[f_j]
                order = sorted_idx[f]
                xrow = Xt[f]
                x_lo = xrow[order[start]]
                x_hi = xrow[order[end - 1]]
                if x_hi <= x_lo + ft:
                    # constant for the split search; scikit-learn sorted it all
                    # the same, which reorders values that are not all equal
                    if track and x_hi != x_lo:
                        if has_ties(xrow, order, start, end):
                            if current >= 0:
                                samples[start:end] = sorted_idx[current, start:end]
                            sort_like_sklearn(xrow, order, samples, start, end, values, tied)
                            current = -1
                        else:
                            current = f
                    features[f_j], features[n_total_const] = features[n_total_const], features[f_j]
                    n_found += 1
                    n_total_const += 1
                    continue
                f_i -= 1
                features[f_i], features[f_j] = features[f_j], features[f_i]
                cst = monotonic_cst[f]
                if sums_targets(crit):
                    proxy, pos = scan_squared_error(
                        xrow,
                        y,
                        w,
                        order,
                        start,
                        end,
                        sum_total,
                        wn,
                        min_samples_leaf,
                        min_weight_leaf,
                        sum_left,
                        track,
                        False,
                        crit == POISSON,
                        cst,
                        lower,
                        upper,
                    )
                elif crit == ABSOLUTE_ERROR:
                    # the passes see every sample: sort tied values first
                    if track and has_ties(xrow, order, start, end):
                        proxy, pos = -np.inf, -2
                    else:
                        if rerank:
                            for k in range(n_out):
                                ranks_like_sklearn(y, k, order, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx)
                        proxy, pos = _scan_absolute_error_medians(
                            xrow,
                            y,
                            w,
                            order,
                            start,
                            end,
                            wn,
                            min_samples_leaf,
                            min_weight_leaf,
                            ranks,
                            sorted_y,
                            left_err,
                            right_err,
                            tree_w,
                            tree_wy,
                            False,
                            scan_medians,
                            cst,
                            lower,
                            upper,
                            left_medians,
                            right_medians,
                        )
                        # the last reset's medians are the value of a node not split
                        value[node, :, 0] = scan_medians
                else:
                    proxy, pos = scan_classification(
                        xrow,
                        y_enc,
                        w,
                        order,
                        start,
                        end,
                        counts_total,
                        wn,
                        min_samples_leaf,
                        min_weight_leaf,
                        crit,
                        counts_left,
                        counts_right,
                        track,
                        False,
                        cst,
                        lower,
                        upper,
                    )
                if pos == -2:
                    # tied values: sort and scan in scikit-learn's order
                    if current >= 0:
                        samples[start:end] = sorted_idx[current, start:end]
                    sort_like_sklearn(xrow, order, samples, start, end, values, tied)
                    current = -1
                    if sums_targets(crit):
                        proxy, pos = scan_squared_error(
                            values,
                            y,
                            w,
                            samples,
                            start,
                            end,
                            sum_total,
                            wn,
                            min_samples_leaf,
                            min_weight_leaf,
                            sum_left,
                            False,
                            True,
                            crit == POISSON,
                            cst,
                            lower,
                            upper,
                        )
                    elif crit == ABSOLUTE_ERROR:
                        if rerank:
                            for k in range(n_out):
                                ranks_like_sklearn(
                                    y, k, samples, start, end, ranks[k], sorted_y[k], rank_vals, rank_idx
                                )
                        proxy, pos = _scan_absolute_error_medians(
                            values,
                            y,
                            w,
                            samples,
                            start,
                            end,
                            wn,
                            min_samples_leaf,
                            min_weight_leaf,
                            ranks,
                            sorted_y,
                            left_err,
                            right_err,
                            tree_w,
                            tree_wy,
                            True,
                            scan_medians,
                            cst,
                            lower,
                            upper,
                            left_medians,
                            right_medians,
                        )
                        value[node, :, 0] = scan_medians
                    else:
                        proxy, pos = scan_classification(
                            values,
                            y_enc,
                            w,
                            samples,
                            start,
                            end,
                            counts_total,
                            wn,
                            min_samples_leaf,
                            min_weight_leaf,
                            crit,
                            counts_left,
                            counts_right,
                            False,
                            True,
                            cst,
                            lower,
                            upper,
                        )
                else:
                    current = f
                if pos >= 0 and proxy > best_proxy:
                    best_proxy = proxy
                    best_feature = f
                    best_pos = pos
            # the draws permuted the known constants: restore their order for
            # the siblings and children, and record the newly found ones
            features[:n_known] = constant_features[:n_known]
            constant_features[n_known:n_total_const] = features[n_known:n_total_const]
            if best_pos < 0:
                is_leaf = True
            else:
                order = sorted_idx[best_feature]
                xrow = Xt[best_feature]
                thr = threshold_between(np.float64(xrow[order[best_pos - 1]]), np.float64(xrow[order[best_pos]]))
                if track and current >= 0:
                    samples[start:end] = sorted_idx[current, start:end]
                for p in range(start, best_pos):
                    goes_left[order[p]] = True
                for p in range(best_pos, end):
                    goes_left[order[p]] = False
                partition_final(samples, goes_left, start, end)
                if crit == ABSOLUTE_ERROR:
                    # the reset after the partition: children impurities and
                    # the node value
                    wl, wr, imp_left, imp_right = absolute_error_children(
                        y,
                        w,
                        samples,
                        start,
                        best_pos,
                        end,
                        wn,
                        ranks,
                        sorted_y,
                        left_err,
                        right_err,
                        tree_w,
                        tree_wy,
                        rerank,
                        rank_vals,
                        rank_idx,
                        scan_medians,
                    )
                    value[node, :, 0] = scan_medians
                    if with_monotonic:
                        median_left, median_right = children_medians(
                            samples,
                            start,
                            best_pos,
                            end,
                            ranks[0],
                            sorted_y[0],
                            w,
                            tree_w,
                            tree_wy,
                            left_err,
                        )
                        middle = (median_left + median_right) / 2
                else:
                    wl, wr, imp_left, imp_right, sq_left = children_impurity(
                        y,
                        y_enc,
                        w,
                        samples,
                        start,
                        best_pos,
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
                    if crit == POISSON:
                        imp_left, imp_right = poisson_children(
                            y, w, samples, start, best_pos, end, sum_total, sum_left, wl, wr
                        )
                    middle = middle_value(crit, sum_left, sum_total, counts_left, counts_right, wl, wr)
                    if best_pos - start <= end - best_pos:
                        carry_start, carry_end = start, best_pos
                        carry_sum[:] = sum_left
                        carry_counts[:, :] = counts_left
                        carry_w, carry_sq = wl, sq_left
                improvement = (wn / total_weight) * (node_impurity - wr / wn * imp_right - wl / wn * imp_left)
                if improvement + EPSILON < min_impurity_decrease:
                    is_leaf = True

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
        if not is_leaf:
            order = sorted_idx[best_feature]
            feature[node] = best_feature
            threshold[node] = thr
            missing_go_to_left[node] = best_pos - start > end - best_pos
            partition_rows(sorted_idx, best_feature, start, end, goes_left, tmp)

        if best_first:
            r_start[node], r_end[node], r_depth[node] = start, end, depth
            r_is_leaf[node] = is_leaf
            r_lower[node], r_upper[node], r_middle[node] = lower, upper, middle
            if is_leaf:
                r_improvement[node] = 0.0
                r_pos[node] = end
            else:
                r_improvement[node] = improvement
                r_pos[node] = best_pos
                r_imp_left[node], r_imp_right[node] = imp_left, imp_right
            frontier_push(heap, h_size, r_improvement, node)
            h_size += 1
            continue
        if is_leaf:
            continue

        lower_left, upper_left, lower_right, upper_right = child_bounds(
            monotonic_cst[best_feature], lower, upper, middle
        )
        # right child first so that the left child is grown (and numbered) first
        top = stack_push(
            stack, top, best_pos, end, depth + 1, node, False, imp_right, n_total_const, lower_right, upper_right
        )
        top = stack_push(
            stack, top, start, best_pos, depth + 1, node, True, imp_left, n_total_const, lower_left, upper_left
        )

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
        missing_go_to_left[:node_count],
    )
