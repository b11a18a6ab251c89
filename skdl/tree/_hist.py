"""Histogram ("hist") split search and growth of a CART tree.

Private numba kernels. The features come binned by :func:`._binning.bin_features`
(feature-major uint8 codes, NaN in the last bin); a split is a bin edge,
stored as a real threshold, so prediction walks the tree on raw X. A node's
split search sums the sample statistics (count, weight, weighted targets or
class weights) per bin, one feature per thread, and scans the bins:
``O(n_node * n_features + n_features * n_bins)``. A child's histogram is the
parent's minus its sibling's, so only the smaller child is summed (depth
first and best first alike). Each scan tries the node's NaN on the left and
on the right of every edge and keeps the better; a node without NaN in the
split feature sends NaN to its larger child. Below ``small_node`` samples a
histogram costs more than the samples: such a node sorts its samples by code
once per feature, and its subtree then keeps these rows sorted by stable
partitions, as the exact route does.

The scans of one feature live in :mod:`._hist_scan`. This module is kept
apart from :mod:`._splitter` (the exact route) to keep both files short;
they share the criteria of :mod:`._criterion`.
"""

import numpy as np
from numba import njit, prange

from ..utils._random import rand_r
from ._absolute_error_scan import _node_ranks, _scan_absolute_error
from ._criterion import ABSOLUTE_ERROR, node_statistics
from ._exact_scan import partition_rows
from ._frontier import empty_frontier, frontier_pop, frontier_push
from ._hist_scan import _scan_histogram, _scan_sorted_row, _single_bin, _sort_rows, node_totals
from ._tree import EPSILON, TREE_UNDEFINED, empty_nodes

# Below this many (sample, feature) pairs a node's histogram is summed on one
# thread: waking the others costs more than the sums.
_PARALLEL_MIN_PAIRS = 262_144
# what one sample adds to a histogram: a target and a count (unit weights), or
# a weight and weighted targets, or a weight in its class's slot
_ONE_TARGET_UNIT_WEIGHTS, _TARGETS, _CLASSES = 0, 1, 2


@njit(cache=True, nogil=True, inline="always")
def _fill_feature(hist_f, codes_f, samples, start, end, ordered_w, ordered_wy, ordered_slot, mode):
    """hist_f[b, :] = (count, weight, weighted targets or class weights) of bin b of one feature."""
    hist_f[:, :] = 0.0
    if mode == _ONE_TARGET_UNIT_WEIGHTS:
        # the weight of a bin is its count: two sums a sample, as scikit-learn's
        # builder without hessians
        for p in range(start, end):
            b = codes_f[samples[p]]
            hist_f[b, 0] += 1.0
            hist_f[b, 2] += ordered_wy[p - start, 0]
        hist_f[:, 1] = hist_f[:, 0]
        return
    for p in range(start, end):
        q = p - start
        b = codes_f[samples[p]]
        hist_f[b, 0] += 1.0
        hist_f[b, 1] += ordered_w[q]
        if mode == _CLASSES:
            for k in range(ordered_slot.shape[1]):
                hist_f[b, ordered_slot[q, k]] += ordered_w[q]
        else:
            for k in range(ordered_wy.shape[1]):
                hist_f[b, 2 + k] += ordered_wy[q, k]


@njit(cache=True, nogil=True, parallel=True)
def _fill_parallel(hist, codes_t, samples, start, end, ordered_w, ordered_wy, ordered_slot, mode):
    for f in prange(codes_t.shape[0]):
        _fill_feature(hist[f], codes_t[f], samples, start, end, ordered_w, ordered_wy, ordered_slot, mode)


@njit(cache=True, nogil=True)
def _fill_serial(hist, codes_t, samples, start, end, ordered_w, ordered_wy, ordered_slot, mode):
    for f in range(codes_t.shape[0]):
        _fill_feature(hist[f], codes_t[f], samples, start, end, ordered_w, ordered_wy, ordered_slot, mode)


