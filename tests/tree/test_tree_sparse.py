"""Sparse X: scikit-learn's sparse splitters, tree for tree.

scikit-learn converts sparse X to CSC and, at each node, gathers a column's
stored values of the node's samples (its ``SparsePartitioner``): the stored
values are sorted, the zeros are one block. skdl's kernels
(``skdl/tree/_partitioner.py``, ``_sparse_splitter.py``) repeat those steps,
so every array of the tree is scikit-learn's sparse tree's, bit for bit, for
both splitters and every criterion. The dense copy grows the same tree
(scikit-learn's own sparse-versus-dense guarantee: same nodes, features and
thresholds; values equal up to the order of the float sums).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import tree as sk_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from test_tree import _STRUCTURE, assert_identical_tree

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor
from skdl.tree._partitioner import extract_nnz, sparse_partitioner, sparse_source


def _sparse_mix(n=300, d=12, seed=0):
    """Mixed signs, 70 % zeros, some stored zeros, a few ties."""
    rng = np.random.RandomState(seed)
    X = np.round(rng.randn(n, d), 1) * (rng.rand(n, d) < 0.3)
    y = (X[:, 0] - X[:, 1] + 0.5 * X[:, 2] > 0).astype(int) + (X[:, 3] > 0.5)
    return X, y


_CLASSIFICATION = {
    "iris": lambda: load_iris(return_X_y=True),
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits": lambda: load_digits(return_X_y=True),
    "synthetic": _sparse_mix,
}
_REGRESSION = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "synthetic": lambda: (_sparse_mix()[0], np.abs(_sparse_mix()[0][:, :3]).sum(axis=1) + 0.1),
}
_PARAMS = [{}, {"max_leaf_nodes": 12}, {"max_features": 3, "min_samples_leaf": 2}, {"weights": True}]


def _fit_pair(Ours, Theirs, X, y, params, seed=0):
    params = dict(params)
    weights = None
    if params.pop("weights", False):
        weights = np.random.RandomState(seed).randint(0, 3, X.shape[0]).astype(float)
    ours = Ours(random_state=seed, **params).fit(X, y, sample_weight=weights)
    ref = Theirs(random_state=seed, **params).fit(X, y, sample_weight=weights)
    return ours, ref


@pytest.mark.parametrize("data", list(_CLASSIFICATION))
@pytest.mark.parametrize("criterion", ["gini", "entropy", "log_loss"])
@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("params", _PARAMS)
def test_classifier_identical_to_sklearn_sparse_tree(data, criterion, splitter, params):
    X, y = _CLASSIFICATION[data]()
    X_csc = sp.csc_matrix(X)
    ours, ref = _fit_pair(
        DecisionTreeClassifier,
        sk_tree.DecisionTreeClassifier,
        X_csc,
        y,
        {"criterion": criterion, "splitter": splitter, **params},
    )
    assert_identical_tree(ours, ref)
    X_csr = sp.csr_matrix(X)
    assert_array_equal(ours.predict_proba(X_csr), ref.predict_proba(X_csr))


@pytest.mark.parametrize("data", list(_REGRESSION))
@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error", "poisson"])
@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("params", _PARAMS)
def test_regressor_identical_to_sklearn_sparse_tree(data, criterion, splitter, params):
    X, y = _REGRESSION[data]()
    if criterion == "absolute_error":
        # its median passes are quadratic in the node size: a shallow tree
        params = {**params, "max_depth": 4}
    ours, ref = _fit_pair(
        DecisionTreeRegressor,
        sk_tree.DecisionTreeRegressor,
        sp.csc_matrix(X),
        y,
        {"criterion": criterion, "splitter": splitter, **params},
    )
    assert_identical_tree(ours, ref)
    assert_array_equal(ours.predict(sp.csr_matrix(X)), ref.predict(sp.csr_matrix(X)))


def test_friedman_mse_and_multi_output_identical_to_sklearn_sparse_tree():
    X, _ = _sparse_mix()
    Y = np.c_[X[:, 0] + X[:, 1], X[:, 2] * X[:, 3]]
    for splitter in ("best", "random"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            ours = DecisionTreeRegressor(criterion="friedman_mse", splitter=splitter, random_state=1)
            ref = sk_tree.DecisionTreeRegressor(criterion="friedman_mse", splitter=splitter, random_state=1)
        assert_identical_tree(ours.fit(sp.csc_matrix(X), Y), ref.fit(sp.csc_matrix(X), Y))


@pytest.mark.parametrize("splitter", ["best", "random"])
def test_monotonic_classifier_identical_to_sklearn_sparse_tree(splitter):
    X, y = _sparse_mix()
    y = (y > 0).astype(int)
    cst = np.zeros(X.shape[1], dtype=int)
    cst[0], cst[1] = 1, -1
    params = {"splitter": splitter, "monotonic_cst": cst, "random_state": 0}
    ours = DecisionTreeClassifier(**params).fit(sp.csc_matrix(X), y)
    ref = sk_tree.DecisionTreeClassifier(**params).fit(sp.csc_matrix(X), y)
    assert_identical_tree(ours, ref)


@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error"])
def test_monotonic_regression_identical_to_sklearn_sparse_tree(criterion):
    X, y = _REGRESSION["synthetic"]()
    cst = np.zeros(X.shape[1], dtype=int)
    cst[0], cst[2] = 1, -1
    for splitter in ("best", "random"):
        params = {"criterion": criterion, "splitter": splitter, "monotonic_cst": cst, "max_depth": 5}
        ours, ref = _fit_pair(DecisionTreeRegressor, sk_tree.DecisionTreeRegressor, sp.csc_matrix(X), y, params)
        assert_identical_tree(ours, ref)


def _assert_same_as_dense(sparse_tree, dense_tree):
    """scikit-learn's sparse-versus-dense guarantee, and exact thresholds."""
    for name in _STRUCTURE:
        assert_array_equal(getattr(sparse_tree.tree_, name), getattr(dense_tree.tree_, name), err_msg=name)
    assert_allclose(sparse_tree.tree_.value, dense_tree.tree_.value, rtol=1e-12, atol=1e-12)
    assert_allclose(sparse_tree.tree_.impurity, dense_tree.tree_.impurity, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("data", list(_CLASSIFICATION))
@pytest.mark.parametrize("splitter", ["best", "random", "hist"])
def test_classifier_sparse_equals_dense_copy(data, splitter):
    X, y = _CLASSIFICATION[data]()
    params = {"splitter": splitter, "random_state": 0, "criterion": "entropy"}
    dense = DecisionTreeClassifier(**params).fit(X, y)
    sparse = DecisionTreeClassifier(**params).fit(sp.csc_matrix(X), y)
    _assert_same_as_dense(sparse, dense)
    if splitter == "hist":
        # the same codes: the same sums in the same order
        assert_identical_tree(sparse, dense)


_CRITERION_SPLITTER = [
    (criterion, splitter)
    for criterion in ("squared_error", "poisson", "absolute_error")
    for splitter in ("best", "random", "hist")
    # the hist route has no Poisson criterion
    if (criterion, splitter) != ("poisson", "hist")
]


@pytest.mark.parametrize("data", list(_REGRESSION))
@pytest.mark.parametrize("criterion,splitter", _CRITERION_SPLITTER)
def test_regressor_sparse_equals_dense_copy(data, criterion, splitter):
    X, y = _REGRESSION[data]()
    # deep squared-error trees reach nodes where two splits differ by a
    # rounding of the sums, in scikit-learn's sparse and dense trees too:
    # its own test compares them at depth 2
    params = {"splitter": splitter, "random_state": 0, "criterion": criterion, "max_depth": 4}
    dense = DecisionTreeRegressor(**params).fit(X, y)
    sparse = DecisionTreeRegressor(**params).fit(sp.csc_matrix(X), y)
    _assert_same_as_dense(sparse, dense)


_FORMATS = ["csc_matrix", "csr_matrix", "coo_matrix", "lil_matrix", "dok_matrix", "bsr_matrix", "dia_matrix"]
_FORMATS += [name.replace("matrix", "array") for name in _FORMATS]


@pytest.mark.filterwarnings("ignore::scipy.sparse.SparseEfficiencyWarning")
@pytest.mark.parametrize("container", _FORMATS)
def test_every_sparse_format_grows_the_csc_tree(container):
    X, y = _sparse_mix()
    reference = DecisionTreeClassifier(random_state=0).fit(sp.csc_matrix(X), y)
    ours = DecisionTreeClassifier(random_state=0).fit(getattr(sp, container)(X), y)
    assert_identical_tree(ours, reference)


@pytest.mark.parametrize("container", ["csr_matrix", "csc_array", "coo_matrix", "lil_array"])
def test_predict_apply_decision_path_on_sparse_rows_equal_dense(container):
    X, y = _sparse_mix()
    tree = DecisionTreeClassifier(random_state=0, max_depth=6).fit(sp.csc_matrix(X), y)
    X_sparse = getattr(sp, container)(X)
    assert_array_equal(tree.predict(X_sparse), tree.predict(X))
    assert_array_equal(tree.predict_proba(X_sparse), tree.predict_proba(X))
    assert_array_equal(tree.apply(X_sparse), tree.apply(X))
    assert_array_equal(tree.decision_path(X_sparse).toarray(), tree.decision_path(X).toarray())
    assert_array_equal(tree.tree_.apply(sp.csr_matrix(X, dtype=np.float32)), tree.apply(X))


def test_stored_zeros_are_zeros():
    X, y = _sparse_mix()
    X_stored = sp.csc_matrix(X)
    X_stored.data[::7] = 0.0
    dense = X_stored.toarray()
    for splitter in ("best", "random"):
        ours = DecisionTreeClassifier(splitter=splitter, random_state=0).fit(X_stored, y)
        ref = sk_tree.DecisionTreeClassifier(splitter=splitter, random_state=0).fit(X_stored, y)
        assert_identical_tree(ours, ref)
        _assert_same_as_dense(ours, DecisionTreeClassifier(splitter=splitter, random_state=0).fit(dense, y))
        assert_array_equal(ours.predict(sp.csr_matrix(X_stored)), ours.predict(dense))


def test_unsorted_indices_are_sorted_on_a_copy():
    X, y = _sparse_mix()
    X_csc = sp.csc_matrix(X)
    # the same matrix with each column's entries reversed
    order = np.concatenate([np.arange(a, b)[::-1] for a, b in zip(X_csc.indptr[:-1], X_csc.indptr[1:])])
    shuffled = sp.csc_matrix((X_csc.data[order], X_csc.indices[order], X_csc.indptr), shape=X.shape)
    shuffled.has_sorted_indices = False
    indices_before = shuffled.indices.copy()
    ours = DecisionTreeClassifier(random_state=0).fit(shuffled, y)
    assert_array_equal(shuffled.indices, indices_before)
    assert_identical_tree(ours, DecisionTreeClassifier(random_state=0).fit(X_csc, y))


def _extract_by_index_map(X_csc, feature, samples, start, end):
    """scikit-learn's index-to-samples extraction in plain Python (the reference)."""
    samples = samples.copy()
    position = {s: p for p, s in enumerate(samples)}
    values = np.zeros(len(samples), dtype=np.float32)
    end_negative, start_positive = start, end
    for k in range(X_csc.indptr[feature], X_csc.indptr[feature + 1]):
        row, x = X_csc.indices[k], X_csc.data[k]
        p = position[row]
        if not start <= p < end or x == 0:
            continue
        q = start_positive - 1 if x > 0 else end_negative
        samples[p], samples[q] = samples[q], samples[p]
        position[samples[p]], position[samples[q]] = p, q
        values[q] = x
        if x > 0:
            start_positive -= 1
        else:
            end_negative += 1
    return samples, values, end_negative, start_positive


@pytest.mark.parametrize("node", [(0, 20_000), (1000, 1030), (19_990, 20_000)])
def test_both_extractions_equal_the_index_map_reference(node):
    # 18,000 stored values a column: a node of all samples walks the column
    # through the index map; a node of 30 or 10 samples binary-searches its
    # sorted samples in the column (30 log2 30 + 30 log2 18000 < 1800), the
    # second feature reusing the sort
    n = 20_000
    rng = np.random.RandomState(0)
    X = rng.randn(n, 2).astype(np.float32) * (rng.rand(n, 2) < 0.9)
    X_csc = sp.csc_matrix(X)
    start, end = node
    samples = rng.permutation(n).astype(np.int64)
    state = sparse_partitioner(sparse_source(X_csc), samples, n, True)
    values = np.zeros(n, dtype=np.float32)
    for feature in (0, 1):
        want_samples, want_values, want_neg, want_pos = _extract_by_index_map(X_csc, feature, samples, start, end)
        neg, pos = extract_nnz(sparse_source(X_csc), state, feature, samples, start, end, values)
        assert (neg, pos) == (want_neg, want_pos)
        assert_array_equal(samples, want_samples)
        assert_array_equal(values[start:neg], want_values[start:neg])
        assert_array_equal(values[pos:end], want_values[pos:end])
        assert_array_equal(state[0][samples], np.arange(n))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_in_sparse_data_refused_as_sklearn(bad):
    X, y = _sparse_mix()
    X_csc = sp.csc_matrix(X)
    X_csc.data[3] = bad
    fitted = DecisionTreeClassifier(random_state=0).fit(X, y)
    before = fitted.tree_.threshold.copy()
    message = "Input X contains NaN" if np.isnan(bad) else "Input X contains infinity"
    for Tree in (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier):
        with pytest.raises(ValueError, match=message):
            Tree().fit(X_csc, y)
    with pytest.raises(ValueError, match=message):
        fitted.fit(X_csc, y)
    assert_array_equal(fitted.tree_.threshold, before)
    with pytest.raises(ValueError, match=message):
        fitted.predict(X_csc.tocsr())


def test_sparse_wrong_feature_count_at_predict_refused_as_sklearn():
    X, y = _sparse_mix()
    for Tree in (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier):
        tree = Tree(random_state=0).fit(sp.csc_matrix(X), y)
        with pytest.raises(ValueError, match="features"):
            tree.predict(sp.csr_matrix(X[:, :-1]))


def test_all_zero_sparse_matrix_is_one_leaf():
    X = sp.csc_matrix((50, 4))
    y = np.arange(50) % 2
    tree = DecisionTreeClassifier().fit(X, y)
    ref = sk_tree.DecisionTreeClassifier().fit(X, y)
    assert_identical_tree(tree, ref)
    assert tree.tree_.node_count == 1
