"""Elkan's algorithm against Lloyd's, scikit-learn's elkan and the bounds' definition;
the scikit-learn constructor surface (algorithm, copy_x)."""

import warnings

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_iris, make_blobs

from skdl.cluster import KMeans
from skdl.cluster._elkan import _ElkanRoute, center_half_distances


def _blobs(dtype=np.float64, n_samples=3000, n_features=5, centers=12):
    X, _ = make_blobs(n_samples, n_features, centers=centers, cluster_std=2.0, random_state=0)
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elkan_gives_lloyds_labels_and_centers_at_every_iteration(dtype):
    X = _blobs(dtype)
    init = X[:12].copy()
    for max_iter in (1, 2, 3, 5, 8, 13, 50):
        fits = {
            algorithm: KMeans(
                12,
                init=init,
                n_init=1,
                max_iter=max_iter,
                tol=0,
                algorithm=algorithm,
                device="cpu",
            ).fit(X)
            for algorithm in ("lloyd", "elkan")
        }
        lloyd, elkan = fits["lloyd"], fits["elkan"]
        assert_array_equal(elkan.labels_, lloyd.labels_)
        assert_allclose(elkan.cluster_centers_, lloyd.cluster_centers_, rtol=1e-5, atol=1e-5)
        assert elkan.n_iter_ == lloyd.n_iter_
        assert elkan.cluster_centers_.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_elkan_matches_sklearns_elkan(dtype, init):
    X = _blobs(dtype)
    km = KMeans(12, init=init, n_init=2, random_state=3, algorithm="elkan", device="cpu").fit(X)
    ref = SklearnKMeans(12, init=init, n_init=2, random_state=3, algorithm="elkan").fit(X)
    assert_array_equal(km.labels_, ref.labels_)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-6)
    assert km.n_iter_ == ref.n_iter_


def test_elkan_relocates_empty_clusters_like_lloyd():
    X = _blobs(n_samples=500)
    # Four centers far from all data: they are empty after the first assignment.
    init = np.vstack([X[:8], np.full((4, X.shape[1]), 1e3)])
    lloyd = KMeans(12, init=init, algorithm="lloyd", device="cpu").fit(X)
    elkan = KMeans(12, init=init, algorithm="elkan", device="cpu").fit(X)
    assert_array_equal(elkan.labels_, lloyd.labels_)
    assert_allclose(elkan.cluster_centers_, lloyd.cluster_centers_)
    assert len(np.unique(elkan.labels_)) == 12


def test_bounds_stay_valid_and_labels_are_the_nearest_centers():
    rng = np.random.RandomState(0)
    X = _blobs()
    centers = X[rng.choice(len(X), 12, replace=False)].copy()
    state = _ElkanRoute(X, np.ones(len(X)), centers, (X**2).sum(axis=1))
    for _ in range(6):
        labels, part_dist, sums, weights = (
            value if value is None else value.numpy() for value in state.assign(torch.from_numpy(centers))
        )
        assert part_dist is None  # no empty cluster
        distances = np.sqrt(((X[:, None, :] - centers[None]) ** 2).sum(axis=2))
        assert_array_equal(labels, distances.argmin(axis=1))
        assert np.all(state.upper >= distances[np.arange(len(X)), labels] - 1e-9)
        assert np.all(state.lower <= distances + 1e-9)
        # The sums are those of the labels' clusters.
        assert_allclose(sums, np.array([X[labels == j].sum(axis=0) for j in range(12)]))
        assert_allclose(weights, np.bincount(labels, minlength=12))
        new_centers = centers + rng.normal(scale=0.3, size=centers.shape)
        state.centers_moved(torch.from_numpy(centers), torch.from_numpy(new_centers))
        centers = new_centers


def test_center_half_distances():
    centers = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    half, half_next = center_half_distances(centers)
    assert_allclose(half, [[0, 2.5, 0.5], [2.5, 0, np.sqrt(18) / 2], [0.5, np.sqrt(18) / 2, 0]])
    assert_allclose(half_next, [0.5, np.sqrt(18) / 2, 0.5])
    assert center_half_distances(centers[:1])[1][0] == np.inf


def test_elkan_with_one_cluster_warns_and_runs_lloyd_like_sklearn():
    X = load_iris().data
    with pytest.warns(RuntimeWarning, match="algorithm='elkan' doesn't make sense for a single"):
        km = KMeans(1, algorithm="elkan", device="cpu").fit(X)
    assert_allclose(km.cluster_centers_, X.mean(axis=0, keepdims=True))
    assert km.algorithm == "elkan"  # the parameter itself is left unchanged


def test_misspelled_algorithm_lists_the_valid_names():
    valid_names = r"\{'(elkan|lloyd)', '(elkan|lloyd)'\}"
    with pytest.raises(ValueError, match=f"'algorithm' parameter of KMeans must be a str among {valid_names}"):
        KMeans(algorithm="elken", device="cpu").fit(load_iris().data)
    with pytest.raises(ValueError, match="'copy_x' parameter"):
        KMeans(copy_x="yes", device="cpu").fit(load_iris().data)


def test_constructor_has_sklearns_parameters_and_defaults():
    ours, theirs = KMeans().get_params(), SklearnKMeans().get_params()
    assert {key: ours[key] for key in theirs} == theirs


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("copy_x", [True, False])
def test_copy_x_gives_the_same_fit_and_leaves_X_as_it_was(copy_x, algorithm):
    X = _blobs() + 100.0  # far from the origin, so centering changes X visibly
    X_before = X.copy()
    km = KMeans(12, random_state=0, copy_x=copy_x, algorithm=algorithm, device="cpu").fit(X)
    ref = KMeans(12, random_state=0, algorithm=algorithm, device="cpu").fit(X_before.copy())
    if copy_x:
        assert_array_equal(X, X_before)
    else:
        assert_allclose(X, X_before, rtol=0, atol=1e-12)  # shifted back, up to rounding
    assert_array_equal(km.labels_, ref.labels_)
    assert_allclose(km.cluster_centers_, ref.cluster_centers_)


def test_copy_x_false_restores_X_after_a_failed_fit():
    X = _blobs() + 100.0
    X_before = X.copy()

    def failing_init(X_centered, n_clusters, random_state):
        raise RuntimeError("init failed")

    with pytest.raises(RuntimeError, match="init failed"):
        KMeans(12, init=failing_init, copy_x=False, device="cpu").fit(X)
    assert_allclose(X, X_before, rtol=0, atol=1e-12)


def test_read_only_input_with_copy_x_false():
    X = _blobs()
    X.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        km = KMeans(12, random_state=0, copy_x=False, device="cpu").fit(X)
    assert_array_equal(km.labels_, KMeans(12, random_state=0, device="cpu").fit(X).labels_)
