"""Private kernels and driver of Lloyd's algorithm for k-means.

No estimator state and no validation here: plain functions of tensors that keep
their input's dtype and device.

Lloyd's algorithm alternates two steps that each never increase the
within-cluster sum of squares (WCSS) ``sum_i w_i ||x_i - c_{l_i}||^2``:

* assignment: ``l_i = argmin_j ||x_i - c_j||^2``, computed as
  ``argmin_j (||c_j||^2 - 2 x_i . c_j)`` since ``||x_i||^2`` is the same for
  every ``j``;
* update: ``c_j = sum_{l_i = j} w_i x_i / sum_{l_i = j} w_i``, the weighted
  mean, which minimises the WCSS of cluster ``j`` for fixed labels.

Two routes compute one step, behind one interface (``assign(centers)`` and
``moved(point, old, new)``). On a GPU the step is tensor code (a matrix
product, a row-wise min, ``index_add_``) that recomputes the sums each time
(``_TensorSums``). On the CPU those tensor calls read the data twice and reduce
along a short axis slowly, so the step is one fused numba loop over
cache-sized chunks of rows: a BLAS product for the chunk, then the argmin in
the same pass (``_CpuSums``). The CPU route also keeps the per-cluster sums
from one step to the next, in float64, and moves only the samples whose
cluster changed: once the labels settle, the update step costs almost nothing.
``_assign_torch`` is the reference the tests hold it to.
"""

import numba
import numpy as np
import torch
from numba import njit, prange

from ..utils._threads import single_threaded_blas
from . import _sparse
from ._sparse import CsrData

# Rows per chunk of the CPU kernel: chunk x n_clusters distances stay in cache.
_CPU_CHUNK_ROWS = 256

# Inputs of at most this many rows run the serial form of a kernel: starting a
# parallel region wakes the worker threads, which costs milliseconds on a busy
# machine, far more than one chunk's work (the serving case: one row).
SERIAL_ROWS = _CPU_CHUNK_ROWS


@njit(nogil=True, cache=True, inline="always")
def _assign_chunk(
    X,
    sample_weight,
    centers_T,
    half_c_sq,
    labels,
    part_dist,
    owner,
    delta_sums,
    delta_weights,
    delta_counts,
    accumulate,
    start,
    stop,
    slot,
):
    """Fused assignment of rows ``start:stop`` and, if ``accumulate``, their sums' change.

    ``part_dist[i]`` receives ``min_j (||c_j||^2 - 2 x_i . c_j)``. ``owner[i]``
    is the cluster whose sums hold sample i (-1: none yet); only samples whose
    cluster changed move their weighted coordinates, so once the labels settle
    the update costs almost nothing. The deltas go to slot ``slot``.
    """
    n_features = X.shape[1]
    n_clusters = centers_T.shape[1]
    dots = np.dot(X[start:stop], centers_T)
    for row in range(stop - start):
        i = start + row
        best = half_c_sq[0] - dots[row, 0]
        best_j = 0
        for j in range(1, n_clusters):
            value = half_c_sq[j] - dots[row, j]
            if value < best:
                best = value
                best_j = j
        labels[i] = best_j
        part_dist[i] = 2 * best
        if accumulate and owner[i] != best_j:
            old = owner[i]
            owner[i] = best_j
            w = np.float64(sample_weight[i])  # products in float64 too
            member = 1 if w > 0 else 0
            delta_weights[slot, best_j] += w
            delta_counts[slot, best_j] += member
            for f in range(n_features):
                delta_sums[slot, best_j, f] += w * X[i, f]
            if old >= 0:
                delta_weights[slot, old] -= w
                delta_counts[slot, old] -= member
                for f in range(n_features):
                    delta_sums[slot, old, f] -= w * X[i, f]


@njit(parallel=True, nogil=True, cache=True)
def _assign_numba(
    X,
    sample_weight,
    centers_T,
    half_c_sq,
    labels,
    part_dist,
    owner,
    delta_sums,
    delta_weights,
    delta_counts,
):
    """:func:`_assign_chunk` (with the sums) over every chunk of rows, one slot of deltas per thread."""
    n_samples = X.shape[0]
    n_threads = delta_sums.shape[0]
    n_chunks = (n_samples + _CPU_CHUNK_ROWS - 1) // _CPU_CHUNK_ROWS
    for thread in prange(n_threads):
        for chunk in range(thread, n_chunks, n_threads):
            start = chunk * _CPU_CHUNK_ROWS
            _assign_chunk(
                X,
                sample_weight,
                centers_T,
                half_c_sq,
                labels,
                part_dist,
                owner,
                delta_sums,
                delta_weights,
                delta_counts,
                True,
                start,
                min(start + _CPU_CHUNK_ROWS, n_samples),
                thread,
            )


