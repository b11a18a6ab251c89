"""Private kernels: the neighbours SMOTENC and SMOTEN search, selected as scikit-learn selects them.

Plain functions of arrays: no estimator state, no validation. Both samplers
search each class's samples among themselves, under a distance that adds a
numerical part and a categorical part, the categorical one read from
integer category codes (never from a one-hot matrix):

- SMOTENC (``euclidean=True``): imbalanced-learn's squared Euclidean
  distance on its encoding (the numerical columns, then one column per
  category holding ``v = median_std / sqrt(2)`` where the sample has it),
  computed as scikit-learn's ``euclidean_distances`` computes it on that
  sparse matrix: ``d = -2 x.y + |x|^2 + |y|^2``, ``x.y`` summed column by
  column in the matrix's order (each category two samples share adds
  ``v^2``), clipped at 0, the sample's distance to itself set to 0, and
  rounded to float32 for float32 data;
- SMOTEN (``euclidean=False``): the value difference metric, the sum over
  features (in order, from 0) of a per-feature table ``T_f[a, b]`` of the two
  categories.

The distances are those bits. The selection is scikit-learn's brute-force
``kneighbors``: ``np.argpartition`` of each row of distances, then
``np.argsort`` of the ``n_neighbors`` kept. Where the ``n_neighbors + 1``
smallest distances of a row are all different, that selection is the sorted
``n_neighbors`` smallest, which one scan per row finds without the row (the
CPU route: a parallel numba loop over chunks of query rows, each keeping its
``n_neighbors + 1`` smallest by insertion while it walks the reference in
blocks). Where they are not, which neighbours win a tie and in what order is
whatever ``np.argpartition`` does: those rows alone get their full distance
row computed and go through scikit-learn's two NumPy calls, so ties come
out as imbalanced-learn's too. The tensor route (GPU) computes distance
blocks with torch and keeps the smallest with ``torch.topk``, whose order
between equal distances is its own.
"""

import numpy as np
import torch
from numba import njit, prange

from .._device import chunk_size
from ._kneighbors import insert_sorted

# CPU blocks: query rows x reference rows; a 64 x 1024 float64 block is 512 KiB.
_QUERY_ROWS = 64
_REFERENCE_ROWS = 1024


@njit(inline="always")
def _distance_block(space, rows, r_start, r_stop, block):
    """``block[i, jj]``: distance of query ``rows[i]`` to reference ``r_start + jj``.

    ``space`` is the tuple :func:`_space` builds. The loops run over the
    reference rows innermost (vectorised) and over features outside, so each
    pair's sums keep scikit-learn's feature order.
    """
    numeric, numeric_t, codes, codes_t, sq_norms, match, tables, offsets, sizes, euclidean, float32 = space
    width = r_stop - r_start
    for i in range(rows.shape[0]):
        row = rows[i]
        for jj in range(width):
            block[i, jj] = 0.0
        for f in range(numeric.shape[1]):
            value = numeric[row, f]
            for jj in range(width):
                block[i, jj] += value * numeric_t[f, r_start + jj]
        for f in range(codes.shape[1]):
            code = codes[row, f]
            if euclidean:
                for jj in range(width):
                    block[i, jj] += match if codes_t[f, r_start + jj] == code else 0.0
            else:
                base = offsets[f] + code * sizes[f]
                for jj in range(width):
                    block[i, jj] += tables[base + codes_t[f, r_start + jj]]
        if euclidean:
            for jj in range(width):
                distance = -2.0 * block[i, jj] + sq_norms[row]
                distance = distance + sq_norms[r_start + jj]
                if float32:
                    distance = np.float64(np.float32(distance))
                block[i, jj] = max(distance, 0.0)
            # scikit-learn zeroes a sample's distance to itself (X is Y)
            if r_start <= row < r_stop:
                block[i, row - r_start] = 0.0


@njit(inline="always")
def _keep_smallest(block, width, r_start, best, best_j):
    """Insert a block's distances into each row's sorted buffer of the smallest (ties stay visible)."""
    m = best.shape[1]
    for i in range(best.shape[0]):
        for jj in range(width):
            value = block[i, jj]
            if value < best[i, m - 1]:
                insert_sorted(best, best_j, i, value, r_start + jj)


