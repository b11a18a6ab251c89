"""Histogram ("hist") split search and depth-first growth of a CART tree.

Private numba kernels. Each feature is binned once into at most ``max_bins``
bins whose edges are midpoints between distinct values (few distinct values)
or quantiles (many); a split is a bin edge, stored as a real threshold, so
prediction walks the tree on raw X. A node's split search sums the sample
statistics (count, weight, weighted targets or class weights) per bin and
scans the bins: ``O(n_node * n_features + n_features * n_bins)``. A child's
histogram is the parent's minus its sibling's, so only the smaller child is
summed. Below ``small_node`` samples a histogram costs more than the samples:
such a node sorts its samples by code once per feature, and its subtree then
keeps these rows sorted by stable partitions, as the exact route does.

This module is kept apart from :mod:`._splitter` (the exact route) to keep
both files short; they share the criteria of :mod:`._criterion`.
"""

import numpy as np
from numba import njit
from scipy.sparse import issparse

from ..utils._random import rand_r
from ._absolute_error_scan import _node_ranks, _scan_absolute_error
from ._criterion import ABSOLUTE_ERROR, SQUARED_ERROR, class_impurity, node_statistics
from ._frontier import empty_frontier, frontier_pop, frontier_push
from ._tree import EPSILON, TREE_UNDEFINED, empty_nodes

_QUANTILE_SUBSAMPLE = 200_000


def _dense_column(X_csc, f):
    """Column ``f`` of a CSC matrix as a dense float32 array."""
    column = np.zeros(X_csc.shape[0], dtype=np.float32)
    lo, hi = X_csc.indptr[f], X_csc.indptr[f + 1]
    column[X_csc.indices[lo:hi]] = X_csc.data[lo:hi]
    return column


def bin_features(X, max_bins, seed):
    """Bin each column of X (float32) into at most ``max_bins`` bins.

    Edges are the midpoints between consecutive distinct values when a
    feature has at most ``max_bins`` of them, else midpoint quantiles of (a
    subsample of at most 200,000 rows of) the feature. X may be a CSC
    matrix: each column is expanded alone, so the tree is the dense copy's.

    Returns
    -------
    codes : uint8 array (n_samples, n_features)
        ``codes[i, f] = #{edges of f strictly below X[i, f]}``, so
        ``X[i, f] <= edges[f, b]`` exactly when ``codes[i, f] <= b``.
    edges : float64 array (n_features, max_bins - 1)
        Bin edges, padded with +inf.
    """
    n, d = X.shape
    # a CSC matrix is expanded one column at a time: the codes are dense
    # (one byte per entry), X is never
    Xt = None if issparse(X) else np.ascontiguousarray(X.T)
    rows = None
    if n > _QUANTILE_SUBSAMPLE:
        rows = np.random.RandomState(seed).choice(n, _QUANTILE_SUBSAMPLE, replace=False)
    edges = np.full((d, max_bins - 1), np.inf)
    codes_t = np.empty((d, n), dtype=np.uint8)
    for f in range(d):
        column = _dense_column(X, f) if Xt is None else Xt[f]
        col = column if rows is None else column[rows]
        s = np.sort(col).astype(np.float64)
        distinct = s[np.concatenate(([True], s[1:] != s[:-1]))]
        if distinct.shape[0] <= max_bins:
            cut = distinct[:-1] / 2.0 + distinct[1:] / 2.0
        else:
            pos = np.linspace(0, s.shape[0] - 1, max_bins + 1)[1:-1]
            below, above = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
            cut = np.unique(0.5 * (s[below] + s[above]))
        edges[f, : cut.shape[0]] = cut
        codes_t[f] = np.searchsorted(cut, column, side="left")
    return np.ascontiguousarray(codes_t.T), edges


@njit(cache=True, nogil=True)
def _fill_histogram(hist, codes, y, y_enc, w, samples, start, end, crit):
    """hist[f, b, :] = (count, weight, weighted targets or class weights) per bin."""
    hist[:, :, :] = 0.0
    n_features = codes.shape[1]
    regression = crit <= ABSOLUTE_ERROR
    for p in range(start, end):
        i = samples[p]
        wi = w[i]
        for f in range(n_features):
            b = codes[i, f]
            hist[f, b, 0] += 1.0
            hist[f, b, 1] += wi
            if regression:
                for k in range(y.shape[1]):
                    hist[f, b, 2 + k] += wi * y[i, k]
            else:
                K = (hist.shape[2] - 2) // y_enc.shape[1]
                for k in range(y_enc.shape[1]):
                    hist[f, b, 2 + k * K + y_enc[i, k]] += wi


