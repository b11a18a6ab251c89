"""KMeans on sparse input: scikit-learn's sparse KMeans, and the dense copy of the data."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from skdl.cluster import KMeans
from skdl.cluster._sparse import CsrData, nearest_centers, squared_distances


def _sparse(n_samples=2000, n_features=300, density=0.03, seed=0):
    return sp.random(n_samples, n_features, density=density, random_state=seed, format="csr")


def _tfidf_digits():
    """Digits' pixel counts as a bag of words: a real sparse matrix with TF-IDF weights."""
    X, _ = load_digits(return_X_y=True)
    return TfidfTransformer().fit_transform(sp.csr_matrix(X))


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_same_as_sklearn_sparse(algorithm, init, dtype):
    X = _sparse().astype(dtype)
    ours = KMeans(8, init=init, n_init=2, random_state=0, algorithm=algorithm).fit(X)
    ref = SklearnKMeans(8, init=init, n_init=2, random_state=0, algorithm=algorithm).fit(X)
    assert ours.cluster_centers_.dtype == dtype
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.n_iter_ == ref.n_iter_
    # float32: scikit-learn sums the inertia in float32, skdl in float64
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12 if dtype == np.float64 else 1e-6)
    assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-5, atol=1e-6)


def test_same_as_sklearn_on_tfidf_digits():
    X = _tfidf_digits()
    ours = KMeans(10, n_init=3, random_state=0).fit(X)
    ref = SklearnKMeans(10, n_init=3, random_state=0).fit(X)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-6)
    assert_array_equal(ours.labels_, ref.labels_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_same_model_as_the_dense_copy(dtype):
    X = _sparse(seed=1).astype(dtype)
    init = X[:6].toarray()
    sparse = KMeans(6, init=init, n_init=1).fit(X)
    dense = KMeans(6, init=init, n_init=1).fit(X.toarray())
    assert_array_equal(sparse.labels_, dense.labels_)
    assert_allclose(sparse.cluster_centers_, dense.cluster_centers_, rtol=1e-5, atol=1e-6)
    assert sparse.inertia_ == pytest.approx(dense.inertia_, rel=1e-6)
    assert_array_equal(sparse.predict(X), dense.predict(X.toarray()))
    assert_allclose(sparse.transform(X), dense.transform(X.toarray()), rtol=1e-4, atol=1e-5)
    assert sparse.score(X) == pytest.approx(dense.score(X.toarray()), rel=1e-6)


def test_sample_weight_same_as_sklearn():
    X = _sparse(seed=2)
    weights = np.random.RandomState(0).uniform(0, 3, X.shape[0])
    weights[:50] = 0
    ours = KMeans(5, n_init=2, random_state=0).fit(X, sample_weight=weights)
    ref = SklearnKMeans(5, n_init=2, random_state=0).fit(X, sample_weight=weights)
    assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12)
    assert ours.score(X, sample_weight=weights) == pytest.approx(ref.score(X, sample_weight=weights), rel=1e-9)


@pytest.mark.parametrize(
    "container",
    [sp.csc_matrix, sp.coo_matrix, sp.lil_matrix, sp.dok_matrix, sp.csr_array, sp.csc_array, sp.coo_array],
)
def test_every_scipy_format(container):
    X = _sparse(500, 40, density=0.1)
    expected = KMeans(4, random_state=0).fit(X)
    model = KMeans(4, random_state=0).fit(container(X))
    assert_array_equal(model.labels_, expected.labels_)
    assert_array_equal(model.predict(container(X)), expected.labels_)


def test_duplicate_entries_are_summed():
    X = _sparse(300, 20, density=0.1).tocoo()
    doubled = sp.coo_matrix(
        (np.r_[X.data, X.data] / 2, (np.r_[X.row, X.row], np.r_[X.col, X.col])), shape=X.shape
    ).tocsr()  # tocsr keeps the duplicates until summed
    init = X.toarray()[:3]
    a = KMeans(3, init=init, n_init=1).fit(doubled)
    b = KMeans(3, init=init, n_init=1).fit(X.tocsr())
    assert_array_equal(a.labels_, b.labels_)


def test_callable_init_receives_the_sparse_matrix():
    X = _sparse(400, 30, density=0.1)
    seen = []

    def init(data, n_clusters, random_state):
        seen.append(sp.issparse(data))
        return data[:n_clusters].toarray()

    KMeans(3, init=init, n_init=1).fit(X)
    assert seen == [True]


def test_kernels_against_dense_formulas():
    import torch

    X = _sparse(700, 25, density=0.2, seed=3)
    centers = torch.from_numpy(np.random.RandomState(0).normal(size=(5, 25)))
    data = CsrData(X)
    dense = X.toarray()
    expected = ((dense[:, None, :] - centers.numpy()[None]) ** 2).sum(axis=2)
    assert_allclose(squared_distances(data, centers, data.row_sq_norms()).numpy(), expected, atol=1e-10)
    labels, part_dist = nearest_centers(data, centers)
    assert_array_equal(labels.numpy(), expected.argmin(axis=1))
    assert_allclose(part_dist.numpy() + (dense**2).sum(axis=1), expected.min(axis=1), atol=1e-10)


def test_bad_sparse_input_as_sklearn():
    X = _sparse(60, 8, density=0.3)
    for bad_value, message in [(np.nan, "contains NaN"), (np.inf, "infinity")]:
        bad = X.copy()
        bad.data[2] = bad_value
        with pytest.raises(ValueError, match=message):
            KMeans(3, n_init=1).fit(bad)
        with pytest.raises(ValueError, match=message):
            SklearnKMeans(3, n_init=1).fit(bad)
    model = KMeans(3, random_state=0).fit(X)
    centers = model.cluster_centers_.copy()
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="contains NaN"):
        model.fit(bad)
    assert_array_equal(model.cluster_centers_, centers)  # a failed fit leaves the model as it was


def test_no_stored_values_warns_as_sklearn():
    empty = sp.csr_matrix((40, 6))
    for estimator in (KMeans(3, n_init=1, random_state=0), SklearnKMeans(3, n_init=1, random_state=0)):
        with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(1\)"):
            estimator.fit(empty)
        assert estimator.inertia_ == 0.0


def test_elkan_on_sparse_is_lloyd():
    X = _sparse(seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        elkan = KMeans(6, algorithm="elkan", random_state=0).fit(X)
    lloyd = KMeans(6, algorithm="lloyd", random_state=0).fit(X)
    assert_array_equal(elkan.labels_, lloyd.labels_)
    assert_array_equal(elkan.cluster_centers_, lloyd.cluster_centers_)


@pytest.mark.parametrize("sparse_input", [False, True])
def test_serial_and_parallel_kernels_agree(sparse_input):
    # Up to one chunk of rows runs the serial form of the kernels, more the
    # parallel form: row for row they must give the same answers.
    X = _sparse(1500, 50, density=0.2, seed=5)
    X = X if sparse_input else X.toarray()
    model = KMeans(7, random_state=0).fit(X)
    labels, distances = model.predict(X), model.transform(X)
    for start, stop in [(0, 1), (10, 11), (0, 256), (100, 357)]:
        assert_array_equal(model.predict(X[start:stop]), labels[start:stop])
        assert_allclose(model.transform(X[start:stop]), distances[start:stop], rtol=1e-12)
        assert model.score(X[start:stop]) == pytest.approx(-(distances[start:stop].min(axis=1) ** 2).sum(), rel=1e-9)