@njit(parallel=True, nogil=True, cache=True)
def _scan(space, out, tied):
    """``out[i]``: the ``n_neighbors`` nearest rows of row ``i``; ``tied[i]`` if ties decide them.

    Keeps ``n_neighbors + 1`` distances per row: the selection is unique
    exactly when those are all different.
    """
    n = space[0].shape[0]
    n_keep = out.shape[1] + 1
    n_distinct = min(n_keep, n)
    n_chunks = (n + _QUERY_ROWS - 1) // _QUERY_ROWS
    for chunk in prange(n_chunks):
        start = chunk * _QUERY_ROWS
        stop = min(start + _QUERY_ROWS, n)
        rows = np.arange(start, stop)
        block = np.empty((stop - start, _REFERENCE_ROWS))
        best = np.full((stop - start, n_keep), np.inf)
        best_j = np.full((stop - start, n_keep), -1, dtype=np.int64)
        for r_start in range(0, n, _REFERENCE_ROWS):
            r_stop = min(r_start + _REFERENCE_ROWS, n)
            _distance_block(space, rows, r_start, r_stop, block)
            _keep_smallest(block, r_stop - r_start, r_start, best, best_j)
        for i in range(stop - start):
            for t in range(n_distinct - 1):
                if best[i, t] == best[i, t + 1]:
                    tied[start + i] = True
            for t in range(out.shape[1]):
                out[start + i, t] = best_j[i, t]


@njit(parallel=True, nogil=True, cache=True)
def _full_rows(space, rows, out):
    """``out[i]``: the distances of row ``rows[i]`` to every row (``out``'s dtype)."""
    n = space[0].shape[0]
    n_chunks = (rows.shape[0] + _QUERY_ROWS - 1) // _QUERY_ROWS
    for chunk in prange(n_chunks):
        start = chunk * _QUERY_ROWS
        stop = min(start + _QUERY_ROWS, rows.shape[0])
        block = np.empty((stop - start, _REFERENCE_ROWS))
        for r_start in range(0, n, _REFERENCE_ROWS):
            r_stop = min(r_start + _REFERENCE_ROWS, n)
            _distance_block(space, rows[start:stop], r_start, r_stop, block)
            for i in range(stop - start):
                for jj in range(r_stop - r_start):
                    out[start + i, r_start + jj] = block[i, jj]


def _sklearn_selection(distances, n_neighbors):
    """scikit-learn's ``_kneighbors_reduce_func``: argpartition, then argsort of the kept."""
    sample_range = np.arange(distances.shape[0])[:, None]
    neigh_ind = np.argpartition(distances, n_neighbors - 1, axis=1)[:, :n_neighbors]
    return neigh_ind[sample_range, np.argsort(distances[sample_range, neigh_ind])]


def _sequential_sq_norms(numeric, match, n_categorical):
    """Each row's ``|x|^2`` summed column by column, as scikit-learn's sparse row norms."""
    sq_norms = np.zeros(numeric.shape[0])
    for column in numeric.T:
        sq_norms += column * column
    for _ in range(n_categorical):
        sq_norms += match
    return sq_norms


def _space(numeric, codes, match, tables, euclidean, float32):
    """The arrays :func:`_distance_block` reads, as one tuple (numba takes it whole)."""
    numeric = np.ascontiguousarray(numeric, dtype=np.float64)
    codes = np.ascontiguousarray(codes, dtype=np.int32)
    if tables is None:
        flat, offsets, sizes = np.zeros(1), np.zeros(codes.shape[1], np.int64), np.zeros(codes.shape[1], np.int64)
    else:
        sizes = np.array([table.shape[0] for table in tables], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes * sizes)[:-1]]).astype(np.int64)
        flat = np.concatenate([table.ravel() for table in tables]) if tables else np.zeros(1)
    sq_norms = _sequential_sq_norms(numeric, match, codes.shape[1]) if euclidean else np.zeros(numeric.shape[0])
    return (
        numeric,
        np.ascontiguousarray(numeric.T),
        codes,
        np.ascontiguousarray(codes.T),
        sq_norms,
        float(match),
        flat,
        offsets,
        sizes,
        bool(euclidean),
        bool(float32),
    )


