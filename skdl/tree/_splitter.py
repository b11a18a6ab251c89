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
expression. Growth is depth first with the same stopping rules, so with
continuous features (no ties between split candidates) the tree is
scikit-learn's, node for node.
"""

import numpy as np
from numba import njit

from ..utils._random import rand_r
from ._tree import TREE_LEAF, TREE_UNDEFINED

from ._criterion import (
    ABSOLUTE_ERROR,
    SQUARED_ERROR,
    absolute_errors_pass,
    class_impurity,
    node_statistics,
)

FEATURE_THRESHOLD = 1e-7
EPSILON = np.finfo(np.float64).eps


@njit(cache=True, nogil=True)
def _threshold(x_prev, x_next):
    """Midpoint of two consecutive float32 values, as scikit-learn computes it."""
    t = x_prev / 2.0 + x_next / 2.0
    if t == x_next or t == np.inf or t == -np.inf:
        t = x_prev
    return t


@njit(cache=True, nogil=True)
def _scan_squared_error(xrow, y, w, order, start, end, sums_total, wn, msl, mwl, sum_left):
    """Best proxy improvement and position over one feature (squared error)."""
    n_out = y.shape[1]
    sum_left[:] = 0.0
    wl = 0.0
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wi = w[i]
        wl += wi
        for k in range(n_out):
            sum_left[k] += wi * y[i, k]
        if xrow[order[p + 1]] <= xrow[i] + FEATURE_THRESHOLD:
            continue
        pos = p + 1
        if pos - start < msl or end - pos < msl:
            continue
        wr = wn - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        proxy_l = 0.0
        proxy_r = 0.0
        for k in range(n_out):
            sl = sum_left[k]
            sr = sums_total[k] - sl
            proxy_l += sl * sl
            proxy_r += sr * sr
        proxy = proxy_l / wl + proxy_r / wr
        if proxy > best:
            best = proxy
            best_pos = pos
    return best, best_pos


@njit(cache=True, nogil=True)
def _scan_classification(xrow, y_enc, w, order, start, end, counts_total, wn, msl, mwl, crit,
                         counts_left, counts_right):
    """Best proxy improvement and position over one feature (Gini / entropy)."""
    n_out = y_enc.shape[1]
    counts_left[:, :] = 0.0
    wl = 0.0
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wi = w[i]
        wl += wi
        for k in range(n_out):
            counts_left[k, y_enc[i, k]] += wi
        if xrow[order[p + 1]] <= xrow[i] + FEATURE_THRESHOLD:
            continue
        pos = p + 1
        if pos - start < msl or end - pos < msl:
            continue
        wr = wn - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        for k in range(n_out):
            for c in range(counts_left.shape[1]):
                counts_right[k, c] = counts_total[k, c] - counts_left[k, c]
        proxy = -wr * class_impurity(counts_right, wr, crit) - wl * class_impurity(
            counts_left, wl, crit
        )
        if proxy > best:
            best = proxy
            best_pos = pos
    return best, best_pos


@njit(cache=True, nogil=True)
def _scan_absolute_error(xrow, y, w, order, start, end, wn, msl, mwl, ranks, sorted_y,
                         left_err, right_err, tree_w, tree_wy):
    """Best proxy improvement and position over one feature (absolute error)."""
    n_out = y.shape[1]
    left_err[start:end] = 0.0
    right_err[start:end] = 0.0
    for k in range(n_out):
        absolute_errors_pass(order, start, end, 1, ranks[k], sorted_y[k], w, tree_w, tree_wy,
                             left_err)
        absolute_errors_pass(order, start, end, -1, ranks[k], sorted_y[k], w, tree_w, tree_wy,
                             right_err)
    wl = 0.0
    best = -np.inf
    best_pos = -1
    for p in range(start, end - 1):
        i = order[p]
        wl += w[i]
        if xrow[order[p + 1]] <= xrow[i] + FEATURE_THRESHOLD:
            continue
        pos = p + 1
        if pos - start < msl or end - pos < msl:
            continue
        wr = wn - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        proxy = -(left_err[pos - 1] + right_err[pos]) / n_out
        if proxy > best:
            best = proxy
            best_pos = pos
    return best, best_pos


@njit(cache=True, nogil=True)
def _node_ranks(y, w, samples, start, end, ranks, sorted_y):
    """Rank (by value, per output) of each node sample, for the absolute error."""
    m = end - start
    idx = samples[start:end]
    for k in range(y.shape[1]):
        vals = np.empty(m)
        for j in range(m):
            vals[j] = y[idx[j], k]
        order = np.argsort(vals, kind="mergesort")
        for r in range(m):
            ranks[k, idx[order[r]]] = r
            sorted_y[k, r] = vals[order[r]]


@njit(cache=True, nogil=True)
def _partition_rows(sorted_idx, skip, start, end, goes_left, tmp):
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


@njit(cache=True, nogil=True)
def _heap_swap(key, a, b, c, d, e, f, g, h, i, j):
    key[i], key[j] = key[j], key[i]
    a[i], a[j] = a[j], a[i]
    b[i], b[j] = b[j], b[i]
    c[i], c[j] = c[j], c[i]
    d[i], d[j] = d[j], d[i]
    e[i], e[j] = e[j], e[i]
    f[i], f[j] = f[j], f[i]
    g[i], g[j] = g[j], g[i]
    h[i], h[j] = h[j], h[i]


@njit(cache=True, nogil=True)
def _heap_move(key, a, b, c, d, e, f, g, h, src, dst):
    key[dst] = key[src]
    a[dst] = a[src]
    b[dst] = b[src]
    c[dst] = c[src]
    d[dst] = d[src]
    e[dst] = e[src]
    f[dst] = f[src]
    g[dst] = g[src]
    h[dst] = h[src]


@njit(cache=True, nogil=True)
def _heap_sift_up(key, a, b, c, d, e, f, g, h, i):
    """Max-heap on ``key``; the other arrays travel with it."""
    while i > 0:
        parent = (i - 1) // 2
        if key[parent] >= key[i]:
            break
        _heap_swap(key, a, b, c, d, e, f, g, h, i, parent)
        i = parent


@njit(cache=True, nogil=True)
def _heap_sift_down(key, a, b, c, d, e, f, g, h, size):
    i = 0
    while True:
        largest = i
        for child in (2 * i + 1, 2 * i + 2):
            if child < size and key[child] > key[largest]:
                largest = child
        if largest == i:
            break
        _heap_swap(key, a, b, c, d, e, f, g, h, i, largest)
        i = largest


@njit(cache=True, nogil=True)
def grow_exact(Xt, sorted_idx, y, y_enc, w, crit, n_classes_max, max_depth, min_samples_split,
               min_samples_leaf, min_weight_leaf, min_impurity_decrease, max_features, seed,
               capacity, max_leaf_nodes=-1):
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
    max_leaf_nodes : int, default=-1
        -1 grows depth first. Otherwise the tree grows best first, as
        scikit-learn's ``BestFirstTreeBuilder``: each node's split is found
        when the node is created, and the frontier node whose split most
        decreases the impurity is split next, until the tree has
        ``max_leaf_nodes`` leaves.

    Returns
    -------
    node_count, max_depth_seen, left, right, feature, threshold, impurity,
    n_node_samples, weighted_n_node_samples, value
    """
    n_features, n = sorted_idx.shape
    regression = crit <= ABSOLUTE_ERROR
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    rng_state = np.array([seed], dtype=np.int64)

    left = np.full(capacity, TREE_LEAF, dtype=np.int64)
    right = np.full(capacity, TREE_LEAF, dtype=np.int64)
    feature = np.full(capacity, TREE_UNDEFINED, dtype=np.int64)
    threshold = np.full(capacity, float(TREE_UNDEFINED))
    impurity = np.zeros(capacity)
    n_node_samples = np.zeros(capacity, dtype=np.int64)
    wns = np.zeros(capacity)
    # value grows by doubling: with many classes a full-size block would be large
    value = np.zeros((min(capacity, 1024), n_out, K))

    total_weight = 0.0
    for p in range(n):
        total_weight += w[sorted_idx[0, p]]

    # scratch
    sum_left = np.zeros(n_out)
    sums_total = np.zeros(n_out)
    counts_left = np.zeros((n_out, K))
    counts_right = np.zeros((n_out, K))
    counts_total = np.zeros((n_out, K))
    scratch_value = np.zeros((n_out, K))
    n_total = w.shape[0]
    goes_left = np.zeros(n_total, dtype=np.bool_)
    tmp = np.empty(n, dtype=sorted_idx.dtype)
    features = np.arange(n_features)
    if crit == ABSOLUTE_ERROR:
        ranks = np.zeros((n_out, n_total), dtype=np.int64)
        sorted_y = np.zeros((n_out, n))
        left_err = np.zeros(n)
        right_err = np.zeros(n)
        tree_w = np.zeros(n + 1)
        tree_wy = np.zeros(n + 1)
    else:
        ranks = np.zeros((1, 1), dtype=np.int64)
        sorted_y = np.zeros((1, 1))
        left_err = np.zeros(1)
        right_err = np.zeros(1)
        tree_w = np.zeros(1)
        tree_wy = np.zeros(1)

    st_start = np.empty(capacity + 1, dtype=np.int64)
    st_end = np.empty(capacity + 1, dtype=np.int64)
    st_depth = np.empty(capacity + 1, dtype=np.int64)
    st_parent = np.empty(capacity + 1, dtype=np.int64)
    st_is_left = np.empty(capacity + 1, dtype=np.bool_)
    st_impurity = np.empty(capacity + 1)
    st_nconst = np.zeros(capacity + 1, dtype=np.int64)
    top = 0
    st_start[0], st_end[0], st_depth[0], st_parent[0] = 0, n, 0, -1
    st_is_left[0] = False
    st_impurity[0] = np.inf
    top = 1
    node_count = 0
    max_depth_seen = 0
    first = True

    best_first = max_leaf_nodes > 0
    split_budget = max_leaf_nodes - 1
    h_cap = capacity + 1 if best_first else 1
    h_key = np.empty(h_cap)
    h_node = np.empty(h_cap, dtype=np.int64)
    h_start = np.empty(h_cap, dtype=np.int64)
    h_mid = np.empty(h_cap, dtype=np.int64)
    h_end = np.empty(h_cap, dtype=np.int64)
    h_depth = np.empty(h_cap, dtype=np.int64)
    h_imp_left = np.empty(h_cap)
    h_imp_right = np.empty(h_cap)
    h_nconst = np.empty(h_cap, dtype=np.int64)
    h_size = 0

    while top > 0 or h_size > 0:
        if top == 0:
            # best first: expand the frontier node with the largest improvement
            node = h_node[0]
            b_start, b_mid, b_end, b_depth = h_start[0], h_mid[0], h_end[0], h_depth[0]
            b_imp_left, b_imp_right, b_nconst = h_imp_left[0], h_imp_right[0], h_nconst[0]
            h_size -= 1
            if h_size > 0:
                _heap_move(h_key, h_node, h_start, h_mid, h_end, h_depth, h_imp_left,
                           h_imp_right, h_nconst, h_size, 0)
                _heap_sift_down(h_key, h_node, h_start, h_mid, h_end, h_depth, h_imp_left,
                                h_imp_right, h_nconst, h_size)
            if split_budget <= 0:
                feature[node] = TREE_UNDEFINED
                threshold[node] = float(TREE_UNDEFINED)
                continue
            split_budget -= 1
            st_start[top], st_end[top], st_depth[top], st_parent[top] = (
                b_mid, b_end, b_depth + 1, node
            )
            st_is_left[top] = False
            st_impurity[top] = b_imp_right
            st_nconst[top] = b_nconst
            top += 1
            st_start[top], st_end[top], st_depth[top], st_parent[top] = (
                b_start, b_mid, b_depth + 1, node
            )
            st_is_left[top] = True
            st_impurity[top] = b_imp_left
            st_nconst[top] = b_nconst
            top += 1
            continue
        top -= 1
        start = st_start[top]
        end = st_end[top]
        depth = st_depth[top]
        parent = st_parent[top]
        is_left = st_is_left[top]
        node_impurity = st_impurity[top]
        n_node = end - start
        samples = sorted_idx[0]

        node = node_count
        node_count += 1
        if node == value.shape[0]:
            bigger = np.zeros((min(2 * node, capacity), n_out, K))
            bigger[:node] = value
            value = bigger
        wn, fresh_impurity = node_statistics(y, y_enc, w, samples, start, end, crit, value[node])
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
        n_total = 0
        if not is_leaf:
            # node totals for the scans
            if crit == SQUARED_ERROR:
                sums_total[:] = 0.0
                for p in range(start, end):
                    i = samples[p]
                    for k in range(n_out):
                        sums_total[k] += w[i] * y[i, k]
            elif crit == ABSOLUTE_ERROR:
                _node_ranks(y, w, samples, start, end, ranks, sorted_y)
            else:
                counts_total[:, :] = 0.0
                for p in range(start, end):
                    i = samples[p]
                    for k in range(n_out):
                        counts_total[k, y_enc[i, k]] += w[i]
            best_proxy = -np.inf
            # scikit-learn's feature draw (Fisher-Yates with its xorshift
            # generator, known constant features skipped), so that ties
            # between features break the same way.
            n_known = st_nconst[top]
            f_i = n_features
            n_visited = 0
            n_found = 0
            n_drawn = 0
            n_total = n_known
            while f_i > n_total and (n_visited < max_features or n_visited <= n_found + n_drawn):
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
                if xrow[order[end - 1]] <= xrow[order[start]] + FEATURE_THRESHOLD:
                    features[f_j], features[n_total] = features[n_total], features[f_j]
                    n_found += 1
                    n_total += 1
                    continue
                f_i -= 1
                features[f_i], features[f_j] = features[f_j], features[f_i]
                if crit == SQUARED_ERROR:
                    proxy, pos = _scan_squared_error(
                        xrow, y, w, order, start, end, sums_total, wn, min_samples_leaf,
                        min_weight_leaf, sum_left,
                    )
                elif crit == ABSOLUTE_ERROR:
                    proxy, pos = _scan_absolute_error(
                        xrow, y, w, order, start, end, wn, min_samples_leaf, min_weight_leaf,
                        ranks, sorted_y, left_err, right_err, tree_w, tree_wy,
                    )
                else:
                    proxy, pos = _scan_classification(
                        xrow, y_enc, w, order, start, end, counts_total, wn, min_samples_leaf,
                        min_weight_leaf, crit, counts_left, counts_right,
                    )
                if pos >= 0 and proxy > best_proxy:
                    best_proxy = proxy
                    best_feature = f
                    best_pos = pos
            if best_pos < 0:
                is_leaf = True
            else:
                order = sorted_idx[best_feature]
                wl, imp_left = node_statistics(
                    y, y_enc, w, order, start, best_pos, crit, scratch_value
                )
                wr, imp_right = node_statistics(
                    y, y_enc, w, order, best_pos, end, crit, scratch_value
                )
                improvement = (wn / total_weight) * (
                    node_impurity - wr / wn * imp_right - wl / wn * imp_left
                )
                if improvement + EPSILON < min_impurity_decrease:
                    is_leaf = True

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
        if is_leaf:
            continue

        order = sorted_idx[best_feature]
        xrow = Xt[best_feature]
        feature[node] = best_feature
        threshold[node] = _threshold(
            np.float64(xrow[order[best_pos - 1]]), np.float64(xrow[order[best_pos]])
        )
        for p in range(start, best_pos):
            goes_left[order[p]] = True
        for p in range(best_pos, end):
            goes_left[order[p]] = False
        _partition_rows(sorted_idx, best_feature, start, end, goes_left, tmp)

        if best_first:
            h_key[h_size] = improvement
            h_node[h_size] = node
            h_start[h_size], h_mid[h_size], h_end[h_size], h_depth[h_size] = (
                start, best_pos, end, depth
            )
            h_imp_left[h_size], h_imp_right[h_size], h_nconst[h_size] = imp_left, imp_right, n_total
            _heap_sift_up(h_key, h_node, h_start, h_mid, h_end, h_depth, h_imp_left, h_imp_right,
                          h_nconst, h_size)
            h_size += 1
            continue

        # right child first so that the left child is grown (and numbered) first
        st_start[top], st_end[top], st_depth[top], st_parent[top] = best_pos, end, depth + 1, node
        st_is_left[top] = False
        st_impurity[top] = imp_right
        st_nconst[top] = n_total
        top += 1
        st_start[top], st_end[top], st_depth[top], st_parent[top] = start, best_pos, depth + 1, node
        st_is_left[top] = True
        st_impurity[top] = imp_left
        st_nconst[top] = n_total
        top += 1

    return (
        node_count, max_depth_seen, left[:node_count], right[:node_count],
        feature[:node_count], threshold[:node_count], impurity[:node_count],
        n_node_samples[:node_count], wns[:node_count], value[:node_count],
    )
