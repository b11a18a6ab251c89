"""The absolute-error criterion: scikit-learn's trees bit for bit, and its kernels.

scikit-learn 1.9's ``MAE`` criterion computes the absolute error of every
prefix and suffix of a node with a weighted Fenwick tree, in the order its
splitter leaves the samples. skdl's exact splitter repeats those float
operations in that order (``skdl/tree/_criterion.py``), so near-ties between
candidate splits break the same way and every array of the tree is equal.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import tree as sk_tree
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.model_selection import train_test_split

from skdl.tree import DecisionTreeRegressor
from skdl.tree._criterion import absolute_errors_pass, fenwick_search, ranks_like_sklearn

_ARRAYS = (
    "children_left",
    "children_right",
    "feature",
    "threshold",
    "n_node_samples",
    "weighted_n_node_samples",
    "value",
    "impurity",
)


def assert_identical_tree(ours, ref):
    """Every array of the two trees equal, bit for bit."""
    assert ours.tree_.node_count == ref.tree_.node_count
    assert ours.tree_.max_depth == ref.tree_.max_depth
    for name in _ARRAYS:
        assert_array_equal(getattr(ours.tree_, name), getattr(ref.tree_, name), err_msg=name)


def _california_like(n=2000, seed=0):
    """Tied features and a capped float target (tied at the cap), like California
    housing (not downloadable offline)."""
    rng = np.random.RandomState(seed)
    income = np.round(rng.lognormal(1.2, 0.5, n), 4)
    age = rng.randint(1, 53, n).astype(float)
    rooms = np.round(rng.gamma(5.0, 1.0, n), 2)
    lat = np.round(rng.uniform(32.5, 42.0, n), 2)
    X = np.column_stack([income, age, rooms, lat])
    y = np.minimum(0.6 * income + 0.01 * age - 0.05 * (lat - 36) + rng.normal(0, 0.5, n), 4.0)
    return X, y


_DATA = {
    "friedman1": lambda: make_friedman1(2000, 10, random_state=0),
    "friedman1_noise": lambda: make_friedman1(1500, 8, noise=1.0, random_state=1),
    "friedman1_float32": lambda: tuple(
        a.astype(np.float32) for a in make_friedman1(1500, 6, noise=1.0, random_state=2)
    ),
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "diabetes_float_y": lambda: (load_diabetes().data, load_diabetes().target / 7.0),
    "regression_noise": lambda: make_regression(1500, 8, noise=10.0, random_state=0),
    "california_like": _california_like,
}


def _fit_both(X, y, sample_weight=None, **params):
    ours = DecisionTreeRegressor(criterion="absolute_error", **params)
    ref = sk_tree.DecisionTreeRegressor(criterion="absolute_error", **params)
    return ours.fit(X, y, sample_weight=sample_weight), ref.fit(X, y, sample_weight=sample_weight)


# --- whole trees ---------------------------------------------------------------


@pytest.mark.parametrize("data", sorted(_DATA))
@pytest.mark.parametrize(
    "params",
    [{}, {"min_samples_leaf": 3}, {"max_features": 0.5}, {"max_leaf_nodes": 30}],
    ids=["full", "min_samples_leaf", "max_features", "max_leaf_nodes"],
)
def test_identical_to_sklearn(data, params):
    X, y = _DATA[data]()
    X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.3, random_state=0)
    ours, ref = _fit_both(X_train, y_train, random_state=0, **params)
    assert_identical_tree(ours, ref)
    assert_array_equal(ours.predict(X_test), ref.predict(X_test))


def test_friedman1_min_samples_leaf_3_identical():
    # the case that used to differ by two nodes (a near-tie broken the other way)
    X, y = make_friedman1(2000, 10, random_state=0)
    ours, ref = _fit_both(X, y, min_samples_leaf=3, random_state=0)
    assert_identical_tree(ours, ref)


@pytest.mark.parametrize("data", ["friedman1", "diabetes", "california_like"])
@pytest.mark.parametrize("weights", ["float", "integer"])
def test_identical_to_sklearn_with_sample_weights(data, weights):
    # float weights: no sum is exact, the summation order decides every bit
    X, y = _DATA[data]()
    rng = np.random.RandomState(0)
    if weights == "float":
        w = rng.uniform(0.1, 3.0, size=y.shape[0])
    else:
        w = rng.randint(1, 4, size=y.shape[0]).astype(float)
    w[::7] = 0.0  # zero-weight samples reach no node
    for params in ({}, {"min_samples_leaf": 3, "min_weight_fraction_leaf": 0.01}):
        ours, ref = _fit_both(X, y, sample_weight=w, random_state=0, **params)
        assert_identical_tree(ours, ref)


def test_multi_output_identical_to_sklearn():
    X, y = make_friedman1(600, 6, noise=0.5, random_state=0)
    Y = np.column_stack([y, np.sin(3 * X[:, 0]) + X[:, 1], np.round(X[:, 2] * 4)])
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=600)
    for sample_weight in (None, w):
        ours, ref = _fit_both(X, Y, sample_weight=sample_weight, min_samples_leaf=2, random_state=0)
        assert_identical_tree(ours, ref)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(5, 250),
    n_features=st.integers(1, 4),
    x_kind=st.sampled_from(["float", "tied"]),
    y_kind=st.sampled_from(["float", "tied_float", "int"]),
    w_kind=st.sampled_from(["none", "float", "int"]),
    seed=st.integers(0, 2**16),
)
def test_identical_to_sklearn_on_random_data(n, n_features, x_kind, y_kind, w_kind, seed):
    rng = np.random.RandomState(seed)
    if x_kind == "float":
        X = rng.normal(size=(n, n_features))
    else:
        X = rng.randint(0, rng.randint(2, 12), size=(n, n_features)) / 3.0
    if y_kind == "float":
        y = rng.normal(size=n)
    elif y_kind == "tied_float":
        y = rng.randint(0, 8, size=n) / 7.0  # tied and inexact
    else:
        y = rng.randint(0, 50, size=n).astype(float)
    w = None
    if w_kind == "float":
        w = rng.uniform(0.1, 3.0, size=n)
    elif w_kind == "int":
        w = rng.randint(1, 4, size=n).astype(float)
    ours, ref = _fit_both(X, y, sample_weight=w, random_state=seed)
    assert_identical_tree(ours, ref)


# --- the kernels -----------------------------------------------------------------


def _reference_absolute_errors(y, w):
    """Least weighted absolute error of each prefix, by brute force in NumPy.

    A weighted median minimises the weighted absolute error, and some data
    point is a weighted median: the minimum over the data points is the
    error around the median.
    """
    out = np.empty(y.shape[0])
    for p in range(y.shape[0]):
        ys, ws = y[: p + 1], w[: p + 1]
        out[p] = np.min(np.abs(ys[:, None] - ys[None, :]).T @ ws)
    return out


def _passes(y, w, samples, start, end):
    """skdl's forward and backward passes over ``samples[start:end]``."""
    n = end - start
    ranks = np.zeros(samples.max() + 1, dtype=np.int64)
    sorted_y = np.zeros(n)
    ranks_like_sklearn(
        y.reshape(-1, 1), 0, samples, start, end, ranks, sorted_y, np.empty(n), np.empty(n, dtype=np.int64)
    )
    left, right = np.zeros(end), np.zeros(end)
    tree_w, tree_wy = np.zeros(n + 1), np.zeros(n + 1)
    absolute_errors_pass(samples, start, end, True, n, ranks, sorted_y, w, tree_w, tree_wy, left)
    median = absolute_errors_pass(samples, start, end, False, n, ranks, sorted_y, w, tree_w, tree_wy, right)
    return left[start:end], right[start:end], median


