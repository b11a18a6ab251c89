"""Gathering a feature's values of a node's samples: dense rows or CSC columns.

Private numba kernels, scikit-learn's ``DensePartitioner`` and
``SparsePartitioner`` (``sklearn/tree/_partitioner.pyx``). The splitters that
work on scikit-learn's ``samples`` array (the node's samples, reordered in
place) ask a partitioner three things: the node's values of a feature (sorted,
for the best split; with their range, for a random threshold), the partition
of the node around a threshold, and the final partition of the chosen split.
The dense partitioner reads the row of X transposed; the sparse one reads a
column of a CSC matrix and touches only its stored values.

The sparse layout of a node segment ``samples[start:end]`` after extraction:
the samples with a negative value in ``[start, end_negative)``, those with a
positive value in ``[start_positive, end)``, and between them, as one block,
the implicit (and explicit) zeros, in whatever order the swaps left them.
Sorting sorts the two stored parts only; the zeros are one run of equal values.
The extraction intersects the column's row indices with the node's samples by
whichever is cheaper (scikit-learn's choice, ``EXTRACT_NNZ_SWITCH``): walking
the column's stored entries through a map from row to position in ``samples``
(``O(nnz of the column)``), or binary searches of the node's sorted samples in
the column (``O(n_node log nnz)``, for nodes much smaller than the column).

Dense X may hold NaN (sparse X may not): the sort moves a node's NaN
samples to the end of its segment, the best splitter's second search moves
them to the front (:func:`shift_missing_to_the_left`), and the partitions
send them the side the split chose, as scikit-learn's dense partitioner.

A partitioner's state is a tuple: ``source = (Xt, data, indices, indptr)``
(X transposed for dense input, the CSC arrays for sparse input; the other
part empty) and, for sparse input, ``sparse_state = (index_to_samples,
sorted_samples, bounds)`` with ``bounds = [end_negative, start_positive,
samples_sorted]`` of the current node.
"""

import math

import numpy as np
from numba import njit

from ._sort import introsort

# scikit-learn's switch between the two extractions: binary search when
# ``n_node log n_node + n_node log nnz < EXTRACT_NNZ_SWITCH * nnz``
EXTRACT_NNZ_SWITCH = np.float32(0.1)
# gather a node's entries from its rows when that costs less than this share
# of walking the columns it draws
ROW_GATHER_SWITCH = 0.5


def _no_dense():
    """The dense slot of a source without dense X, of the same (F) layout, so
    that numba compiles one builder for every source."""
    return np.zeros((2, 2), dtype=np.float32).T


def dense_source(X=None):
    """The partitioner source of dense X (n_samples x n_features; none: an empty source).

    Held as the transpose of a C-ordered float32 copy: a feature is a row
    of it, read at ``X[samples[p], f]`` as scikit-learn reads X, so that the
    features of a node share the cache lines of its samples' rows.
    """
    Xt = _no_dense() if X is None else np.ascontiguousarray(X, dtype=np.float32).T
    empty_index = np.empty(0, dtype=np.int32)
    empty_data = np.empty(0, dtype=np.float32)
    return (Xt, empty_data, empty_index, empty_index, empty_index, empty_index, empty_data)


def sparse_source(X_csc):
    """The partitioner source of a CSC matrix with sorted indices (float32 data).

    The CSC arrays, then the same matrix as CSR (for small nodes, see
    :func:`init_node_split`). Indices and pointers are int32, as
    scikit-learn's (half the memory traffic of int64 in the extraction); the
    estimators refuse a matrix whose indices do not fit.
    """
    X_csr = X_csc.tocsr()
    X_csr.sort_indices()
    return (
        _no_dense(),
        np.ascontiguousarray(X_csc.data, dtype=np.float32),
        np.ascontiguousarray(X_csc.indices, dtype=np.int32),
        np.ascontiguousarray(X_csc.indptr, dtype=np.int32),
        np.ascontiguousarray(X_csr.indptr, dtype=np.int32),
        np.ascontiguousarray(X_csr.indices, dtype=np.int32),
        np.ascontiguousarray(X_csr.data, dtype=np.float32),
    )