@njit(cache=True, nogil=True)
def _single_bin(hist_f, n_bins_f):
    """True if all the node's samples fall in one bin of this feature."""
    seen = 0
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


@njit(cache=True, nogil=True)
def _scan_histogram(hist_f, n_bins_f, stats_total, msl, mwl, crit, n_out, K, left, cl, cr):
    """Best (proxy, bin) over the edges of one feature's histogram."""
    left[:] = 0.0
    best = -np.inf
    best_bin = -1
    n_node = stats_total[0]
    for b in range(n_bins_f - 1):
        for s in range(left.shape[0]):
            left[s] += hist_f[b, s]
        if hist_f[b, 0] == 0.0:
            continue
        nl = left[0]
        nr = n_node - nl
        if nr <= 0.0:
            break
        if nl < msl or nr < msl:
            continue
        wl = left[1]
        wr = stats_total[1] - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        proxy = _proxy(left, stats_total, wl, wr, crit, n_out, K, cl, cr)
        if proxy > best:
            best = proxy
            best_bin = b
    return best, best_bin


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


@njit(cache=True, nogil=True)
def _scan_sorted_row(crow, y, y_enc, w, row, start, end, stats_total, msl, mwl, crit, n_out, K, left, cl, cr):
    """Best (proxy, bin) of one feature of a small node, from its code-sorted row."""
    best = -np.inf
    best_bin = -1
    if crit == SQUARED_ERROR and n_out == 1:
        # the common case with scalars only
        s_total = stats_total[2]
        w_total = stats_total[1]
        s_left = 0.0
        w_left = 0.0
        for p in range(start, end - 1):
            i = row[p]
            wi = w[i]
            w_left += wi
            s_left += wi * y[i, 0]
            code = crow[i]
            if crow[row[p + 1]] == code:
                continue
            nl = p + 1 - start
            if nl < msl or end - start - nl < msl:
                continue
            w_right = w_total - w_left
            if w_left < mwl or w_right < mwl or w_left <= 0.0 or w_right <= 0.0:
                continue
            s_right = s_total - s_left
            proxy = s_left * s_left / w_left + s_right * s_right / w_right
            if proxy > best:
                best = proxy
                best_bin = code
        return best, best_bin
    left[:] = 0.0
    regression = crit <= ABSOLUTE_ERROR
    for p in range(start, end - 1):
        i = row[p]
        wi = w[i]
        left[0] += 1.0
        left[1] += wi
        if regression:
            for k in range(n_out):
                left[2 + k] += wi * y[i, k]
        else:
            for k in range(n_out):
                left[2 + k * K + y_enc[i, k]] += wi
        code = crow[i]
        if crow[row[p + 1]] == code:
            continue
        nl = p + 1 - start
        nr = end - start - nl
        if nl < msl or nr < msl:
            continue
        wl = left[1]
        wr = stats_total[1] - wl
        if wl < mwl or wr < mwl or wl <= 0.0 or wr <= 0.0:  # an empty child cannot split
            continue
        proxy = _proxy(left, stats_total, wl, wr, crit, n_out, K, cl, cr)
        if proxy > best:
            best = proxy
            best_bin = code
    return best, best_bin


@njit(cache=True, nogil=True)
def _partition_sorted_rows(rows, skip, start, end, goes_left, tmp):
    """Stable partition of each row's segment into left then right samples."""
    for f in range(rows.shape[0]):
        if f == skip:
            continue  # sorted by the split feature: already left then right
        nl = start
        nr = 0
        for p in range(start, end):
            i = rows[f, p]
            if goes_left[i]:
                rows[f, nl] = i
                nl += 1
            else:
                tmp[nr] = i
                nr += 1
        for j in range(nr):
            rows[f, nl + j] = tmp[j]


@njit(cache=True, nogil=True)
def _node_totals(y, y_enc, w, samples, start, end, crit, n_out, K, out):
    out[:] = 0.0
    for p in range(start, end):
        i = samples[p]
        out[0] += 1.0
        out[1] += w[i]
        if crit <= ABSOLUTE_ERROR:
            for k in range(n_out):
                out[2 + k] += w[i] * y[i, k]
        else:
            for k in range(n_out):
                out[2 + k * K + y_enc[i, k]] += w[i]