def _kneighbors_cpu(space, n_neighbors, out_dtype):
    n = space[0].shape[0]
    out = np.empty((n, n_neighbors), dtype=np.int64)
    tied = np.zeros(n, dtype=np.bool_)
    _scan(space, out, tied)
    tied_rows = np.flatnonzero(tied)
    # Rows whose neighbours a tie decides: their whole distance row, in
    # chunks, through scikit-learn's selection.
    step = chunk_size(n * np.dtype(out_dtype).itemsize * 3, tied_rows.size)
    for start in range(0, tied_rows.size, step):
        rows = tied_rows[start : start + step]
        distances = np.empty((rows.size, n), dtype=out_dtype)
        _full_rows(space, rows, distances)
        out[rows] = _sklearn_selection(distances, n_neighbors)
    return out


def _kneighbors_torch(space, n_neighbors, device):
    """Tensor route: the same distances in torch blocks, ``torch.topk`` selection."""
    numeric, _, codes, _, sq_norms, match, flat, offsets, sizes, euclidean, float32 = space
    numeric_t = torch.as_tensor(numeric, device=device)
    codes_t = torch.as_tensor(codes, device=device).long()
    n = numeric.shape[0]
    norms_t = torch.as_tensor(sq_norms, device=device)
    tables = [
        torch.as_tensor(flat[offset : offset + size * size].reshape(size, size), device=device)
        for offset, size in zip(offsets, sizes)
    ]
    out = torch.empty((n, n_neighbors), dtype=torch.int64, device=device)
    step = chunk_size(3 * n * 8, n)
    for start in range(0, n, step):
        stop = min(start + step, n)
        block = numeric_t[start:stop] @ numeric_t.T
        for f in range(codes.shape[1]):
            query, reference = codes_t[start:stop, f], codes_t[:, f]
            if euclidean:
                block += match * (query.unsqueeze(1) == reference.unsqueeze(0))
            else:
                block += tables[f][query][:, reference]
        if euclidean:
            block = (-2.0 * block + norms_t[start:stop].unsqueeze(1)) + norms_t.unsqueeze(0)
            if float32:
                block = block.float().double()
            block.clamp_(min=0.0)
            rows = torch.arange(stop - start, device=device)
            block[rows, rows + start] = 0.0
        out[start:stop] = torch.topk(block, n_neighbors, dim=1, largest=False, sorted=True).indices
    return out.cpu().numpy()


def categorical_kneighbors(numeric, codes, n_neighbors, device, *, match=0.0, tables=None, float32=False):
    """The ``n_neighbors`` nearest rows of each row among all rows, itself included.

    Parameters
    ----------
    numeric : ndarray of shape (n_samples, n_numeric)
        Numerical features (``n_numeric`` may be 0); any float or int dtype,
        computed in float64 (as scikit-learn upcasts float32).
    codes : ndarray of shape (n_samples, n_categorical), int
        Category codes, ``0 .. n_levels - 1`` per feature.
    n_neighbors : int
        Neighbours per row, the row itself counted (at most ``n_samples``).
    device : torch.device
        CPU: the numba route (scikit-learn's selection, ties included);
        otherwise the tensor route.
    match : float, default=0.0
        With ``tables=None``: what a shared category adds to ``x.y`` (SMOTENC's
        ``v^2``).
    tables : list of ndarray of shape (n_levels_f, n_levels_f) or None
        SMOTEN's value difference tables, one per feature: the distance is
        their sum. ``None``: SMOTENC's Euclidean distance.
    float32 : bool, default=False
        Round the Euclidean distances to float32 (scikit-learn's float32 path).

    Returns
    -------
    indices : ndarray of shape (n_samples, n_neighbors), int64
        Sorted by increasing distance.
    """
    euclidean = tables is None
    space = _space(numeric, codes, match, tables, euclidean, float32)
    if device.type == "cpu":
        return _kneighbors_cpu(space, n_neighbors, np.float32 if float32 else np.float64)
    return _kneighbors_torch(space, n_neighbors, device)


def full_distances(numeric, codes, *, match=0.0, tables=None, float32=False):
    """The whole ``n x n`` distance matrix of :func:`categorical_kneighbors`.

    For a user's neighbours estimator (``metric="precomputed"``), and for
    the tests.
    """
    space = _space(numeric, codes, match, tables, tables is None, float32)
    n = space[0].shape[0]
    distances = np.empty((n, n), dtype=np.float32 if float32 else np.float64)
    _full_rows(space, np.arange(n), distances)
    return distances
