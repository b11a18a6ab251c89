"""Private kernels and driver of Elkan's algorithm for k-means, on the CPU.

No estimator state and no validation here. Elkan (2003) runs the same
iterations as Lloyd's algorithm (assign every sample to its nearest center,
then move every center to the weighted mean of its samples) but skips most
distance computations with the triangle inequality. It keeps, for each
sample ``i``,

* an upper bound ``u_i >= d(x_i, c_{l_i})`` on the distance to its center;
* a lower bound ``l_ij <= d(x_i, c_j)`` for every center ``j``;

and, for every pair of centers, ``s_jk = d(c_j, c_k) / 2`` and
``s_j = min_{k != j} s_jk``. A center ``j`` cannot be closer than the current
center ``a = l_i`` when ``u_i <= l_ij`` or ``u_i <= s_aj`` (then
``d(x_i, c_j) >= d(c_a, c_j) - d(x_i, c_a) >= 2 u_i - u_i``), and no center
can be when ``u_i <= s_a``. After the centers move by ``delta_j``, the bounds
stay valid as ``u_i + delta_{l_i}`` and ``max(l_ij - delta_j, 0)``. The
user guide derives these bounds.

Because the bounds only skip distances that cannot change a label, each
iteration gives the labels and centers that Lloyd's would; the driver
follows ``_lloyd.lloyd`` step for step (same convergence tests, same
empty-cluster relocation). A CUDA device runs Lloyd's matrix products instead
(the user guide says why).
"""

import numba
import numpy as np
import torch
from numba import njit, prange

from ._lloyd import iterate

# Samples per chunk of work handed to one thread.
_CHUNK_ROWS = 256


@njit(nogil=True, cache=True, inline="always")
def _distance(X, i, centers, j):
    """Euclidean distance between row ``i`` of X and center ``j``, summed in float64."""
    total = 0.0
    for f in range(X.shape[1]):
        diff = np.float64(X[i, f]) - np.float64(centers[j, f])
        total += diff * diff
    return np.sqrt(total)


@njit(nogil=True, cache=True, inline="always")
def _measure(X, i, centers, j, lower, label, bound):
    """Measure center ``j`` for row ``i``: record it as the lower bound, keep it if nearer.

    Returns the label and distance of the nearer of ``j`` and ``label``
    (at distance ``bound``).
    """
    dist = _distance(X, i, centers, j)
    lower[i, j] = dist
    if dist < bound:
        return j, dist
    return label, bound


@njit(parallel=True, nogil=True, cache=True)
def _init_bounds(X, centers, half_center_dist, labels, upper, lower):
    """First assignment, filling the bounds; ``lower`` must start at zero.

    Centers are visited in order; center ``j`` is measured only when the
    nearest center so far, ``b``, leaves room for it (``d(x, c_b) > s_bj``).
    """
    n_clusters = centers.shape[0]
    for i in prange(X.shape[0]):
        best = 0
        best_dist = _distance(X, i, centers, 0)
        lower[i, 0] = best_dist
        for j in range(1, n_clusters):
            if best_dist > half_center_dist[best, j]:
                best, best_dist = _measure(X, i, centers, j, lower, best, best_dist)
        labels[i] = best
        upper[i] = best_dist


@njit(parallel=True, nogil=True, cache=True)
def _assign_with_bounds(
    X,
    sample_weight,
    centers,
    center_shift,
    half_center_dist,
    half_next_dist,
    labels,
    upper,
    lower,
    sums,
    weights,
    counts,
):
    """Assignment step with Elkan's pruning, and the per-cluster sums of its labels.

    The bounds are first shifted by how far each center moved since the last
    step (``center_shift``), in the same pass: a row of lower bounds is read
    from memory once per step, not twice.

    ``sums``, ``weights`` and ``counts`` start at zero and have one slot per
    thread (first axis), summed by the caller; ``counts`` counts members of
    positive weight.
    """
    n_samples, n_features = X.shape
    n_clusters = centers.shape[0]
    n_threads = sums.shape[0]
    n_chunks = (n_samples + _CHUNK_ROWS - 1) // _CHUNK_ROWS
    for thread in prange(n_threads):
        for chunk in range(thread, n_chunks, n_threads):
            for i in range(chunk * _CHUNK_ROWS, min((chunk + 1) * _CHUNK_ROWS, n_samples)):
                label = labels[i]
                bound = upper[i] + center_shift[label]
                for j in range(n_clusters):
                    lower[i, j] = max(lower[i, j] - center_shift[j], 0.0)
                # No center is within reach: the label stays, nothing is measured.
                if bound > half_next_dist[label]:
                    tight = False
                    for j in range(n_clusters):
                        if j == label or bound <= lower[i, j] or bound <= half_center_dist[label, j]:
                            continue
                        if not tight:
                            # The upper bound has drifted: measure it before going on.
                            bound = _distance(X, i, centers, label)
                            lower[i, label] = bound
                            tight = True
                            if bound <= lower[i, j] or bound <= half_center_dist[label, j]:
                                continue
                        label, bound = _measure(X, i, centers, j, lower, label, bound)
                    labels[i] = label
                upper[i] = bound
                w = np.float64(sample_weight[i])
                weights[thread, label] += w
                if w > 0:
                    counts[thread, label] += 1
                for f in range(n_features):
                    sums[thread, label, f] += w * X[i, f]