def test_absolute_errors_pass_matches_numpy_reference():
    rng = np.random.RandomState(0)
    for trial in range(20):
        n = rng.randint(1, 60)
        y = rng.normal(size=n) if trial % 2 else rng.randint(0, 5, size=n).astype(float)
        w = rng.uniform(0.2, 2.0, size=n) if trial % 3 else np.ones(n)
        left, right, median = _passes(y, w, np.arange(n), 0, n)
        assert_allclose(left, _reference_absolute_errors(y, w), rtol=1e-9, atol=1e-9)
        assert_allclose(right, _reference_absolute_errors(y[::-1], w[::-1])[::-1], rtol=1e-9, atol=1e-9)
        # the node's median: a minimiser of the weighted absolute error
        assert_allclose(w @ np.abs(y - median), right[0], rtol=1e-9, atol=1e-9)


def test_absolute_errors_pass_is_sklearns():
    criterion = pytest.importorskip("sklearn.tree._criterion", reason="scikit-learn's private criterion module moved")
    if not hasattr(criterion, "_py_precompute_absolute_errors"):
        pytest.skip("scikit-learn's MAE helper is not there (before its Fenwick MAE)")
    rng = np.random.RandomState(0)
    for trial in range(100):
        n_total = rng.randint(2, 400)
        y = rng.normal(size=n_total)
        if trial % 3 == 0:
            y = rng.randint(0, 6, size=n_total) / 7.0  # ties: their ranks follow the sort
        w = [rng.uniform(0.1, 3.0, n_total), np.ones(n_total), rng.choice([0.5, 1.0, 1.5], n_total)][trial % 3]
        samples = rng.permutation(n_total).astype(np.intp)
        start = rng.randint(0, n_total - 1)
        end = rng.randint(start + 1, n_total + 1)
        n = end - start
        left, right, median = _passes(y, w, samples, start, end)
        # scikit-learn's wrapper sizes its buffers by n: give it the segment alone
        Y = np.ascontiguousarray(y.reshape(-1, 1))
        segment = np.ascontiguousarray(samples[start:end])
        ref_left, _ = criterion._py_precompute_absolute_errors(Y, w, segment, 0, n, n)
        ref_right, ref_medians = criterion._py_precompute_absolute_errors(Y, w, segment, n - 1, -1, n)
        assert_array_equal(left, ref_left)
        assert_array_equal(right, ref_right)
        assert median == ref_medians[0]