@njit(cache=True, nogil=True)
def _fill_histogram(hist, start, end, data):
    """hist[f, b, :] of the node ``samples[start:end]``, every feature.

    ``data`` is ``(codes_t, samples, w, wy, slot, mode, ordered_w,
    ordered_wy, ordered_slot)``: ``wy`` the weighted targets (regression),
    ``slot`` each sample's statistic index per output (classes), ``mode``
    what a sample adds (``_ONE_TARGET_UNIT_WEIGHTS``, ``_TARGETS`` or
    ``_CLASSES``). The node's weights and weighted targets (or class slots)
    are gathered once into the ``ordered_*`` buffers, so each feature's pass
    reads them in order, as scikit-learn's ``HistogramBuilder`` gathers its
    gradients.
    """
    codes_t, samples, w, wy, slot, mode, ordered_w, ordered_wy, ordered_slot = data
    for p in range(start, end):
        i = samples[p]
        ordered_w[p - start] = w[i]
        for k in range(wy.shape[1]):
            ordered_wy[p - start, k] = wy[i, k]
        for k in range(slot.shape[1]):
            ordered_slot[p - start, k] = slot[i, k]
    if (end - start) * codes_t.shape[0] >= _PARALLEL_MIN_PAIRS:
        _fill_parallel(hist, codes_t, samples, start, end, ordered_w, ordered_wy, ordered_slot, mode)
    else:
        _fill_serial(hist, codes_t, samples, start, end, ordered_w, ordered_wy, ordered_slot, mode)


@njit(cache=True, nogil=True)
def _partition(samples, codes_f, start, end, split_bin, missing_bin, missing_left, goes_left, tmp):
    """Stable partition of ``samples[start:end]``: codes up to ``split_bin`` (and NaN if ``missing_left``) first.

    Marks ``goes_left`` when it has room for every sample (the code-sorted
    rows need it; the histogram nodes pass an empty one). Returns the first
    right position and whether the node had NaN in the feature.
    """
    has_missing = False
    mark = goes_left.shape[0] > 0
    n_left = start
    n_right = 0
    for p in range(start, end):
        i = samples[p]
        is_missing = codes_f[i] == missing_bin
        has_missing = has_missing or is_missing
        go = missing_left if is_missing else codes_f[i] <= split_bin
        if mark:
            goes_left[i] = go
        # both writes, one of them kept: no branch on the data
        samples[n_left] = i
        tmp[n_right] = i
        n_left += go
        n_right += 1 - go
    samples[n_left:end] = tmp[:n_right]
    return n_left, has_missing


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
def _children_histograms(pool, free, n_free, parent_slot, start, mid, end, small_node, data):
    """Histograms of the children of a split node whose histogram is ``pool[parent_slot]``.

    The smaller child is summed; the larger one's histogram is the parent's
    minus it, computed in the parent's buffer. A child under ``small_node``
    samples gets none (slot -1): it searches code-sorted rows.

    Returns the (possibly grown) pool, free list and free count, and the
    left and right children's slots.
    """
    left_large = mid - start >= small_node
    right_large = end - mid >= small_node
    if not (left_large or right_large):
        free[n_free] = parent_slot
        return pool, free, n_free + 1, -1, -1
    pool, free, n_free, child_slot = _acquire(pool, free, n_free)
    if mid - start <= end - mid:
        _fill_histogram(pool[child_slot], start, mid, data)
        small_large, large_large = left_large, right_large
    else:
        _fill_histogram(pool[child_slot], mid, end, data)
        small_large, large_large = right_large, left_large
    large_slot = -1
    if large_large:
        pool[parent_slot] -= pool[child_slot]
        large_slot = parent_slot
    else:
        free[n_free] = parent_slot
        n_free += 1
    small_slot = -1
    if small_large:
        small_slot = child_slot
    else:
        free[n_free] = child_slot
        n_free += 1
    if mid - start <= end - mid:
        return pool, free, n_free, small_slot, large_slot
    return pool, free, n_free, large_slot, small_slot


# columns of the node stack of grow_hist (its impurities are kept apart, as floats)
_START, _END, _DEPTH, _PARENT, _IS_LEFT, _HIST, _SORTED, _N_CONSTANT = range(8)


