"""SVC on sparse input: the model of the dense copy, never a densified X; bad input."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import svm as sk_svm
from sklearn.datasets import make_classification
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from skdl.svm import SVC
from skdl.svm._kernels import FeatureRows, KernelSpec, SparseRows, sparse_sq_norms

KERNELS = ["linear", "poly", "rbf", "sigmoid"]
FORMATS = ["csr", "csc", "coo", "lil", "dok"]


def _sparse_data(n=300, n_features=40, n_classes=3, density=0.2, seed=0):
    X, y = make_classification(n, n_features, n_informative=10, n_classes=n_classes, random_state=seed)
    X[np.random.default_rng(seed).random(X.shape) > density] = 0.0
    return X, y


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array])
def test_sparse_input_gives_the_model_of_the_dense_copy(kernel, fmt, container):
    X, y = _sparse_data()
    dense = SVC(kernel=kernel, device="cpu").fit(X, y)
    X_sparse = container(X).asformat(fmt)
    model = SVC(kernel=kernel, device="cpu").fit(X_sparse, y)
    assert_array_equal(model.support_, dense.support_)
    assert_allclose(model.dual_coef_, dense.dual_coef_, atol=1e-10)
    assert_allclose(model.intercept_, dense.intercept_, atol=1e-10)
    assert sp.issparse(model.support_vectors_)
    assert_allclose(model.support_vectors_.toarray(), dense.support_vectors_)
    assert_allclose(model.decision_function(X_sparse), dense.decision_function(X), atol=1e-9)
    # A dense X at predict is taken by a sparse model too (scikit-learn converts it).
    assert_array_equal(model.predict(X), dense.predict(X))


@pytest.mark.parametrize("kernel", KERNELS)
def test_sparse_model_agrees_with_sklearns_sparse_svc(kernel):
    X, y = _sparse_data(n_classes=2, seed=1)
    X_sparse = sp.csr_matrix(X)
    ours = SVC(kernel=kernel, device="cpu").fit(X_sparse, y)
    theirs = sk_svm.SVC(kernel=kernel).fit(X_sparse, y)
    assert_allclose(ours._gamma, theirs._gamma)
    assert_allclose(ours.decision_function(X_sparse), theirs.decision_function(X_sparse), atol=2e-3)
    assert (ours.predict(X_sparse) == theirs.predict(X_sparse)).mean() >= 0.99


def test_bag_of_words_matches_sklearn():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    topics = [rng.choice(300, 40, replace=False) for _ in range(2)]
    texts, y = [], []
    for k in range(400):
        topic = k % 2
        pool = np.r_[topics[topic], rng.choice(300, 40)]
        texts.append(" ".join(words[i] for i in rng.choice(pool, 30)))
        y.append(topic)
    X = TfidfTransformer().fit_transform(CountVectorizer().fit_transform(texts))
    for kernel in ("linear", "rbf"):
        ours = SVC(kernel=kernel, C=10.0, device="cpu").fit(X, y)
        theirs = sk_svm.SVC(kernel=kernel, C=10.0).fit(X, y)
        assert (ours.predict(X) == theirs.predict(X)).mean() >= 0.999
        assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=5e-3)


def test_sparse_rows_equal_the_dense_feature_rows():
    X, _ = _sparse_data(n=50, seed=2)
    index = np.arange(0, 50, 2)
    active = np.arange(len(index))[::-1].copy()
    for kernel in KERNELS:
        spec = KernelSpec(kernel, gamma=0.1, coef0=0.5, degree=3)
        sparse_rows = SparseRows(sp.csr_matrix(X), spec, index)
        dense_rows = FeatureRows(X[index][active], spec)
        assert_allclose(sparse_rows.row(3, 0, len(index), active), dense_rows.row(3, 0, len(index), None))
        assert_allclose(sparse_rows.diagonal(10)[active], dense_rows.diagonal(10))


def test_sparse_squared_norms_are_libsvms_sequential_sums():
    # libsvm's dot(x, x) adds the products in the order of the stored values;
    # the diagonal of the linear kernel must be that sum to the last bit
    # (scipy's pairwise row sums differ on rows of 8 values or more, and SMO
    # then took other pairs on a problem of 16,000 rows).
    rng = np.random.default_rng(4)
    X = sp.random(300, 2_000, density=0.02, format="csr", random_state=4, data_rvs=rng.standard_normal)
    expected = np.array([sum(float(v) * float(v) for v in X.data[X.indptr[r] : X.indptr[r + 1]]) for r in range(300)])
    assert np.diff(X.indptr).max() >= 8
    assert_array_equal(sparse_sq_norms(X), expected)
    index = np.arange(300)
    assert_array_equal(SparseRows(X, KernelSpec("linear"), index).diagonal(10), expected)
    # Duplicate entries add up before they are squared.
    duplicated = sp.csr_matrix((np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1]), np.array([0, 2, 3])), shape=(2, 3))
    assert_array_equal(sparse_sq_norms(duplicated), [9.0, 9.0])


def test_probability_on_sparse_input_matches_dense():
    X, y = _sparse_data(n=200, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        dense = SVC(probability=True, random_state=0).fit(X, y)
        sparse = SVC(probability=True, random_state=0).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-8)


def test_linear_coef_is_sparse_for_sparse_input():
    X, y = _sparse_data(n=100, n_classes=2)
    model = SVC(kernel="linear").fit(sp.csr_matrix(X), y)
    assert sp.issparse(model.coef_)
    assert_allclose(model.coef_.toarray(), SVC(kernel="linear").fit(X, y).coef_, atol=1e-10)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_sparse_data_is_sklearns_value_error(value):
    X, y = _sparse_data(n=50)
    X_sparse = sp.csr_matrix(X)
    X_sparse.data[0] = value
    message = "Input X contains (NaN|infinity)"
    with pytest.raises(ValueError, match=message):
        sk_svm.SVC().fit(X_sparse, y)
    with pytest.raises(ValueError, match=message):
        SVC().fit(X_sparse, y)


def test_empty_sparse_matrix_and_sparse_y_are_sklearns_errors():
    X, y = _sparse_data(n=50)
    for bad_X, bad_y in [(sp.csr_matrix((0, 5)), np.array([])), (sp.csr_matrix(X), sp.csr_matrix(y))]:
        with pytest.raises((ValueError, TypeError)) as theirs:
            sk_svm.SVC().fit(bad_X, bad_y)
        with pytest.raises(type(theirs.value)) as ours:
            SVC().fit(bad_X, bad_y)
        assert str(ours.value) == str(theirs.value)


def test_sparse_precomputed_kernel_and_sparse_input_to_a_dense_model_are_errors():
    X, y = _sparse_data(n=50)
    with pytest.raises(TypeError, match="Sparse precomputed kernels are not supported."):
        SVC(kernel="precomputed").fit(sp.csr_matrix(X @ X.T), y)
    model = SVC().fit(X, y)
    with pytest.raises(ValueError, match="cannot use sparse input in 'SVC' trained on dense data"):
        model.predict(sp.csr_matrix(X))


def test_callable_kernel_on_sparse_input_gets_the_sparse_matrix():
    X, y = _sparse_data(n=80, n_classes=2)
    seen = []

    def kernel(A, B):
        seen.append(sp.issparse(A))
        return (A @ B.T).toarray()

    model = SVC(kernel=kernel).fit(sp.csr_matrix(X), y)
    assert all(seen)
    assert_allclose(
        model.decision_function(sp.csr_matrix(X)),
        SVC(kernel="linear").fit(X, y).decision_function(X),
        atol=1e-8,
    )


@pytest.mark.parametrize("cache_size", [200, 0.5])
def test_sparse_linear_kernel_takes_libsvms_path(cache_size):
    # The benchmark's sparse classification set, smaller: a nearly
    # hard-margin linear problem in 2,000 dimensions on which SMO needs many
    # pair steps (libsvm too: ~n^2.6). The same pairs as libsvm, so the same
    # n_iter_ and support; a cache of a few rows (0.5 MB: 163 rows, fewer
    # than the support vectors) reuses and drops rows all along the way and
    # must not change the path either.
    X, y = make_classification(800, 2_000, n_informative=200, random_state=0)
    mask = sp.random(800, 2_000, density=0.01, format="csr", random_state=0)
    mask.data[:] = 1.0
    X = sp.csr_matrix(mask.multiply(X))
    ours = SVC(kernel="linear", cache_size=cache_size, device="cpu").fit(X, y)
    theirs = sk_svm.SVC(kernel="linear", cache_size=cache_size).fit(X, y)
    assert ours.n_iter_[0] > 10 * X.shape[0]
    assert_array_equal(ours.n_iter_, theirs.n_iter_)
    assert_array_equal(ours.support_, theirs.support_)
    assert_allclose(ours.dual_coef_, theirs.dual_coef_.toarray(), rtol=0, atol=1e-9)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-9)
