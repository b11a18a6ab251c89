"""Private kernels of k-means on sparse (CSR) data, on the CPU.

No estimator state and no validation here. A sparse sample never becomes a
dense row except the few that seed or re-seed a center: squared distances to
the dense centers are ``||x||^2 - 2 x . c + ||c||^2``, with ``||x||^2``
computed once per fit and ``x . c`` summed over the stored values of the row
only, so each step costs the number of stored values times the number of
clusters, and memory stays that of the CSR matrix plus ``(n_samples,)``
arrays.

:class:`CsrData` carries the matrix through the shared driver
(:func:`._lloyd.iterate`), the seeding and the prediction functions, which
dispatch on it.
"""

import numpy as np
import torch
from numba import njit, prange

# Rows per chunk handed to one thread; at most one chunk runs on the calling
# thread (a parallel region's start-up would cost more than the work).
_CHUNK_ROWS = 256


class CsrData:
    """A CSR matrix as the k-means kernels read it.

    Parameters
    ----------
    X : scipy.sparse CSR matrix or array of shape (n_samples, n_features)
        float32 or float64, canonical (sorted indices, no duplicates).
    """

    device = torch.device("cpu")

    def __init__(self, X):
        self.matrix = X
        self.data, self.indices, self.indptr = X.data, X.indices, X.indptr
        self.shape = X.shape
        self.dtype = torch.from_numpy(X.data[:0]).dtype

    def __getitem__(self, rows):
        """Dense rows as a tensor: one row for an int, else ``(len(rows), n_features)``."""
        if isinstance(rows, (int, np.integer)):
            return torch.from_numpy(self.matrix[[int(rows)]].toarray()[0])
        rows = rows.cpu().numpy() if isinstance(rows, torch.Tensor) else np.asarray(rows)
        return torch.from_numpy(self.matrix[rows].toarray())

    def row_sq_norms(self, dtype=None):
        """``||x_i||^2`` of every row, in ``dtype`` (None: the data's), summed in float64."""
        out = np.empty(self.shape[0], dtype=self.data.dtype if dtype is None else dtype)
        _row_sq_norms(self.data, self.indptr, out)
        return torch.from_numpy(out)


@njit(parallel=True, nogil=True, cache=True)
def _row_sq_norms(data, indptr, out):
    for i in prange(out.shape[0]):
        total = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            total += np.float64(data[p]) * data[p]
        out[i] = total


@njit(nogil=True, cache=True, inline="always")
def _row_dots(data, indices, start, stop, centers_T, dots):
    """``dots[j] = x . c_j`` over the stored values ``start:stop`` of one row, in float64."""
    dots[:] = 0.0
    for p in range(start, stop):
        value = np.float64(data[p])
        feature = indices[p]
        for j in range(dots.shape[0]):
            dots[j] += value * centers_T[feature, j]


@njit(nogil=True, cache=True, inline="always")
def _nearest_rows(data, indices, indptr, centers_T, half_c_sq, labels, part_dist, start, stop):
    """Rows ``start:stop``: the nearest center, and ``||c||^2 - 2 x . c`` to it."""
    n_clusters = centers_T.shape[1]
    dots = np.empty(n_clusters)
    for i in range(start, stop):
        _row_dots(data, indices, indptr[i], indptr[i + 1], centers_T, dots)
        best = half_c_sq[0] - dots[0]
        best_j = 0
        for j in range(1, n_clusters):
            value = half_c_sq[j] - dots[j]
            if value < best:
                best = value
                best_j = j
        labels[i] = best_j
        part_dist[i] = 2 * best