@njit(cache=True, nogil=True)
def _acquire(pool, free, n_free):
    """A free histogram buffer of ``pool``, which doubles when none is free.

    Returns the (possibly new) pool, free list, free count and the slot.
    """
    if n_free == 0:
        old = pool.shape[0]
        grown = old + max(old, 2)
        bigger = np.zeros((grown,) + pool.shape[1:])
        bigger[:old] = pool
        pool = bigger
        free = np.empty(grown, dtype=np.int64)
        for j in range(grown - old):
            free[j] = grown - 1 - j
        n_free = grown - old
    n_free -= 1
    return pool, free, n_free, free[n_free]


@njit(cache=True, nogil=True)
def grow_hist(
    codes,
    edges,
    samples,
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
    small_node,
    max_leaf_nodes=-1,
):
    """Grow a tree with the histogram split search.

    Same stopping rules and outputs as :func:`._splitter.grow_exact`;
    ``codes``/``edges`` come from :func:`bin_features` and ``samples`` lists
    the positive-weight samples (reordered in place).

    ``max_leaf_nodes > 0`` grows best first, as the exact route does: each
    node's split is found when the node is created and the frontier node of
    largest improvement is split next (children then sum their own
    histograms, no subtraction). The absolute error has no histogram form
    (a median is not a sum): every node then scans code-sorted rows, with
    the exact route's weighted-median prefix and suffix errors, at bin
    edges only.

    Histograms live in a pool of buffers that grows on demand: one per
    pending node that has one (the larger children waiting on the stack, at
    most about one per level of large nodes) plus the node being split.
    """
    n_features = codes.shape[1]
    n = samples.shape[0]
    regression = crit <= ABSOLUTE_ERROR
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    S = 2 + (n_out if regression else n_out * K)
    B = edges.shape[1] + 1
    rng_state = np.array([seed], dtype=np.int64)

    n_bins = np.empty(n_features, dtype=np.int64)
    for f in range(n_features):
        nb = 1
        while nb <= edges.shape[1] and edges[f, nb - 1] != np.inf:
            nb += 1
        n_bins[f] = nb

    left, right, feature, threshold, impurity, n_node_samples, wns = empty_nodes(capacity)
    # value grows by doubling: with many classes a full-size block would be large
    value = np.zeros((min(capacity, 1024), n_out, K))

    total_weight = 0.0
    for p in range(n):
        total_weight += w[samples[p]]

    stats_total = np.zeros(S)
    stats_left = np.zeros(S)
    cl = np.zeros((n_out, K))
    cr = np.zeros((n_out, K))
    scratch_value = np.zeros((n_out, K))
    features = np.arange(n_features)
    constant_features = np.arange(n_features)
    tmp = np.empty(n, dtype=samples.dtype)
    goes_left = np.zeros(w.shape[0], dtype=np.bool_)
    codes_t = np.ascontiguousarray(codes.T)
    rows = np.empty((n_features, n), dtype=samples.dtype)

    if crit == ABSOLUTE_ERROR:
        small_node = n + 1  # no histograms: code-sorted rows everywhere
        codes_f32 = codes_t.astype(np.float32)
        ranks = np.zeros((n_out, w.shape[0]), dtype=np.int64)
        sorted_y = np.zeros((n_out, n))
        left_err = np.zeros(n)
        right_err = np.zeros(n)
        tree_w = np.zeros(n + 1)
        tree_wy = np.zeros(n + 1)
    else:
        codes_f32 = np.zeros((1, 1), dtype=np.float32)
        ranks = np.zeros((1, 1), dtype=np.int64)
        sorted_y = np.zeros((1, 1))
        left_err = np.zeros(1)
        right_err = np.zeros(1)
        tree_w = np.zeros(1)
        tree_wy = np.zeros(1)

    stack_size = 64
    st_start = np.empty(stack_size, dtype=np.int64)
    st_end = np.empty(stack_size, dtype=np.int64)
    st_depth = np.empty(stack_size, dtype=np.int64)
    st_parent = np.empty(stack_size, dtype=np.int64)
    st_is_left = np.empty(stack_size, dtype=np.bool_)
    st_impurity = np.empty(stack_size)
    st_hist = np.full(stack_size, -1, dtype=np.int64)  # pool slot of a ready histogram
    st_sorted = np.zeros(stack_size, dtype=np.bool_)
    st_nconst = np.zeros(stack_size, dtype=np.int64)

    # histogram buffers, with a free list (last freed, first reused); a path
    # of large nodes halves about log2(n / small_node) times and holds at most
    # two buffers per level, so that many are reserved (np.zeros only maps
    # pages when written) and the pool doubles if ever short
    n_slots = 2 * (int(np.ceil(np.log2(max(n / small_node, 1.0)))) + 2)
    pool = np.zeros((n_slots, n_features, B, S))
    free = np.arange(n_slots - 1, -1, -1)
    n_free = n_slots

    # best first: every node created goes on the frontier (a leaf with improvement 0)
    best_first = max_leaf_nodes > 0
    split_budget = max_leaf_nodes - 1
    (heap, r_improvement, r_start, r_pos, r_end, r_depth, r_is_leaf, r_imp_left, r_imp_right) = empty_frontier(
        capacity, best_first
    )
    r_sorted = np.zeros(heap.shape[0], dtype=np.bool_)
    h_size = 0

    st_start[0], st_end[0], st_depth[0], st_parent[0] = 0, n, 0, -1
    st_is_left[0] = False
    st_impurity[0] = np.inf
    top = 1
    node_count = 0
    max_depth_seen = 0
    first = True

    while top > 0 or h_size > 0:
        if top + 2 > stack_size:
            st_start = np.concatenate((st_start, np.empty(stack_size, dtype=np.int64)))
            st_end = np.concatenate((st_end, np.empty(stack_size, dtype=np.int64)))
            st_depth = np.concatenate((st_depth, np.empty(stack_size, dtype=np.int64)))
            st_parent = np.concatenate((st_parent, np.empty(stack_size, dtype=np.int64)))
            st_is_left = np.concatenate((st_is_left, np.zeros(stack_size, dtype=np.bool_)))
            st_impurity = np.concatenate((st_impurity, np.empty(stack_size)))
            st_hist = np.concatenate((st_hist, np.full(stack_size, -1, dtype=np.int64)))
            st_sorted = np.concatenate((st_sorted, np.zeros(stack_size, dtype=np.bool_)))
            st_nconst = np.concatenate((st_nconst, np.zeros(stack_size, dtype=np.int64)))
            stack_size *= 2
        if top == 0:
            node = frontier_pop(heap, h_size, r_improvement)
            h_size -= 1
            if r_is_leaf[node] or split_budget <= 0:
                feature[node] = TREE_UNDEFINED
                threshold[node] = float(TREE_UNDEFINED)
                continue
            split_budget -= 1
            st_start[top], st_end[top] = r_pos[node], r_end[node]
            st_is_left[top] = False
            st_impurity[top] = r_imp_right[node]
            st_start[top + 1], st_end[top + 1] = r_start[node], r_pos[node]
            st_is_left[top + 1] = True
            st_impurity[top + 1] = r_imp_left[node]
            for slot in (top, top + 1):
                st_depth[slot], st_parent[slot] = r_depth[node] + 1, node
                st_hist[slot] = -1
                st_sorted[slot] = r_sorted[node]
                st_nconst[slot] = 0
            top += 2
            continue
        top -= 1
        start = st_start[top]
        end = st_end[top]
        depth = st_depth[top]
        parent = st_parent[top]
        is_left = st_is_left[top]
        node_impurity = st_impurity[top]
        hist_slot = st_hist[top]
        n_node = end - start
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

        use_hist = n_node >= small_node
        best_feature = -1
        best_bin = -1
        imp_left = 0.0
        imp_right = 0.0
        improvement = 0.0
        n_left = 0
        n_total = 0
        if not is_leaf:
            _node_totals(y, y_enc, w, samples, start, end, crit, n_out, K, stats_total)
            if not use_hist and not st_sorted[top]:
                _sort_rows(codes_t, samples, start, end, rows)
            if crit == ABSOLUTE_ERROR:
                _node_ranks(y, w, samples, start, end, ranks, sorted_y)
            if use_hist and hist_slot < 0:
                pool, free, n_free, hist_slot = _acquire(pool, free, n_free)
                _fill_histogram(pool[hist_slot], codes, y, y_enc, w, samples, start, end, crit)
            best_proxy = -np.inf
            # scikit-learn's feature draw, as in the exact route
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
                if use_hist:
                    constant = _single_bin(pool[hist_slot, f], n_bins[f])
                else:
                    constant = codes_t[f, rows[f, start]] == codes_t[f, rows[f, end - 1]]
                if constant:
                    features[f_j], features[n_total] = features[n_total], features[f_j]
                    n_found += 1
                    n_total += 1
                    continue
                f_i -= 1
                features[f_i], features[f_j] = features[f_j], features[f_i]
                if use_hist:
                    proxy, b = _scan_histogram(
                        pool[hist_slot, f],
                        n_bins[f],
                        stats_total,
                        min_samples_leaf,
                        min_weight_leaf,
                        crit,
                        n_out,
                        K,
                        stats_left,
                        cl,
                        cr,
                    )
                elif crit == ABSOLUTE_ERROR:
                    proxy, pos = _scan_absolute_error(
                        codes_f32[f],
                        y,
                        w,
                        rows[f],
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
                    )
                    b = np.int64(codes_t[f, rows[f, pos - 1]]) if pos >= 0 else -1
                else:
                    proxy, b = _scan_sorted_row(
                        codes_t[f],
                        y,
                        y_enc,
                        w,
                        rows[f],
                        start,
                        end,
                        stats_total,
                        min_samples_leaf,
                        min_weight_leaf,
                        crit,
                        n_out,
                        K,
                        stats_left,
                        cl,
                        cr,
                    )
                if b >= 0 and proxy > best_proxy:
                    best_proxy = proxy
                    best_feature = f
                    best_bin = b
            # restore the known constants' order (scikit-learn's constant_features)
            features[:n_known] = constant_features[:n_known]
            constant_features[n_known:n_total] = features[n_known:n_total]
            if best_bin < 0:
                is_leaf = True
            else:
                # partition samples[start:end] by codes <= best_bin
                nl = start
                nr = 0
                for p in range(start, end):
                    i = samples[p]
                    go = codes[i, best_feature] <= best_bin
                    goes_left[i] = go
                    if go:
                        samples[nl] = i
                        nl += 1
                    else:
                        tmp[nr] = i
                        nr += 1
                for j in range(nr):
                    samples[nl + j] = tmp[j]
                if not use_hist:
                    _partition_sorted_rows(rows, best_feature, start, end, goes_left, tmp)
                n_left = nl - start
                wl, imp_left = node_statistics(y, y_enc, w, samples, start, nl, crit, scratch_value)
                wr, imp_right = node_statistics(y, y_enc, w, samples, nl, end, crit, scratch_value)
                improvement = (wn / total_weight) * (node_impurity - wr / wn * imp_right - wl / wn * imp_left)
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
        mid = start + n_left
        if not is_leaf:
            feature[node] = best_feature
            threshold[node] = edges[best_feature, best_bin]

        if best_first or is_leaf:
            if hist_slot >= 0:  # children sum their own histograms
                free[n_free] = hist_slot
                n_free += 1
            if best_first:
                r_start[node], r_end[node], r_depth[node] = start, end, depth
                r_is_leaf[node] = is_leaf
                r_sorted[node] = not use_hist
                r_pos[node] = end if is_leaf else mid
                r_improvement[node] = 0.0 if is_leaf else improvement
                r_imp_left[node], r_imp_right[node] = imp_left, imp_right
                frontier_push(heap, h_size, r_improvement, node)
                h_size += 1
            continue

        r_slot = top
        l_slot = top + 1
        left_large = n_left >= small_node
        right_large = (end - mid) >= small_node
        st_hist[r_slot] = -1
        st_hist[l_slot] = -1
        st_sorted[r_slot] = not use_hist
        st_sorted[l_slot] = not use_hist
        st_nconst[r_slot] = n_total
        st_nconst[l_slot] = n_total
        if use_hist and (left_large or right_large):
            # sum the smaller child; the larger one's histogram is the parent's
            # minus it, computed in the parent's buffer
            if n_left <= end - mid:
                small_slot, large_slot, s0, s1 = l_slot, r_slot, start, mid
                small_large, large_large = left_large, right_large
            else:
                small_slot, large_slot, s0, s1 = r_slot, l_slot, mid, end
                small_large, large_large = right_large, left_large
            pool, free, n_free, child_slot = _acquire(pool, free, n_free)
            _fill_histogram(pool[child_slot], codes, y, y_enc, w, samples, s0, s1, crit)
            if large_large:
                pool[hist_slot] -= pool[child_slot]
                st_hist[large_slot] = hist_slot
            else:
                free[n_free] = hist_slot
                n_free += 1
            if small_large:
                st_hist[small_slot] = child_slot
            else:
                free[n_free] = child_slot
                n_free += 1
        elif hist_slot >= 0:
            free[n_free] = hist_slot
            n_free += 1

        st_start[r_slot], st_end[r_slot] = mid, end
        st_depth[r_slot], st_parent[r_slot] = depth + 1, node
        st_is_left[r_slot] = False
        st_impurity[r_slot] = imp_right
        st_start[l_slot], st_end[l_slot] = start, mid
        st_depth[l_slot], st_parent[l_slot] = depth + 1, node
        st_is_left[l_slot] = True
        st_impurity[l_slot] = imp_left
        top += 2

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
    )