@njit(cache=True, nogil=True)
def _push(stack, impurities, top, start, end, depth, parent, is_left, impurity, hist_slot, is_sorted, n_constant):
    """Push a node to create; the stack doubles when full. Returns the stack, impurities and new top."""
    if top == stack.shape[0]:
        stack = np.concatenate((stack, np.empty_like(stack)))
        impurities = np.concatenate((impurities, np.empty_like(impurities)))
    stack[top, _START], stack[top, _END], stack[top, _DEPTH], stack[top, _PARENT] = start, end, depth, parent
    stack[top, _IS_LEFT], stack[top, _HIST], stack[top, _SORTED] = is_left, hist_slot, is_sorted
    stack[top, _N_CONSTANT] = n_constant
    impurities[top] = impurity
    return stack, impurities, top + 1


@njit(cache=True, nogil=True)
def grow_hist(
    codes_t,
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

    Same stopping rules and outputs as :func:`._splitter.grow_exact`, plus
    ``missing_go_to_left`` per node; ``codes_t``/``edges`` come from
    :func:`._binning.bin_features` and ``samples`` lists the positive-weight
    samples (reordered in place).

    ``max_leaf_nodes > 0`` grows best first, as the exact route does: each
    node's split is found when the node is created and the frontier node of
    largest improvement is split next; a frontier node keeps its histogram
    until then, so its children get theirs by the subtraction. The absolute
    error has no histogram form (a median is not a sum): every node then
    scans code-sorted rows, with the exact route's weighted-median prefix and
    suffix errors, at bin edges only, NaN always on the right.

    Histograms live in a pool of buffers that grows on demand: one per
    pending node that has one (the larger children waiting on the stack, the
    frontier nodes of best-first growth) plus the node being split.
    """
    n_features = codes_t.shape[0]
    n = samples.shape[0]
    regression = crit <= ABSOLUTE_ERROR
    n_out = y.shape[1] if regression else y_enc.shape[1]
    K = 1 if regression else n_classes_max
    S = 2 + (n_out if regression else n_out * K)
    missing_bin = edges.shape[1] + 1
    B = missing_bin + 1
    rng_state = np.array([seed], dtype=np.int64)

    # a split at the last bin of values (threshold +inf) sends the values
    # left and the NaN right
    thresholds = np.full((n_features, B), np.inf)
    thresholds[:, : edges.shape[1]] = edges
    n_bins = np.empty(n_features, dtype=np.int64)
    for f in range(n_features):
        nb = 1
        while nb <= edges.shape[1] and edges[f, nb - 1] != np.inf:
            nb += 1
        n_bins[f] = nb

    left, right, feature, threshold, impurity, n_node_samples, wns = empty_nodes(capacity)
    missing_go_to_left = np.zeros(capacity, dtype=np.uint8)
    # value grows by doubling: with many classes a full-size block would be large
    value = np.zeros((min(capacity, 1024), n_out, K))

    total_weight = 0.0
    for p in range(n):
        total_weight += w[samples[p]]

    # what a histogram sums per sample, and the gather buffers of a node
    wy = np.empty((w.shape[0], n_out if regression else 0))
    slot = np.empty((w.shape[0], 0 if regression else n_out), dtype=np.int64)
    for p in range(n):
        i = samples[p]
        for k in range(n_out):
            if regression:
                wy[i, k] = w[i] * y[i, k]
            else:
                slot[i, k] = 2 + k * K + y_enc[i, k]
    unit_weights = True
    for p in range(n):
        unit_weights = unit_weights and w[samples[p]] == 1.0
    mode = _CLASSES if not regression else _TARGETS
    if regression and n_out == 1 and unit_weights:
        mode = _ONE_TARGET_UNIT_WEIGHTS
    data = (
        codes_t,
        samples,
        w,
        wy,
        slot,
        mode,
        np.empty(n),
        np.empty((n, wy.shape[1])),
        np.empty((n, slot.shape[1]), dtype=np.int64),
    )

    stats_total = np.zeros(S)
    stats_left = np.zeros(S)
    stats_missing = np.zeros(S)
    cl = np.zeros((n_out, K))
    cr = np.zeros((n_out, K))
    scratch = (stats_left, cl, cr)
    scratch_value = np.zeros((n_out, K))
    features = np.arange(n_features)
    constant_features = np.arange(n_features)
    tmp = np.empty(n, dtype=samples.dtype)
    goes_left = np.zeros(w.shape[0], dtype=np.bool_)
    no_marks = np.zeros(0, dtype=np.bool_)
    rows = np.empty((n_features, n), dtype=samples.dtype)

    if crit == ABSOLUTE_ERROR:
        small_node = n + 1  # no histograms: code-sorted rows everywhere
        codes_f32 = codes_t.astype(np.float32)
        ranks = np.zeros((n_out, w.shape[0]), dtype=np.int64)
        sorted_y = np.zeros((n_out, n))
        fenwick = (np.zeros(n), np.zeros(n), np.zeros(n + 1), np.zeros(n + 1))
    else:
        codes_f32 = np.zeros((1, 1), dtype=np.float32)
        ranks = np.zeros((1, 1), dtype=np.int64)
        sorted_y = np.zeros((1, 1))
        fenwick = (np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))

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
    r_hist = np.full(heap.shape[0], -1, dtype=np.int64)
    h_size = 0

    stack = np.empty((64, 8), dtype=np.int64)
    st_impurity = np.empty(64)
    stack, st_impurity, top = _push(stack, st_impurity, 0, 0, n, 0, -1, False, np.inf, -1, False, 0)
    node_count = 0
    max_depth_seen = 0
    first = True

    while top > 0 or h_size > 0:
        if top == 0:
            node = frontier_pop(heap, h_size, r_improvement)
            h_size -= 1
            if r_is_leaf[node] or split_budget <= 0:
                feature[node] = TREE_UNDEFINED
                threshold[node] = float(TREE_UNDEFINED)
                missing_go_to_left[node] = 0
                if r_hist[node] >= 0:
                    free[n_free] = r_hist[node]
                    n_free += 1
                continue
            split_budget -= 1
            start, mid, end = r_start[node], r_pos[node], r_end[node]
            r_hist_l = r_hist_r = -1
            if r_hist[node] >= 0:
                pool, free, n_free, r_hist_l, r_hist_r = _children_histograms(
                    pool, free, n_free, r_hist[node], start, mid, end, small_node, data
                )
            # scikit-learn's best-first builder passes no known constant features on
            depth, is_sorted, n_constant = r_depth[node] + 1, r_sorted[node], 0
            stack, st_impurity, top = _push(
                stack,
                st_impurity,
                top,
                mid,
                end,
                depth,
                node,
                False,
                r_imp_right[node],
                r_hist_r,
                is_sorted,
                n_constant,
            )
            stack, st_impurity, top = _push(
                stack,
                st_impurity,
                top,
                start,
                mid,
                depth,
                node,
                True,
                r_imp_left[node],
                r_hist_l,
                is_sorted,
                n_constant,
            )
            continue
        top -= 1
        start, end, depth = stack[top, _START], stack[top, _END], stack[top, _DEPTH]
        parent, is_left, hist_slot = stack[top, _PARENT], stack[top, _IS_LEFT] != 0, stack[top, _HIST]
        node_impurity = st_impurity[top]
        n_node = end - start
        node = node_count
        node_count += 1
        if node == value.shape[0]:
            bigger = np.zeros((min(2 * node, capacity), n_out, K))
            bigger[:node] = value
            value = bigger
        node_totals(y, y_enc, w, samples, start, end, crit, n_out, K, stats_total)
        wn = stats_total[1]
        if first or crit == ABSOLUTE_ERROR:
            # the root's impurity, and the median, need their own pass
            wn, fresh_impurity = node_statistics(y, y_enc, w, samples, start, end, crit, value[node])
            node_impurity = fresh_impurity if first else node_impurity
            first = False
        else:
            # a mean or class proportions: node_statistics' sums, in its order
            for k in range(n_out):
                for c in range(K):
                    value[node, k, c] = stats_total[2 + k * K + c] / wn
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
        best_missing_left = False
        imp_left = 0.0
        imp_right = 0.0
        improvement = 0.0
        n_left = 0
        n_total = 0
        mid = start
        if not is_leaf:
            if not use_hist and stack[top, _SORTED] == 0:
                _sort_rows(codes_t, samples, start, end, rows)
            if crit == ABSOLUTE_ERROR:
                _node_ranks(y, w, samples, start, end, ranks, sorted_y)
            if use_hist and hist_slot < 0:
                pool, free, n_free, hist_slot = _acquire(pool, free, n_free)
                _fill_histogram(pool[hist_slot], start, end, data)
            best_proxy = -np.inf
            # scikit-learn's feature draw, as in the exact route
            n_known = stack[top, _N_CONSTANT]
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
                    constant = _single_bin(pool[hist_slot, f], n_bins[f], missing_bin)
                else:
                    constant = codes_t[f, rows[f, start]] == codes_t[f, rows[f, end - 1]]
                if constant:
                    features[f_j], features[n_total] = features[n_total], features[f_j]
                    n_found += 1
                    n_total += 1
                    continue
                f_i -= 1
                features[f_i], features[f_j] = features[f_j], features[f_i]
                rules = (stats_total, min_samples_leaf, min_weight_leaf, crit, n_out, K)
                if use_hist:
                    proxy, b, to_left = _scan_histogram(
                        pool[hist_slot, f], n_bins[f], missing_bin, *rules, stats_left, cl, cr
                    )
                elif crit == ABSOLUTE_ERROR:
                    proxy, pos = _scan_absolute_error(
                        codes_f32[f], y, w, rows[f], start, end, wn, *rules[1:3], ranks, sorted_y, *fenwick
                    )
                    b = np.int64(codes_t[f, rows[f, pos - 1]]) if pos >= 0 else -1
                    to_left = False  # NaN sort last: the scan keeps them right
                else:
                    proxy, b, to_left = _scan_sorted_row(
                        codes_t[f], missing_bin, y, y_enc, w, rows[f], start, end, rules, scratch, stats_missing
                    )
                if b >= 0 and proxy > best_proxy:
                    best_proxy = proxy
                    best_feature = f
                    best_bin = b
                    best_missing_left = to_left
            # restore the known constants' order (scikit-learn's constant_features)
            features[:n_known] = constant_features[:n_known]
            constant_features[n_known:n_total] = features[n_known:n_total]
            if best_bin < 0:
                is_leaf = True
            else:
                marks = no_marks if use_hist else goes_left
                mid, node_has_missing = _partition(
                    samples, codes_t[best_feature], start, end, best_bin, missing_bin, best_missing_left, marks, tmp
                )
                if not use_hist:
                    # the split feature's row is already left then right, unless its NaN (sorted last) go left
                    skip = -1 if node_has_missing and best_missing_left else best_feature
                    partition_rows(rows, skip, start, end, goes_left, tmp)
                n_left = mid - start
                # without NaN here, NaN met later goes to the larger child, as scikit-learn's
                if node_has_missing:
                    missing_go_to_left[node] = best_missing_left
                else:
                    missing_go_to_left[node] = n_left > end - mid
                wl, imp_left = node_statistics(y, y_enc, w, samples, start, mid, crit, scratch_value)
                wr, imp_right = node_statistics(y, y_enc, w, samples, mid, end, crit, scratch_value)
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
        if is_leaf:
            missing_go_to_left[node] = 0
        else:
            feature[node] = best_feature
            threshold[node] = thresholds[best_feature, best_bin]

        if is_leaf and hist_slot >= 0:
            free[n_free] = hist_slot
            n_free += 1
            hist_slot = -1
        if best_first:
            r_start[node], r_end[node], r_depth[node], r_is_leaf[node] = start, end, depth, is_leaf
            # the histogram is kept for the children's subtraction
            r_sorted[node], r_hist[node] = not use_hist, hist_slot
            r_pos[node], r_improvement[node] = (end, 0.0) if is_leaf else (mid, improvement)
            r_imp_left[node], r_imp_right[node] = imp_left, imp_right
            frontier_push(heap, h_size, r_improvement, node)
            h_size += 1
        if best_first or is_leaf:
            continue

        l_slot = r_slot = -1
        if hist_slot >= 0:
            pool, free, n_free, l_slot, r_slot = _children_histograms(
                pool, free, n_free, hist_slot, start, mid, end, small_node, data
            )
        stack, st_impurity, top = _push(
            stack, st_impurity, top, mid, end, depth + 1, node, False, imp_right, r_slot, not use_hist, n_total
        )
        stack, st_impurity, top = _push(
            stack, st_impurity, top, start, mid, depth + 1, node, True, imp_left, l_slot, not use_hist, n_total
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