@njit(parallel=True, nogil=True, cache=True)
def _partial_distances(X, centers, labels, x_sq_norms, out):
    """``||x_i - c_{l_i}||^2 - ||x_i||^2``, the form empty-cluster relocation reads."""
    for i in prange(X.shape[0]):
        dist = _distance(X, i, centers, labels[i])
        out[i] = dist * dist - x_sq_norms[i]


def center_half_distances(centers):
    """Half the distances between centers, and each center's half distance to its nearest other.

    Parameters
    ----------
    centers : ndarray of shape (n_clusters, n_features)

    Returns
    -------
    half_center_dist : ndarray of shape (n_clusters, n_clusters)
    half_next_dist : ndarray of shape (n_clusters,)
        ``inf`` when there is only one center.
    """
    diff = centers[:, None, :].astype(np.float64) - centers[None, :, :]
    half = 0.5 * np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    off_diagonal = half + np.diag(np.full(len(centers), np.inf))
    return half.astype(centers.dtype), off_diagonal.min(axis=0).astype(centers.dtype)


class _ElkanRoute:
    """Labels and bounds of one run: the assignment step of :func:`._lloyd.iterate`."""

    def __init__(self, X, sample_weight, centers, x_sq_norms):
        self.X, self.w, self.x_sq_norms = X, sample_weight, x_sq_norms
        n_samples, n_clusters = X.shape[0], centers.shape[0]
        self.labels = np.empty(n_samples, dtype=np.int64)
        self.upper = np.empty(n_samples, dtype=X.dtype)
        self.lower = np.zeros((n_samples, n_clusters), dtype=X.dtype)
        self.half_center_dist, self.half_next_dist = center_half_distances(centers)
        # How far each center moved since the bounds were last brought up to date.
        self.center_shift = np.zeros(n_clusters, dtype=X.dtype)
        _init_bounds(X, centers, self.half_center_dist, self.labels, self.upper, self.lower)

    def assign(self, centers):
        """Labels for ``centers``, partial distances, and the per-cluster sums and weights.

        The partial distances (``||x_i - c_{l_i}||^2 - ||x_i||^2``) are only
        needed to relocate empty clusters: ``None`` when there is none.
        """
        centers = centers.numpy()
        n_slots = numba.get_num_threads()
        n_clusters, n_features = centers.shape
        sums = np.zeros((n_slots, n_clusters, n_features))
        weights = np.zeros((n_slots, n_clusters))
        counts = np.zeros((n_slots, n_clusters), dtype=np.int64)
        _assign_with_bounds(
            self.X,
            self.w,
            centers,
            self.center_shift,
            self.half_center_dist,
            self.half_next_dist,
            self.labels,
            self.upper,
            self.lower,
            sums,
            weights,
            counts,
        )
        self.center_shift[:] = 0
        sums, weights = sums.sum(axis=0), weights.sum(axis=0)
        # A cluster whose members all have zero weight is empty, exactly.
        empty = counts.sum(axis=0) == 0
        sums[empty] = 0.0
        weights[empty] = 0.0
        labels = self.labels.copy()
        part_dist = None
        if empty.any():
            part_dist = np.empty(self.X.shape[0], dtype=self.X.dtype)
            _partial_distances(self.X, centers, labels, self.x_sq_norms, part_dist)
            part_dist = torch.from_numpy(part_dist)
        return torch.from_numpy(labels), part_dist, torch.from_numpy(sums), torch.from_numpy(weights)

    def moved(self, point, old_cluster, new_cluster):
        """Nothing to record: the bounds hold for any labels, and the sums are recomputed."""

    def centers_moved(self, old_centers, new_centers):
        """Record how far each center moved; the next assignment shifts the bounds by it."""
        old_centers, new_centers = old_centers.numpy(), new_centers.numpy()
        self.center_shift += np.sqrt(((new_centers.astype(np.float64) - old_centers) ** 2).sum(axis=1)).astype(
            self.X.dtype
        )
        self.half_center_dist, self.half_next_dist = center_half_distances(new_centers)


def elkan(X, sample_weight, centers_init, *, x_sq_norms, max_iter, tol, chunk_rows, verbose=0):
    """Run Elkan's algorithm from one initialisation (CPU tensors).

    The iterations, stopping rules, parameters and return values of
    :func:`._lloyd.lloyd`, with Elkan's assignment step; X must be on the CPU.
    """
    route = _ElkanRoute(X.numpy(), sample_weight.numpy(), centers_init.numpy(), x_sq_norms.numpy())
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
