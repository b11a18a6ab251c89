"""Private kernels: chunked exact k-nearest-neighbour search (Euclidean).

Plain functions of tensors: no estimator state, no validation. The query set is
cut into row chunks, so the search never holds an ``n x n`` matrix.

Two routes, as for k-means (:mod:`skdl.cluster._lloyd`). The tensor route
(GPU, and the reference the tests hold the CPU route to) computes a distance
block per chunk with one matrix product and keeps the ``k`` smallest with
``torch.topk``; the chunk is as large as scikit-learn's ``working_memory``
allows (:func:`skdl._device.chunk_size`). On the CPU that block is
memory-bound (written once, read back by topk) and torch's intra-op threads
synchronise on every call, so the CPU route is one numba loop, parallel over
chunks of query rows; each chunk walks the reference in cache-sized blocks (a
single-threaded BLAS product per block) and keeps each row's ``k`` smallest
by insertion into a sorted buffer, as scikit-learn's ``ArgKmin`` does.
"""

import numpy as np
import torch
from numba import njit, prange

from .._device import chunk_size
from ..utils._threads import single_threaded_blas

# CPU blocks: query rows x reference rows; a 64 x 1024 float64 block is 512 KiB.
_CPU_QUERY_ROWS = 64
_CPU_REFERENCE_ROWS = 1024


@njit(inline="always")
def insert_sorted(best, best_j, row, value, j):
    """Insert ``value`` (index ``j``) into row ``row``'s ascending buffer, dropping its last.

    The caller has checked ``value < best[row, -1]``. An equal value goes
    after those already kept.
    """
    position = best.shape[1] - 1
    while position > 0 and best[row, position - 1] > value:
        best[row, position] = best[row, position - 1]
        best_j[row, position] = best_j[row, position - 1]
        position -= 1
    best[row, position] = value
    best_j[row, position] = j


@njit(parallel=True, nogil=True, cache=True)
def _kneighbors_numba(query, reference, half_r_sq, query_index, out):
    """``out[i]``: the ``k`` nearest reference rows of query row ``i``, sorted.

    Ranks by ``|r|^2 / 2 - q.r`` (the squared distance halved, less the
    query's constant ``|q|^2 / 2``). ``query_index[i] >= 0`` excludes that
    reference row from row ``i``'s neighbours. Ties keep the lower index.
    """
    n_queries = query.shape[0]
    n_references = reference.shape[0]
    k = out.shape[1]
    n_chunks = (n_queries + _CPU_QUERY_ROWS - 1) // _CPU_QUERY_ROWS
    for chunk in prange(n_chunks):
        start = chunk * _CPU_QUERY_ROWS
        stop = min(start + _CPU_QUERY_ROWS, n_queries)
        best = np.full((stop - start, k), np.inf, dtype=half_r_sq.dtype)
        best_j = np.full((stop - start, k), -1, dtype=np.int64)
        for r_start in range(0, n_references, _CPU_REFERENCE_ROWS):
            r_stop = min(r_start + _CPU_REFERENCE_ROWS, n_references)
            dots = np.dot(query[start:stop], reference[r_start:r_stop].T)
            for row in range(stop - start):
                excluded = query_index[start + row]
                for jj in range(r_stop - r_start):
                    j = r_start + jj
                    value = half_r_sq[j] - dots[row, jj]
                    if value >= best[row, k - 1] or j == excluded:
                        continue
                    insert_sorted(best, best_j, row, value, j)
        out[start:stop] = best_j


def _kneighbors_cpu(query, reference, n_neighbors, query_index):
    """CPU route of :func:`kneighbors`, through the numba kernel."""
    query_np, reference_np = query.numpy(), reference.numpy()
    half_r_sq = 0.5 * np.einsum("ij,ij->i", reference_np, reference_np)
    if query_index is None:
        index = np.full(query_np.shape[0], -1, dtype=np.int64)
    else:
        index = np.ascontiguousarray(query_index.numpy(), dtype=np.int64)
    out = np.empty((query_np.shape[0], n_neighbors), dtype=np.int64)
    # Each numba thread calls BLAS on its own block: BLAS must not add threads.
    with single_threaded_blas():
        _kneighbors_numba(np.ascontiguousarray(query_np), np.ascontiguousarray(reference_np), half_r_sq, index, out)
    return torch.from_numpy(out)