@njit(cache=True, nogil=True)
def sparse_partitioner(source, samples, n_total, sparse):
    """The sparse partitioner's state (empty arrays for dense input).

    ``index_to_samples[i]`` is the position of row ``i`` in ``samples`` (-1
    for a row not grown on); ``sorted_samples`` the node's samples in row
    order; ``bounds`` the node's ``end_negative, start_positive``, whether
    ``sorted_samples`` holds the node and whether the node's entries are
    gathered by column (``column_start``, ``column_rows``,
    ``column_values``, see :func:`init_node_split`).
    """
    size = n_total if sparse else 0
    index_to_samples = np.full(size, -1, dtype=np.int64)
    if sparse:
        for p in range(samples.shape[0]):
            index_to_samples[samples[p]] = p
    n_features = source[3].shape[0] - 1 if sparse else 0
    nnz = source[1].shape[0]
    return (
        index_to_samples,
        np.empty(samples.shape[0] if sparse else 0, dtype=np.int64),
        np.zeros(4, dtype=np.int64),
        np.zeros(max(n_features + 1, 0), dtype=np.int64),
        np.zeros(max(n_features, 0), dtype=np.int64),
        np.empty(nnz, dtype=np.int32),
        np.empty(nnz, dtype=np.float32),
    )


@njit(cache=True, nogil=True)
def init_node_split(source, sparse_state, sparse, samples, start, end, max_features):
    """A new node: choose how its features' stored values will be found.

    scikit-learn walks each drawn column (or binary-searches it) at every
    node, ``O(nnz of the column)`` however small the node. When the node's
    own rows hold far fewer stored entries than the columns it will draw,
    they are gathered once, by column, from the CSR copy of X (a counting
    sort of the node's entries, in row order), and each feature's
    extraction then walks only the node's entries of its column, in the
    same row order as scikit-learn's walks: the same samples move in the
    same order, so the tree is unchanged.
    """
    _, data, _, indptr, row_indptr, row_columns, row_values = source
    _, sorted_samples, bounds, column_start, column_cursor, column_rows, column_values = sparse_state
    bounds[2] = 0
    bounds[3] = 0
    if not sparse:
        return
    n_features = indptr.shape[0] - 1
    n_node = end - start
    node_entries = 0
    for p in range(start, end):
        node_entries += row_indptr[samples[p] + 1] - row_indptr[samples[p]]
    column_cost = data.shape[0] / n_features * max_features
    gather_cost = node_entries + 2 * n_features + n_node * math.log2(max(n_node, 2))
    if gather_cost >= ROW_GATHER_SWITCH * column_cost:
        return
    sorted_samples[start:end] = np.sort(samples[start:end])
    bounds[2] = 1
    column_start[:] = 0
    for p in range(start, end):
        row = sorted_samples[p]
        for e in range(row_indptr[row], row_indptr[row + 1]):
            column_start[row_columns[e] + 1] += 1
    for f in range(n_features):
        column_start[f + 1] += column_start[f]
        column_cursor[f] = column_start[f]
    for p in range(start, end):
        row = sorted_samples[p]
        for e in range(row_indptr[row], row_indptr[row + 1]):
            q = column_cursor[row_columns[e]]
            column_rows[q] = row
            column_values[q] = row_values[e]
            column_cursor[row_columns[e]] = q + 1
    bounds[3] = 1


@njit(cache=True, nogil=True, inline="always")
def _sparse_swap(index_to_samples, samples, p, q):
    samples[p], samples[q] = samples[q], samples[p]
    index_to_samples[samples[p]] = p
    index_to_samples[samples[q]] = q


@njit(cache=True, nogil=True)
def _binary_search(indices, lo, hi, value):
    """Position of ``value`` in ``indices[lo:hi]`` (-1 if absent) and the next ``lo``."""
    while lo < hi:
        pivot = lo + (hi - lo) // 2
        if indices[pivot] == value:
            return pivot, pivot + 1
        if indices[pivot] < value:
            lo = pivot + 1
        else:
            hi = pivot
    return -1, lo