@njit(parallel=True, nogil=True, cache=True)
def _nearest(data, indices, indptr, centers_T, half_c_sq, labels, part_dist):
    n_samples = labels.shape[0]
    for chunk in prange((n_samples + _CHUNK_ROWS - 1) // _CHUNK_ROWS):
        start = chunk * _CHUNK_ROWS
        _nearest_rows(
            data, indices, indptr, centers_T, half_c_sq, labels, part_dist, start, min(start + _CHUNK_ROWS, n_samples)
        )


@njit(nogil=True, cache=True)
def _nearest_serial(data, indices, indptr, centers_T, half_c_sq, labels, part_dist):
    _nearest_rows(data, indices, indptr, centers_T, half_c_sq, labels, part_dist, 0, labels.shape[0])


@njit(nogil=True, cache=True, inline="always")
def _sq_distance_rows(data, indices, indptr, x_sq_norms, centers_T, c_sq, out, start, stop):
    """Rows ``start:stop`` of ``out[i, j] = max(||x_i||^2 - 2 x_i . c_j + ||c_j||^2, 0)``."""
    dots = np.empty(out.shape[1])
    for i in range(start, stop):
        _row_dots(data, indices, indptr[i], indptr[i + 1], centers_T, dots)
        for j in range(out.shape[1]):
            out[i, j] = max(x_sq_norms[i] - 2 * dots[j] + c_sq[j], 0.0)


@njit(parallel=True, nogil=True, cache=True)
def _sq_distances(data, indices, indptr, x_sq_norms, centers_T, c_sq, out):
    n_samples = out.shape[0]
    for chunk in prange((n_samples + _CHUNK_ROWS - 1) // _CHUNK_ROWS):
        start = chunk * _CHUNK_ROWS
        _sq_distance_rows(
            data, indices, indptr, x_sq_norms, centers_T, c_sq, out, start, min(start + _CHUNK_ROWS, n_samples)
        )


@njit(nogil=True, cache=True)
def _sq_distances_serial(data, indices, indptr, x_sq_norms, centers_T, c_sq, out):
    _sq_distance_rows(data, indices, indptr, x_sq_norms, centers_T, c_sq, out, 0, out.shape[0])


@njit(nogil=True, cache=True)
def move_rows(data, indices, indptr, sample_weight, labels, owner, sums, weights, counts):
    """Move every row whose label changed from its old cluster's sums to the new one's.

    ``owner[i]`` is the cluster whose sums hold row i (-1: none yet); only the
    stored values of the moved rows are read.
    """
    for i in range(labels.shape[0]):
        new, old = labels[i], owner[i]
        if new == old:
            continue
        owner[i] = new
        w = np.float64(sample_weight[i])
        member = 1 if w > 0 else 0
        weights[new] += w
        counts[new] += member
        for p in range(indptr[i], indptr[i + 1]):
            sums[new, indices[p]] += w * data[p]
        if old >= 0:
            weights[old] -= w
            counts[old] -= member
            for p in range(indptr[i], indptr[i + 1]):
                sums[old, indices[p]] -= w * data[p]


@njit(parallel=True, nogil=True, cache=True)
def _inertia(data, indices, indptr, sample_weight, centers, c_sq, labels):
    """``sum_i w_i ||x_i - c_{l_i}||^2`` as scikit-learn sums it for sparse rows.

    ``||x - c||^2 = sum_stored ((x_f - c_f)^2 - c_f^2) + ||c||^2``: the
    stored coordinates by difference (no cancellation there), the others
    through ``||c||^2``; accumulated in float64.
    """
    total = 0.0
    for i in prange(labels.shape[0]):
        c = labels[i]
        sq = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            center_value = np.float64(centers[c, indices[p]])
            diff = data[p] - center_value
            sq += diff * diff - center_value * center_value
        sq += c_sq[c]
        total += sample_weight[i] * max(sq, 0.0)
    return total


def _centers_T(centers):
    return np.ascontiguousarray(centers.numpy().T, dtype=np.float64)


def _c_sq(centers):
    return np.einsum("ij,ij->i", centers.numpy(), centers.numpy(), dtype=np.float64)


def nearest_centers(X, centers):
    """Labels and partial distances ``||c||^2 - 2 x . c`` of CSR rows (tensors)."""
    labels = np.empty(X.shape[0], dtype=np.int64)
    part_dist = np.empty(X.shape[0], dtype=X.data.dtype)
    kernel = _nearest_serial if X.shape[0] <= _CHUNK_ROWS else _nearest
    kernel(X.data, X.indices, X.indptr, _centers_T(centers), 0.5 * _c_sq(centers), labels, part_dist)
    return torch.from_numpy(labels), torch.from_numpy(part_dist)


def squared_distances(X, centers, x_sq_norms, dtype=None):
    """``(n_samples, n_clusters)`` squared distances of CSR rows to dense centers.

    Summed in float64; written in ``dtype`` (None: the data's).
    """
    out = np.empty((X.shape[0], centers.shape[0]), dtype=X.data.dtype if dtype is None else dtype)
    kernel = _sq_distances_serial if X.shape[0] <= _CHUNK_ROWS else _sq_distances
    kernel(X.data, X.indices, X.indptr, x_sq_norms.numpy(), _centers_T(centers), _c_sq(centers), out)
    return torch.from_numpy(out)


def inertia(X, sample_weight, centers, labels):
    """Weighted WCSS of CSR rows, in float64."""
    return float(
        _inertia(X.data, X.indices, X.indptr, sample_weight.numpy(), centers.numpy(), _c_sq(centers), labels.numpy())
    )
