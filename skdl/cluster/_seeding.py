"""Private seeding of k-means centers: k-means++ and random draws.

Random numbers come from a NumPy ``RandomState`` (the estimator's
``random_state``) and are drawn in the same order as scikit-learn draws them,
so both libraries pick the same seeds from the same state, on any device.
"""

import numpy as np
import torch

from . import _sparse
from ._lloyd import row_sq_norms, squared_distances
from ._sparse import CsrData


def _sq_distances_to(points, X, x_sq_norms):
    """Squared Euclidean distances, shape (n_points, n_samples); X dense or CSR."""
    if isinstance(X, CsrData):
        return _sparse.squared_distances(X, points, x_sq_norms).T
    return squared_distances(points, X, row_sq_norms(points), x_sq_norms)


def kmeans_plusplus(X, n_clusters, x_sq_norms, sample_weight, random_state, n_local_trials=None):
    """Greedy k-means++ seeding (Arthur & Vassilvitskii, 2007).

    Each new center is the best of ``n_local_trials`` candidates drawn with
    probability proportional to ``w_i D(x_i)^2``, where ``D`` is the distance
    to the nearest chosen center; "best" means the lowest resulting potential
    ``sum_i w_i D(x_i)^2``.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
    n_clusters : int
    x_sq_norms : Tensor of shape (n_samples,)
    sample_weight : Tensor of shape (n_samples,)
    random_state : numpy.random.RandomState
    n_local_trials : int, default=None
        ``2 + int(log(n_clusters))`` when None.

    Returns
    -------
    centers : Tensor of shape (n_clusters, n_features)
    indices : ndarray of shape (n_clusters,)
        Rows of X chosen as centers.
    """
    n_samples = X.shape[0]
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    w_np = sample_weight.cpu().numpy().astype(np.float64)
    indices = np.empty(n_clusters, dtype=np.int64)
    indices[0] = random_state.choice(n_samples, p=w_np / w_np.sum())
    closest_sq = _sq_distances_to(X[indices[:1]], X, x_sq_norms)[0]
    potential = float(closest_sq @ sample_weight)
    for c in range(1, n_clusters):
        rand_vals = random_state.uniform(size=n_local_trials) * potential
        cumulative = torch.cumsum(sample_weight * closest_sq, dim=0)
        candidates = torch.searchsorted(cumulative, torch.as_tensor(rand_vals, dtype=X.dtype, device=X.device)).clamp_(
            max=n_samples - 1
        )
        candidate_sq = torch.minimum(closest_sq, _sq_distances_to(X[candidates], X, x_sq_norms))
        candidate_pot = candidate_sq @ sample_weight
        best = int(torch.argmin(candidate_pot))
        potential = float(candidate_pot[best])
        closest_sq = candidate_sq[best]
        indices[c] = int(candidates[best])
    return X[torch.as_tensor(indices, device=X.device)].clone(), indices


def random_seeding(X, n_clusters, sample_weight, random_state):
    """Pick ``n_clusters`` distinct rows at random, with probability proportional to weight.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
    n_clusters : int
    sample_weight : Tensor of shape (n_samples,)
    random_state : numpy.random.RandomState

    Returns
    -------
    centers : Tensor of shape (n_clusters, n_features)
    """
    w_np = sample_weight.cpu().numpy().astype(np.float64)
    seeds = random_state.choice(X.shape[0], size=n_clusters, replace=False, p=w_np / w_np.sum())
    return X[torch.as_tensor(seeds, device=X.device)].clone()