@njit(nogil=True, cache=True)
def _assign_numba_serial(
    X,
    sample_weight,
    centers_T,
    half_c_sq,
    labels,
    part_dist,
    owner,
    delta_sums,
    delta_weights,
    delta_counts,
):
    """:func:`_assign_numba` on the calling thread (at most ``SERIAL_ROWS`` rows)."""
    _assign_chunk(
        X,
        sample_weight,
        centers_T,
        half_c_sq,
        labels,
        part_dist,
        owner,
        delta_sums,
        delta_weights,
        delta_counts,
        True,
        0,
        X.shape[0],
        0,
    )


@njit(nogil=True, cache=True, inline="always")
def _nearest_chunk(X, centers_T, half_c_sq, labels, part_dist, start, stop):
    """:func:`_assign_chunk` without the sums: labels and partial distances of rows ``start:stop``."""
    no_weights = np.empty(0, dtype=X.dtype)
    no_owner = np.empty(0, dtype=np.int64)
    no_sums, no_weight_sums = np.empty((1, 0, 0)), np.empty((1, 0))
    no_counts = np.empty((1, 0), dtype=np.int64)
    _assign_chunk(
        X,
        no_weights,
        centers_T,
        half_c_sq,
        labels,
        part_dist,
        no_owner,
        no_sums,
        no_weight_sums,
        no_counts,
        False,
        start,
        stop,
        0,
    )