@njit(cache=True, nogil=True, inline="always")
def extract_nnz(source, sparse_state, feature, samples, start, end, values):
    """scikit-learn's ``extract_nnz``: split the node's samples by the sign of their value.

    Fills ``values[start:end_negative]`` and ``values[start_positive:end]``
    (unsorted) and reorders ``samples`` to match; returns ``end_negative,
    start_positive``.
    """
    data, indices, indptr = source[1], source[2], source[3]
    index_to_samples, sorted_samples, bounds, column_start, _, column_rows, column_values = sparse_state
    lo = indptr[feature]
    hi = indptr[feature + 1]
    n_indices = hi - lo
    n_node = end - start
    end_negative = start
    start_positive = end
    if bounds[3]:
        # the node's own entries of the column (init_node_split)
        indices, data = column_rows, column_values
        lo, hi = column_start[feature], column_start[feature + 1]
        by_search = False
    else:
        sort_cost = 0.0 if bounds[2] else n_node * math.log2(n_node)
        by_search = n_indices > 0 and sort_cost + n_node * math.log2(n_indices) < EXTRACT_NNZ_SWITCH * n_indices
    if by_search:
        if not bounds[2]:
            sorted_samples[start:end] = np.sort(samples[start:end])
            bounds[2] = 1
        while lo < hi and sorted_samples[start] > indices[lo]:
            lo += 1
        while lo < hi and sorted_samples[end - 1] < indices[hi - 1]:
            hi -= 1
    # Both walks meet the node's stored entries in increasing row order, so
    # they move the same samples in the same order. (The placement is
    # written once, in this loop: a helper returning the two bounds costs
    # ten times the loop.)
    p = start
    k = lo - 1
    while True:
        if by_search:
            if p >= end or lo >= hi:
                break
            k, lo = _binary_search(indices, lo, hi, sorted_samples[p])
            p += 1
            if k == -1:
                continue
            position = index_to_samples[indices[k]]
        else:
            k += 1
            if k >= hi:
                break
            position = index_to_samples[indices[k]]
            if position < start or position >= end:
                continue
        x = data[k]
        if x > 0:
            start_positive -= 1
            values[start_positive] = x
            _sparse_swap(index_to_samples, samples, position, start_positive)
        elif x < 0:
            values[end_negative] = x
            _sparse_swap(index_to_samples, samples, position, end_negative)
            end_negative += 1
    bounds[0], bounds[1] = end_negative, start_positive
    return end_negative, start_positive


@njit(cache=True, nogil=True, inline="always")
def _sort_stored(values, samples, index_to_samples, start, end):
    """scikit-learn's introsort of ``values[start:end]``, skipped when they are all equal.

    The introsort leaves equal values where they are (its three-way
    partition moves nothing), so the skip changes no order; it saves the
    sort, and the update of ``index_to_samples`` after it, on the columns
    of one-hot and count data, whose stored values of a node are often one
    value.
    """
    for p in range(start + 1, end):
        if values[p] != values[start]:
            introsort(values, samples, start, end)
            for q in range(start, end):
                index_to_samples[samples[q]] = q
            return


@njit(cache=True, nogil=True, inline="always")
def sort_sparse_feature(source, sparse_state, feature, samples, start, end, values):
    """scikit-learn's ``SparsePartitioner.sort_samples_and_feature_values``.

    Sorts the negative and the positive stored values with scikit-learn's
    introsort, and writes a zero at each edge of the zeros block (the one
    before it ends the negative run, the one after it starts the positive
    run), as scikit-learn does; the block's other positions are never read.
    Returns ``end_negative, start_positive`` (each moved over its zero).
    """
    index_to_samples = sparse_state[0]
    end_negative, start_positive = extract_nnz(source, sparse_state, feature, samples, start, end, values)
    _sort_stored(values, samples, index_to_samples, start, end_negative)
    _sort_stored(values, samples, index_to_samples, start_positive, end)
    if end_negative < start_positive:
        start_positive -= 1
        values[start_positive] = 0.0
        if end_negative != start_positive:
            values[end_negative] = 0.0
            end_negative += 1
    return end_negative, start_positive


@njit(cache=True, nogil=True, inline="always")
def sort_dense_feature(xrow, samples, start, end, values):
    """scikit-learn's ``DensePartitioner.sort_samples_and_feature_values``.

    The node's samples with a NaN value move to the end of ``samples[start:
    end]`` by scikit-learn's swaps (each NaN found from the left trades
    places with the right-most sample not yet known to be NaN), then the
    others are sorted with its introsort. Fills ``values[start:end]`` (NaN
    in the missing block) and returns the number of NaN. On a feature
    without NaN in the node the swaps move nothing, so the result does not
    depend on whether the feature has NaN elsewhere.
    """
    i = start
    current_end = end - 1
    n_missing = 0
    while i <= current_end:
        if np.isnan(xrow[samples[current_end]]):
            n_missing += 1
            current_end -= 1
            continue
        if np.isnan(xrow[samples[i]]):
            samples[i], samples[current_end] = samples[current_end], samples[i]
            n_missing += 1
            current_end -= 1
        values[i] = xrow[samples[i]]
        i += 1
    end_non_missing = end - n_missing
    values[end_non_missing:end] = np.nan
    introsort(values, samples, start, end_non_missing)
    return n_missing