def test_fenwick_search_is_sklearns():
    utils = pytest.importorskip("sklearn.tree._utils", reason="scikit-learn's module moved")
    if not hasattr(utils, "PytestWeightedFenwickTree"):
        pytest.skip("scikit-learn's WeightedFenwickTree is not there (a scikit-learn before it)")
    rng = np.random.RandomState(0)
    for trial in range(60):
        n = rng.randint(1, 70)
        ref = utils.PytestWeightedFenwickTree(n)
        ref.py_reset(n)
        tree_w, tree_wy = np.zeros(n + 1), np.zeros(n + 1)
        max_pow2 = 1 << (n.bit_length() - 1)
        total = 0.0
        for rank in rng.permutation(n)[: rng.randint(1, n + 1)]:
            wi = [rng.uniform(0.1, 2.0), 1.0, rng.choice([0.25, 0.5, 1.5])][trial % 3]
            yi = rng.normal()
            ref.py_add(int(rank), yi, wi)
            j = rank + 1
            while j <= n:
                tree_w[j] += wi
                tree_wy[j] += wi * yi
                j += j & -j
            total += wi
            # half the total (exact matches with equal weights) and other targets
            for target in (0.5 * total, rng.uniform(0, total)):
                prev, idx, cw, cwy = ref.py_search(target)
                assert fenwick_search(tree_w, tree_wy, n, max_pow2, target) == (idx, prev, cw, cwy)


def test_ranks_like_sklearn_breaks_ties_as_its_sort():
    sorting = pytest.importorskip("sklearn.utils._sorting", reason="scikit-learn's module moved")
    rng = np.random.RandomState(0)
    for _ in range(50):
        n = rng.randint(1, 300)
        y = rng.randint(0, rng.randint(1, 10), size=n).astype(float)
        samples = rng.permutation(n).astype(np.int64)
        ranks = np.zeros(n, dtype=np.int64)
        sorted_y = np.zeros(n)
        tied = ranks_like_sklearn(
            y.reshape(-1, 1), 0, samples, 0, n, ranks, sorted_y, np.empty(n), np.empty(n, dtype=np.int64)
        )
        ref_v, ref_i = y[samples].copy(), np.arange(n, dtype=np.intp)
        sorting._py_simultaneous_sort(ref_v, ref_i, n, use_three_way_partition=True)
        assert_array_equal(sorted_y, ref_v)
        assert_array_equal(ranks[samples[ref_i]], np.arange(n))
        assert tied == (np.unique(y).shape[0] < n)