@njit(parallel=True, nogil=True, cache=True)
def _nearest_numba(X, centers_T, half_c_sq, labels, part_dist):
    n_samples = X.shape[0]
    for chunk in prange((n_samples + _CPU_CHUNK_ROWS - 1) // _CPU_CHUNK_ROWS):
        start = chunk * _CPU_CHUNK_ROWS
        _nearest_chunk(X, centers_T, half_c_sq, labels, part_dist, start, min(start + _CPU_CHUNK_ROWS, n_samples))


@njit(nogil=True, cache=True)
def _nearest_numba_serial(X, centers_T, half_c_sq, labels, part_dist):
    _nearest_chunk(X, centers_T, half_c_sq, labels, part_dist, 0, X.shape[0])


def _run_assign_numba(X_np, w_np, centers_np, owner, n_slots):
    """Call the fit's assignment kernel with fresh outputs; BLAS kept to one thread."""
    n_samples, n_features = X_np.shape
    n_clusters = centers_np.shape[0]
    labels = np.empty(n_samples, dtype=np.int64)
    part_dist = np.empty(n_samples, dtype=X_np.dtype)
    delta_sums = np.zeros((n_slots, n_clusters, n_features))
    delta_weights = np.zeros((n_slots, n_clusters))
    delta_counts = np.zeros((n_slots, n_clusters), dtype=np.int64)
    half_c_sq = 0.5 * np.einsum("ij,ij->i", centers_np, centers_np)
    arguments = (
        X_np,
        w_np,
        np.ascontiguousarray(centers_np.T),
        half_c_sq,
        labels,
        part_dist,
        owner,
        delta_sums,
        delta_weights,
        delta_counts,
    )
    if n_samples <= SERIAL_ROWS:
        _assign_numba_serial(*arguments)
    else:
        # Each numba thread calls BLAS on its own chunk: BLAS must not add threads.
        with single_threaded_blas():
            _assign_numba(*arguments)
    return labels, part_dist, delta_sums.sum(axis=0), delta_weights.sum(axis=0), delta_counts.sum(axis=0)


class _CpuSums:
    """CPU route of the assignment step, keeping the per-cluster sums between steps.

    The sums and weights are float64 whatever the data's dtype, so moving
    samples in and out of clusters over many iterations stays exact to
    rounding; a cluster left with no member of positive weight is reset to
    exactly zero, so it is seen as empty.
    """

    def __init__(self, X, sample_weight, n_clusters):
        self.X, self.w = X.numpy(), sample_weight.numpy()
        self.owner = np.full(self.X.shape[0], -1, dtype=np.int64)
        self.sums = np.zeros((n_clusters, self.X.shape[1]))
        self.weights = np.zeros(n_clusters)
        self.counts = np.zeros(n_clusters, dtype=np.int64)

    def assign(self, centers):
        """Labels, partial distances, and the sums and weights after this step."""
        labels, part_dist, d_sums, d_weights, d_counts = _run_assign_numba(
            self.X, self.w, centers.numpy(), self.owner, numba.get_num_threads()
        )
        self.sums += d_sums
        self.weights += d_weights
        self.counts += d_counts
        self._reset_empty()
        return (
            torch.from_numpy(labels),
            torch.from_numpy(part_dist),
            torch.from_numpy(self.sums),
            torch.from_numpy(self.weights),
        )

    def moved(self, point, old_cluster, new_cluster):
        """Record that relocation moved ``point`` (its sums are already moved)."""
        member = int(self.w[point] > 0)
        self.owner[point] = new_cluster
        self.counts[old_cluster] -= member
        self.counts[new_cluster] = member
        self._reset_empty()

    def centers_moved(self, old_centers, new_centers):
        """Nothing to record: the sums do not depend on the centers."""

    def _reset_empty(self):
        empty = self.counts == 0
        self.sums[empty] = 0.0
        self.weights[empty] = 0.0


class _SparseSums(_CpuSums):
    """CPU route of the assignment step on CSR rows, keeping the per-cluster sums.

    As :class:`_CpuSums`, only the rows whose cluster changed move their
    stored values between the clusters' (dense, float64) sums.
    """

    def __init__(self, X, sample_weight, n_clusters):
        self.X, self.w = X, sample_weight.numpy()
        self.owner = np.full(X.shape[0], -1, dtype=np.int64)
        self.sums = np.zeros((n_clusters, X.shape[1]))
        self.weights = np.zeros(n_clusters)
        self.counts = np.zeros(n_clusters, dtype=np.int64)

    def assign(self, centers):
        """Labels, partial distances, and the sums and weights after this step."""
        labels, part_dist = _sparse.nearest_centers(self.X, centers)
        X = self.X
        _sparse.move_rows(
            X.data, X.indices, X.indptr, self.w, labels.numpy(), self.owner, self.sums, self.weights, self.counts
        )
        self._reset_empty()
        return labels, part_dist, torch.from_numpy(self.sums), torch.from_numpy(self.weights)


class _TensorSums:
    """Tensor route of the assignment step: the sums are recomputed every step."""

    def __init__(self, X, sample_weight, chunk_rows):
        self.X, self.w, self.chunk_rows = X, sample_weight, chunk_rows

    def assign(self, centers):
        """Labels, partial distances, and the sums and weights of this step."""
        return _assign_torch(self.X, self.w, centers, True, self.chunk_rows)

    def moved(self, point, old_cluster, new_cluster):
        """Nothing to record: the next step recomputes everything."""

    def centers_moved(self, old_centers, new_centers):
        """Nothing to record: the next step recomputes everything."""


def _assign_torch(X, sample_weight, centers, accumulate, chunk_rows):
    """Tensor route of one assignment step (GPU, and reference for tests)."""
    n_samples = X.shape[0]
    c_sq = row_sq_norms(centers)
    labels = torch.empty(n_samples, dtype=torch.int64, device=X.device)
    part_dist = torch.empty(n_samples, dtype=X.dtype, device=X.device)
    sums = torch.zeros_like(centers)
    weights = torch.zeros(centers.shape[0], dtype=X.dtype, device=X.device)
    for start in range(0, n_samples, chunk_rows):
        X_chunk = X[start : start + chunk_rows]
        dist = torch.addmm(c_sq, X_chunk, centers.T, alpha=-2)
        part_dist_chunk, labels_chunk = dist.min(dim=1)
        labels[start : start + chunk_rows] = labels_chunk
        part_dist[start : start + chunk_rows] = part_dist_chunk
        if accumulate:
            w_chunk = sample_weight[start : start + chunk_rows]
            sums.index_add_(0, labels_chunk, X_chunk * w_chunk[:, None])
            weights.index_add_(0, labels_chunk, w_chunk)
    return labels, part_dist, sums, weights


def nearest_centers(X, centers, *, chunk_rows):
    """Assignment without the update: each sample's nearest center.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
    centers : Tensor of shape (n_clusters, n_features)
    chunk_rows : int
        Rows per chunk on the tensor route (bounds the distance block).

    Returns
    -------
    labels : Tensor of shape (n_samples,), int64
    part_dist : Tensor of shape (n_samples,)
        ``||c_{l_i}||^2 - 2 x_i . c_{l_i}``; add ``||x_i||^2`` for the squared
        distance.
    """
    if isinstance(X, CsrData):
        return _sparse.nearest_centers(X, centers)
    if X.device.type == "cpu":
        # (a kernel of its own, with few arguments: one row's predict costs
        # microseconds, and so does unboxing each argument of a numba call)
        X_np, centers_np = X.numpy(), centers.numpy()
        labels = np.empty(X_np.shape[0], dtype=np.int64)
        part_dist = np.empty(X_np.shape[0], dtype=X_np.dtype)
        arguments = (
            X_np,
            np.ascontiguousarray(centers_np.T),
            0.5 * np.einsum("ij,ij->i", centers_np, centers_np),
            labels,
            part_dist,
        )
        if X_np.shape[0] <= SERIAL_ROWS:
            _nearest_numba_serial(*arguments)
        else:
            with single_threaded_blas():
                _nearest_numba(*arguments)
        return torch.from_numpy(labels), torch.from_numpy(part_dist)
    return _assign_torch(X, None, centers, False, chunk_rows)[:2]


def relocate_empty_clusters(X, sample_weight, x_sq_norms, labels, part_dist, sums, weights, on_move=None):
    """Give each empty cluster the point farthest from its own center.

    The donor point's weighted coordinates move from its cluster's sums to the
    empty cluster's, in place. Labels are left as they were, as the next
    assignment step recomputes them; ``on_move(point, old, new)`` is told of
    each move.
    """
    empty = torch.nonzero(weights == 0).flatten()
    if empty.numel() == 0:
        return
    sq_dist = (x_sq_norms + part_dist).clamp_(min=0)
    if float(sq_dist.max()) == 0:
        # More clusters than distinct points: there is nothing to move.
        return
    farthest = torch.topk(sq_dist, empty.numel()).indices
    for new_cluster, point in zip(empty.tolist(), farthest.tolist()):
        old_cluster = int(labels[point])
        w = sample_weight[point]
        sums[old_cluster] -= w * X[point]
        weights[old_cluster] -= w
        sums[new_cluster] = w * X[point]
        weights[new_cluster] = w
        if on_move is not None:
            on_move(point, old_cluster, new_cluster)


def weighted_means(sums, weights, old_centers):
    """Update step: per-cluster weighted means; a cluster with no weight keeps its center.

    The result has the dtype of ``old_centers`` (the data's), whatever the
    dtype the sums were accumulated in.
    """
    has_weight = weights > 0
    means = sums / torch.where(has_weight, weights, 1)[:, None]
    return torch.where(has_weight[:, None], means.to(old_centers.dtype), old_centers)


@njit(parallel=True, nogil=True, cache=True)
def _inertia_numba(X, sample_weight, centers, labels):
    """Exact weighted WCSS, accumulated in float64."""
    n_samples, n_features = X.shape
    total = 0.0
    for i in prange(n_samples):
        c = labels[i]
        sq = 0.0
        for f in range(n_features):
            diff = X[i, f] - centers[c, f]
            sq += diff * diff
        total += sample_weight[i] * sq
    return total


def inertia(X, sample_weight, centers, labels, chunk_rows):
    """WCSS ``sum_i w_i ||x_i - c_{l_i}||^2``, from differences (no cancellation).

    Accumulated in float64 whatever the input dtype.
    """
    if isinstance(X, CsrData):
        return _sparse.inertia(X, sample_weight, centers, labels)
    if X.device.type == "cpu":
        return float(_inertia_numba(X.numpy(), sample_weight.numpy(), centers.numpy(), labels.numpy()))
    total = torch.zeros((), dtype=torch.float64, device=X.device)
    for start in range(0, X.shape[0], chunk_rows):
        stop = start + chunk_rows
        diff = X[start:stop] - centers[labels[start:stop]]
        total += (sample_weight[start:stop] * (diff * diff).sum(dim=1)).sum(dtype=torch.float64)
    return float(total)


def row_sq_norms(X):
    """``||x_i||^2`` for every row (einsum: no n x d temporary, 5x faster here)."""
    return torch.einsum("ij,ij->i", X, X)


def squared_distances(A, B, a_sq_norms, b_sq_norms, out=None):
    """``||a_i - b_j||^2`` for all pairs, as one matrix product, clamped at 0.

    Parameters
    ----------
    A : Tensor of shape (n_a, n_features)
    B : Tensor of shape (n_b, n_features)
    a_sq_norms, b_sq_norms : Tensors of shapes (n_a,) and (n_b,)
        ``row_sq_norms`` of A and B.
    out : Tensor of shape (n_a, n_b), default=None
        Where to write the result (memory reused between calls).

    Returns
    -------
    sq_dist : Tensor of shape (n_a, n_b)
    """
    return torch.addmm(a_sq_norms[:, None] + b_sq_norms[None, :], A, B.T, alpha=-2, out=out).clamp_(min=0)


def euclidean_distances(X, centers, chunk_rows):
    """Distances of every sample to every center, computed chunk by chunk.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
    centers : Tensor of shape (n_clusters, n_features)
    chunk_rows : int

    Returns
    -------
    distances : Tensor of shape (n_samples, n_clusters)
    """
    # The expanded form ||x||^2 - 2 x.c + ||c||^2 cancels badly in float32
    # (uncentered data, points near a center): it is computed in float64 and
    # rounded once, as scikit-learn's euclidean_distances does.
    if isinstance(X, CsrData):
        sq = _sparse.squared_distances(X, centers, X.row_sq_norms(np.float64), dtype=np.float64)
        return sq.sqrt_().to(X.dtype)
    centers64 = centers.double()
    c_sq = row_sq_norms(centers64)
    out = torch.empty((X.shape[0], centers.shape[0]), dtype=X.dtype, device=X.device)
    for start in range(0, X.shape[0], chunk_rows):
        X_chunk = X[start : start + chunk_rows].double()
        out[start : start + chunk_rows] = squared_distances(X_chunk, centers64, row_sq_norms(X_chunk), c_sq).sqrt_()
    return out


def _same_labels(labels, labels_old):
    """True if no label changed (on the CPU through NumPy, much faster here)."""
    if labels.device.type == "cpu":
        return bool(np.array_equal(labels.numpy(), labels_old.numpy()))
    return bool(torch.equal(labels, labels_old))


def lloyd(X, sample_weight, centers_init, *, x_sq_norms, max_iter, tol, chunk_rows, verbose=0):
    """Run Lloyd's algorithm from one initialisation.

    Stops when the labels no longer change (strict convergence) or when the
    total squared center shift is at most ``tol``; then, unless strictly
    converged, reassigns once so labels match the returned centers.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features), or :class:`._sparse.CsrData`
    sample_weight : Tensor of shape (n_samples,)
    centers_init : Tensor of shape (n_clusters, n_features)
    x_sq_norms : Tensor of shape (n_samples,)
        ``row_sq_norms(X)``, computed once by the caller for all runs.
    max_iter : int
    tol : float
        Absolute tolerance on ``sum_j ||c_j^new - c_j^old||^2``.
    chunk_rows : int
    verbose : int, default=0

    Returns
    -------
    labels : Tensor of shape (n_samples,)
    inertia : float
    centers : Tensor of shape (n_clusters, n_features)
    n_iter : int
    """
    if isinstance(X, CsrData):
        route = _SparseSums(X, sample_weight, centers_init.shape[0])
    elif X.device.type == "cpu":
        route = _CpuSums(X, sample_weight, centers_init.shape[0])
    else:
        route = _TensorSums(X, sample_weight, chunk_rows)
    return iterate(
        route,
        X,
        sample_weight,
        centers_init,
        x_sq_norms=x_sq_norms,
        max_iter=max_iter,
        tol=tol,
        chunk_rows=chunk_rows,
        verbose=verbose,
    )


def iterate(route, X, sample_weight, centers_init, *, x_sq_norms, max_iter, tol, chunk_rows, verbose=0):
    """Lloyd's iterations, with the assignment step of ``route``.

    ``route.assign(centers)`` returns the labels, the partial distances
    (``None`` is allowed when no cluster is empty), the per-cluster sums and
    weights; ``route.moved(point, old, new)`` is told of each relocation and
    ``route.centers_moved(old, new)`` of each update. The other parameters and
    the return values are those of :func:`lloyd`.
    """
    centers = centers_init.clone()
    labels_old = None
    strict_convergence = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        labels, part_dist, sums, weights = route.assign(centers)
        relocate_empty_clusters(X, sample_weight, x_sq_norms, labels, part_dist, sums, weights, on_move=route.moved)
        centers_new = weighted_means(sums, weights, centers)
        route.centers_moved(centers, centers_new)
        center_shift = float(((centers_new - centers) ** 2).sum())
        if verbose:
            # scikit-learn's lines: the inertia of these labels on the centers they were assigned to
            run_inertia = inertia(X, sample_weight, centers, labels, chunk_rows)
            print(f"Iteration {n_iter - 1}, inertia {run_inertia}.")
        centers = centers_new
        if labels_old is not None and _same_labels(labels, labels_old):
            if verbose:
                print(f"Converged at iteration {n_iter - 1}: strict convergence.")
            strict_convergence = True
            break
        if center_shift <= tol:
            if verbose:
                print(f"Converged at iteration {n_iter - 1}: center shift {center_shift} within tolerance {tol}.")
            break
        labels_old = labels
    if not strict_convergence:
        labels = nearest_centers(X, centers, chunk_rows=chunk_rows)[0]
    return labels, inertia(X, sample_weight, centers, labels, chunk_rows), centers, n_iter