def _squared_norms(X):
    """Row-wise squared Euclidean norms, in X's dtype and on its device."""
    return torch.einsum("ij,ij->i", X, X)


def kneighbors(query, reference, n_neighbors, *, query_index=None):
    """Indices of the ``n_neighbors`` nearest reference rows of each query row.

    Distances are squared Euclidean distances written as
    ``|q|^2 - 2 q.r + |r|^2`` (one matrix product per chunk, as scikit-learn's
    brute-force search does); CPU tensors take the numba route, others the
    tensor route.

    Parameters
    ----------
    query : torch.Tensor of shape (n_queries, n_features)
    reference : torch.Tensor of shape (n_references, n_features)
        Same dtype and device as ``query``.
    n_neighbors : int
        Neighbours per query, at most ``n_references`` (``n_references - 1``
        with ``query_index``).
    query_index : torch.Tensor of shape (n_queries,), int64, default=None
        When the query rows are reference rows, their positions in
        ``reference``: a row is then never its own neighbour (exact duplicates
        of it still are, at distance 0). ``None`` excludes nothing.

    Returns
    -------
    indices : torch.Tensor of shape (n_queries, n_neighbors), dtype int64
        Sorted by increasing distance.
    """
    if query.device.type == "cpu":
        return _kneighbors_cpu(query, reference, n_neighbors, query_index)
    return _kneighbors_torch(query, reference, n_neighbors, query_index)


def _kneighbors_torch(query, reference, n_neighbors, query_index):
    """Tensor route of :func:`kneighbors` (GPU, and the tests' reference)."""
    n_queries, n_references = query.shape[0], reference.shape[0]
    reference_norms = _squared_norms(reference)
    # Temporaries per query row: the distance row and topk's working copy.
    bytes_per_row = 2 * n_references * query.element_size()
    step = chunk_size(bytes_per_row, n_queries)
    out = torch.empty((n_queries, n_neighbors), dtype=torch.int64, device=query.device)
    for start in range(0, n_queries, step):
        stop = min(start + step, n_queries)
        block = query[start:stop]
        distances = torch.addmm(reference_norms.unsqueeze(0), block, reference.T, alpha=-2.0)
        distances += _squared_norms(block).unsqueeze(1)
        if query_index is not None:
            rows = torch.arange(stop - start, device=query.device)
            distances[rows, query_index[start:stop]] = float("inf")
        out[start:stop] = torch.topk(distances, n_neighbors, dim=1, largest=False, sorted=True).indices
    return out


def interpolate(base, neighbours, rows, columns, steps, nn_index, scale=None):
    """Synthetic samples ``base[rows] + steps * ((neighbours[nn] - base[rows]) * scale)``.

    Written as imbalanced-learn's ``X[rows] + steps * diffs`` (not
    ``torch.lerp``, which rounds differently for gaps above 0.5), so float64
    samples are imbalanced-learn's bit for bit.

    Parameters
    ----------
    base : torch.Tensor of shape (n_base, n_features)
        The samples new points start from.
    neighbours : torch.Tensor of shape (n_neighbour_set, n_features)
        The set ``nn_index`` points into.
    rows : torch.Tensor of shape (n_new,), int64
        Row of ``base`` (and of ``nn_index``) for each new sample.
    columns : torch.Tensor of shape (n_new,), int64
        Which of the row's neighbours each new sample moves towards.
    steps : torch.Tensor of shape (n_new,)
        Gaps in [0, 1), same dtype as ``base``.
    nn_index : torch.Tensor of shape (n_base, k), int64
        Neighbour indices into ``neighbours``.
    scale : torch.Tensor of shape (n_new,) or None, default=None
        A factor of each difference before the gap (borderline-2's second
        draw, applied where imbalanced-learn applies it); ``None``: 1.

    Returns
    -------
    new : torch.Tensor of shape (n_new, n_features)
    """
    start = base[rows]
    diffs = neighbours[nn_index[rows, columns]] - start
    if scale is not None:
        diffs = diffs * scale.unsqueeze(1)
    return start + steps.unsqueeze(1) * diffs
