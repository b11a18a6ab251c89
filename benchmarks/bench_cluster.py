"""KMeans workloads: Lloyd iterations from a fixed init, skdl against scikit-learn."""

import numpy as np
import scipy.sparse
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
    return KMeans(N_CLUSTERS, init=data["init"], n_init=1, max_iter=50, tol=0, device=device).fit(data["X"])


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
        "kmeans_2M_x64_gpu",
        2_000_000,
        64,
        np.float32,
        "GPU >= 10x scikit-learn's CPU time (ratio <= 0.1)",
        needs_cuda=True,
    ),
]


# Elkan's algorithm against scikit-learn's, from the same init.


def _elkan_data(quick):
    n = 50_000 if quick else 1_000_000
    X, _ = make_blobs(n, 16, centers=64, random_state=0)
    return {"X": X, "init": X[:64].copy()}


def _fit_elkan(data, device):
    return KMeans(64, init=data["init"], n_init=1, max_iter=100, algorithm="elkan", device=device).fit(data["X"])


def _fit_peer_elkan(data):
    return SklearnKMeans(64, init=data["init"], n_init=1, max_iter=100, algorithm="elkan").fit(data["X"])


# Sparse Lloyd: a CSR matrix at 0.1% density, as TF-IDF features are.


def _sparse_data(quick):
    n, d = (20_000, 5_000) if quick else (200_000, 50_000)
    # Coordinates drawn directly (scipy.sparse.random would draw without
    # replacement among all n * d positions: 80 GB of indices here).
    rng = np.random.default_rng(0)
    n_stored = int(n * d * 0.001)
    X = scipy.sparse.csr_matrix(
        (rng.random(n_stored), (rng.integers(0, n, n_stored), rng.integers(0, d, n_stored))), shape=(n, d)
    )
    X.sum_duplicates()
    return {"X": X, "init": X[:20].toarray()}


def _fit_sparse(data, device):
    return KMeans(20, init=data["init"], n_init=1, max_iter=20, tol=0, device=device).fit(data["X"])


def _fit_peer_sparse(data):
    return SklearnKMeans(20, init=data["init"], n_init=1, max_iter=20, tol=0).fit(data["X"])


# Prediction with fitted models (1,000,000 x 64, k=32): 100,000 rows at once,
# and 200 calls of one row each (the serving case; the time is that of all 200).

_SINGLE_ROW_CALLS = 200


def _fitted_pair(quick):
    n = 100_000 if quick else 1_000_000
    X, _ = make_blobs(n + 100_000, 64, centers=32, random_state=0)
    train, test = X[:n], X[n:]
    init = train[:32].copy()
    skdl_model = KMeans(32, init=init, n_init=1, max_iter=20, device="cpu").fit(train)
    peer_model = SklearnKMeans(32, init=init, n_init=1, max_iter=20).fit(train)
    return {"skdl": skdl_model, "peer": peer_model, "X_test": test, "expected": peer_model.predict(test)}


def _predict_rows(model, X):
    return model.predict(X)


def _predict_one_by_one(model, X):
    return np.concatenate([model.predict(X[i : i + 1]) for i in range(_SINGLE_ROW_CALLS)])


def _agreement(labels, data):
    return float(np.mean(labels == data["expected"][: len(labels)]))


def _predict_workload(name, predict, target):
    return Workload(
        name=name,
        estimators=("KMeans",),
        make_data=_fitted_pair,
        fit_skdl=lambda data, device: predict(data["skdl"], data["X_test"]),
        fit_peer=lambda data: predict(data["peer"], data["X_test"]),
        quality=_agreement,
        quality_name="labels equal to the peer's",
        target=target,
    )


def _lloyd_1m_data(quick):
    n = 50_000 if quick else 1_000_000
    X, _ = make_blobs(n, 64, centers=32, random_state=0)
    return {"X": X, "init": X[:32].copy()}


def _fit_lloyd_1m(data, device):
    return KMeans(32, init=data["init"], n_init=1, max_iter=20, tol=0, device=device).fit(data["X"])


def _fit_peer_lloyd_1m(data):
    return SklearnKMeans(32, init=data["init"], n_init=1, max_iter=20, tol=0).fit(data["X"])


WORKLOADS += [
    Workload(
        name="kmeans_lloyd_1M_x64_k32",
        estimators=("KMeans",),
        make_data=_lloyd_1m_data,
        fit_skdl=_fit_lloyd_1m,
        fit_peer=_fit_peer_lloyd_1m,
        quality=_inertia,
        quality_name="inertia",
        target="ratio <= 0.8, inertia rel. diff <= 1e-6",
    ),
    Workload(
        name="kmeans_elkan_1M_x16_k64",
        estimators=("KMeans",),
        make_data=_elkan_data,
        fit_skdl=_fit_elkan,
        fit_peer=_fit_peer_elkan,
        quality=_inertia,
        quality_name="inertia",
        target="ratio <= 1.0 against scikit-learn's elkan, inertia rel. diff <= 1e-6",
    ),
    Workload(
        name="kmeans_sparse_200k_x50k",
        estimators=("KMeans",),
        make_data=_sparse_data,
        fit_skdl=_fit_sparse,
        fit_peer=_fit_peer_sparse,
        quality=_inertia,
        quality_name="inertia",
        target="ratio <= 1.0 (sparse on both sides), inertia rel. diff <= 1e-6",
    ),
    _predict_workload("kmeans_predict_100k_rows", _predict_rows, "ratio <= 1.0"),
    _predict_workload("kmeans_predict_single_row_x200", _predict_one_by_one, "ratio <= 1.0"),
]
