"""KMeans workloads: Lloyd iterations from a fixed init, skdl against scikit-learn."""

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs

from skdl.cluster import KMeans

from _workload import Workload

N_CLUSTERS = 16


def _blobs(n_samples, n_features, dtype):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, _ = make_blobs(n, n_features, centers=N_CLUSTERS, random_state=0)
        X = X.astype(dtype)
        # A fixed init from the data itself; both libraries start from it.
        return {"X": X, "init": X[:N_CLUSTERS].copy()}

    return make_data


def _fit_skdl(data, device):
    return KMeans(N_CLUSTERS, init=data["init"], n_init=1, max_iter=50, tol=0, device=device).fit(
        data["X"]
    )


def _fit_peer(data):
    return SklearnKMeans(N_CLUSTERS, init=data["init"], n_init=1, max_iter=50, tol=0).fit(data["X"])


def _inertia(model, data):
    return float(model.inertia_)


def _kmeans_workload(name, n_samples, n_features, dtype, target, needs_cuda=False):
    return Workload(
        name=name,
        estimators=("KMeans",),
        make_data=_blobs(n_samples, n_features, dtype),
        fit_skdl=_fit_skdl,
        fit_peer=_fit_peer,
        quality=_inertia,
        quality_name="inertia",
        target=target,
        needs_cuda=needs_cuda,
    )


WORKLOADS = [
    _kmeans_workload("kmeans_200k_x32_f64", 200_000, 32, np.float64, "ratio <= 1.0, inertia rel. diff <= 1e-6"),
    _kmeans_workload("kmeans_200k_x32_f32", 200_000, 32, np.float32, "ratio <= 1.0, inertia rel. diff <= 1e-6"),
    _kmeans_workload(
        "kmeans_2M_x64_gpu", 2_000_000, 64, np.float32, "GPU >= 10x scikit-learn's CPU time (ratio <= 0.1)",
        needs_cuda=True,
    ),
]