@njit(cache=True, nogil=True, inline="always")
def shift_missing_to_the_left(samples, values, start, end, n_missing):
    """scikit-learn's ``shift_missing_to_the_left``: the NaN block moves before the sorted values.

    ``[sorted values, NaN block]`` becomes ``[NaN block, sorted values]``,
    each block keeping its inner order (the rotation of scikit-learn's
    ``swap_array_slices``), for the search that sends NaN left.
    """
    n_non_missing = end - start - n_missing
    if n_missing == 0 or n_non_missing == 0:
        return
    moved_samples = samples[start + n_non_missing : end].copy()
    moved_values = values[start + n_non_missing : end].copy()
    for p in range(start + n_non_missing - 1, start - 1, -1):
        samples[p + n_missing] = samples[p]
        values[p + n_missing] = values[p]
    samples[start : start + n_missing] = moved_samples
    values[start : start + n_missing] = moved_values


@njit(cache=True, nogil=True, inline="always")
def dense_min_max(xrow, samples, start, end, values):
    """:func:`find_min_max` of dense X, on the feature's row ``xrow``."""
    lo = np.float32(np.inf)
    hi = np.float32(-np.inf)
    n_missing = 0
    seen = False
    for p in range(start, end):
        x = xrow[samples[p]]
        values[p] = x
        if np.isnan(x):
            n_missing += 1
        elif not seen:
            lo = x
            hi = x
            seen = True
        elif x < lo:
            lo = x
        elif x > hi:
            hi = x
    return lo, hi, n_missing


@njit(cache=True, nogil=True, inline="always")
def find_min_max(source, sparse_state, sparse, feature, samples, start, end, values):
    """The node's smallest and largest value of ``feature`` (float32), and its number of NaN.

    Dense: scikit-learn's ``DensePartitioner.find_min_max`` (fills
    ``values[start:end]``; NaN are counted and left out of the range).
    Sparse: the extraction, then zero if the node holds a zero (no NaN).
    """
    if not sparse:
        return dense_min_max(source[0][feature], samples, start, end, values)
    end_negative, start_positive = extract_nnz(source, sparse_state, feature, samples, start, end, values)
    if end_negative != start_positive:
        lo = np.float32(0.0)
    else:
        lo = values[start]
    hi = lo
    for p in range(start, end_negative):
        if values[p] < lo:
            lo = values[p]
        elif values[p] > hi:
            hi = values[p]
    for p in range(start_positive, end):
        if values[p] < lo:
            lo = values[p]
        elif values[p] > hi:
            hi = values[p]
    return lo, hi, 0


@njit(cache=True, nogil=True, inline="always")
def partition_samples(index_to_samples, bounds, sparse, values, samples, start, end, threshold, missing_go_to_left):
    """Samples with ``x <= threshold`` first, after :func:`find_min_max`; returns the split position.

    Dense: scikit-learn's ``partition_samples`` over ``values[start:end]``,
    a NaN going left when ``missing_go_to_left``. Sparse: its
    ``_partition``, within the negative or the positive part only (a zero
    threshold is the zeros block's end), with the sparse partitioner's
    ``index_to_samples`` and ``bounds`` (:func:`sparse_partitioner`).
    """
    if sparse:
        if threshold < 0.0:
            p, q = start, bounds[0]
        elif threshold > 0.0:
            p, q = bounds[1], end
        else:
            return bounds[1]
    else:
        p, q = start, end
    while p < q:
        x = values[p]
        if (missing_go_to_left and np.isnan(x)) or x <= threshold:
            p += 1
        else:
            q -= 1
            values[p], values[q] = values[q], values[p]
            samples[p], samples[q] = samples[q], samples[p]
            if sparse:
                index_to_samples[samples[p]] = p
                index_to_samples[samples[q]] = q
    return q


@njit(cache=True, nogil=True)
def partition_final(source, sparse_state, sparse, feature, samples, start, end, threshold, values, missing_go_to_left):
    """scikit-learn's ``partition_samples_final``: the chosen split's left samples first.

    A NaN goes left when ``missing_go_to_left`` (dense X only: sparse X
    holds no NaN).
    """
    if sparse:
        extract_nnz(source, sparse_state, feature, samples, start, end, values)
        partition_samples(sparse_state[0], sparse_state[2], True, values, samples, start, end, threshold, False)
        return
    xrow = source[0][feature]
    p = start
    q = end
    while p < q:
        x = xrow[samples[p]]
        if (missing_go_to_left and np.isnan(x)) or x <= threshold:
            p += 1
        else:
            q -= 1
            samples[p], samples[q] = samples[q], samples[p]
