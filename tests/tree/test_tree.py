"""CART trees against scikit-learn's trees, a NumPy reference split search, and bad input."""

import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import tree as sk_tree
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_friedman1,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_sample_weight

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text, plot_tree
from skdl.tree._builder import PRESORTED, grow_tree
from skdl.tree._frontier import frontier_pop, frontier_push
from skdl.tree._partitioner import dense_source
from skdl.tree._sort import introsort, introsort_ties
from skdl.tree._splitter import presorted_rows

_STRUCTURE = (
    "children_left",
    "children_right",
    "feature",
    "threshold",
    "n_node_samples",
)


def assert_same_tree(ours, ref, values=True):
    """Node-for-node equality of two fitted trees."""
    assert ours.tree_.node_count == ref.tree_.node_count
    assert ours.tree_.max_depth == ref.tree_.max_depth
    for name in _STRUCTURE:
        assert_array_equal(getattr(ours.tree_, name), getattr(ref.tree_, name), err_msg=name)
    assert_allclose(ours.tree_.weighted_n_node_samples, ref.tree_.weighted_n_node_samples)
    if values:
        assert_allclose(ours.tree_.value, ref.tree_.value, rtol=1e-9, atol=1e-12)
        assert_allclose(ours.tree_.impurity, ref.tree_.impurity, rtol=1e-7, atol=1e-9)


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


# --- agreement with scikit-learn -------------------------------------------


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris, load_wine])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"criterion": "entropy"},
        {"max_features": "sqrt"},
        {"min_samples_leaf": 3, "max_depth": 4},
        {"min_samples_split": 0.1, "min_impurity_decrease": 0.01},
        {"class_weight": "balanced", "min_weight_fraction_leaf": 0.02},
    ],
)
def test_classifier_same_tree_as_sklearn_on_real_data(loader, params):
    X_train, X_test, y_train, y_test = _split(loader)
    ours = DecisionTreeClassifier(random_state=0, **params).fit(X_train, y_train)
    ref = sk_tree.DecisionTreeClassifier(random_state=0, **params).fit(X_train, y_train)
    assert_same_tree(ours, ref)
    assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert_array_equal(ours.apply(X_test), ref.apply(X_test))
    assert (ours.decision_path(X_test) != ref.decision_path(X_test)).nnz == 0
    assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-12)
    assert ours.get_depth() == ref.get_depth() and ours.get_n_leaves() == ref.get_n_leaves()


@pytest.mark.parametrize(
    "params",
    [
        {"min_samples_leaf": 3},
        {"max_depth": 5},
        {"max_features": "sqrt", "min_samples_leaf": 3},
        {"criterion": "absolute_error", "max_depth": 4},
    ],
)
def test_regressor_same_tree_as_sklearn_on_diabetes(params):
    X_train, X_test, y_train, y_test = _split(load_diabetes)
    ours = DecisionTreeRegressor(random_state=0, **params).fit(X_train, y_train)
    ref = sk_tree.DecisionTreeRegressor(random_state=0, **params).fit(X_train, y_train)
    assert_same_tree(ours, ref)
    assert_allclose(ours.predict(X_test), ref.predict(X_test))


# --- bit-identical trees -----------------------------------------------------
#
# The exact splitter adds samples in scikit-learn's order (its introsort of
# each feature, its partition of each split), so every float sum, and hence
# every split, is scikit-learn's, ties in the data or not.

_ALL_ARRAYS = _STRUCTURE + ("value", "impurity", "weighted_n_node_samples", "missing_go_to_left")


def assert_identical_tree(ours, ref):
    """Every array of the two trees equal, bit for bit."""
    assert ours.tree_.node_count == ref.tree_.node_count
    assert ours.tree_.max_depth == ref.tree_.max_depth
    for name in _ALL_ARRAYS:
        assert_array_equal(getattr(ours.tree_, name), getattr(ref.tree_, name), err_msg=name)


def _california_like(n=3000, seed=0):
    """Tied features (an integer age, rounded ratios, repeated coordinates) and a
    capped float target, like California housing (not downloadable offline)."""
    rng = np.random.RandomState(seed)
    income = np.round(rng.lognormal(1.2, 0.5, n), 4)
    age = rng.randint(1, 53, n).astype(float)
    rooms = np.round(rng.gamma(5.0, 1.0, n), 2)
    lat = np.round(rng.uniform(32.5, 42.0, n), 2)
    lon = np.round(rng.uniform(-124.3, -114.3, n), 2)
    X = np.column_stack([income, age, rooms, lat, lon])
    y = np.minimum(0.45 * income + 0.01 * age - 0.05 * (lat - 36) + rng.normal(0, 0.5, n), 5.00001)
    return X, y


def _friedman_rounded(n=2000, decimals=2):
    X, y = make_friedman1(n, 8, noise=1.0, random_state=0)
    return np.round(X, decimals), y


_REGRESSION_DATA = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "diabetes_float_y": lambda: (load_diabetes().data, load_diabetes().target / 7.0),
    "friedman": lambda: make_friedman1(2000, 8, noise=1.0, random_state=0),
    "friedman_rounded": _friedman_rounded,
    "california_like": _california_like,
}


@pytest.mark.parametrize("data", sorted(_REGRESSION_DATA))
@pytest.mark.parametrize(
    "params",
    [{}, {"max_features": 0.5}, {"min_samples_leaf": 3}, {"max_leaf_nodes": 40}],
    ids=["full", "max_features", "min_samples_leaf", "max_leaf_nodes"],
)
def test_regressor_identical_to_sklearn_at_full_depth(data, params):
    X, y = _REGRESSION_DATA[data]()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    for seed in (0, 1):
        ours = DecisionTreeRegressor(random_state=seed, **params).fit(X_train, y_train)
        ref = sk_tree.DecisionTreeRegressor(random_state=seed, **params).fit(X_train, y_train)
        assert_identical_tree(ours, ref)
        assert_array_equal(ours.predict(X_test), ref.predict(X_test))
        assert ours.score(X_test, y_test) == ref.score(X_test, y_test)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris, load_wine, load_digits])
@pytest.mark.parametrize(
    "params",
    [{}, {"criterion": "entropy"}, {"max_features": "sqrt"}, {"class_weight": "balanced"}, {"max_leaf_nodes": 12}],
    ids=["gini", "entropy", "max_features", "class_weight", "max_leaf_nodes"],
)
def test_classifier_identical_to_sklearn_at_full_depth(loader, params):
    X_train, X_test, y_train, y_test = _split(loader)
    for seed in (0, 1):
        ours = DecisionTreeClassifier(random_state=seed, **params).fit(X_train, y_train)
        ref = sk_tree.DecisionTreeClassifier(random_state=seed, **params).fit(X_train, y_train)
        assert_identical_tree(ours, ref)
        assert_array_equal(ours.predict_proba(X_test), ref.predict_proba(X_test))
        assert ours.score(X_test, y_test) == ref.score(X_test, y_test)


@pytest.mark.parametrize("criterion", ["squared_error", "gini", "entropy"])
def test_identical_to_sklearn_with_float_sample_weights(criterion):
    # Float weights: no sum is exact, the summation order decides every bit.
    X, y = _california_like(1500, seed=1)
    w = np.random.RandomState(0).uniform(0.1, 3.0, size=y.shape[0])
    w[::7] = 0.0  # zero-weight samples reach no node
    if criterion == "squared_error":
        ours, ref = DecisionTreeRegressor(random_state=0), sk_tree.DecisionTreeRegressor(random_state=0)
    else:
        y = np.digitize(y, [1.0, 2.0, 3.0])
        ours = DecisionTreeClassifier(criterion=criterion, random_state=0)
        ref = sk_tree.DecisionTreeClassifier(criterion=criterion, random_state=0)
    assert_identical_tree(ours.fit(X, y, sample_weight=w), ref.fit(X, y, sample_weight=w))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(5, 300),
    n_features=st.integers(1, 5),
    n_values=st.integers(2, 12),
    seed=st.integers(0, 2**16),
    y_kind=st.sampled_from(["float", "int", "class"]),
)
def test_identical_to_sklearn_on_random_tied_data(n, n_features, n_values, seed, y_kind):
    rng = np.random.RandomState(seed)
    X = rng.randint(0, n_values, size=(n, n_features)) / 3.0  # many ties, inexact floats
    if y_kind == "class":
        y = rng.randint(0, 3, size=n)
        ours, ref = DecisionTreeClassifier(random_state=seed), sk_tree.DecisionTreeClassifier(random_state=seed)
    else:
        y = rng.normal(size=n) if y_kind == "float" else rng.randint(0, 50, size=n).astype(float)
        ours, ref = DecisionTreeRegressor(random_state=seed), sk_tree.DecisionTreeRegressor(random_state=seed)
    assert_identical_tree(ours.fit(X, y), ref.fit(X, y))


def test_introsort_is_sklearns():
    # The node sort must leave tied values in scikit-learn's order.
    sorting = pytest.importorskip("sklearn.utils._sorting", reason="scikit-learn's private sort module moved")
    rng = np.random.RandomState(0)
    for trial in range(200):
        n = rng.randint(1, 3000)
        values = rng.randint(0, rng.randint(1, 60), size=n).astype(np.float32)
        if trial % 3 == 0:
            values = rng.normal(size=n).astype(np.float32)
        if trial % 5 == 0:
            values = np.sort(values)[:: 1 if trial % 2 else -1].copy()
        samples = rng.permutation(n).astype(np.intp)
        ref_v, ref_s = values.copy(), samples.copy()
        sorting._py_simultaneous_sort(ref_v, ref_s, n, use_three_way_partition=True)
        pad_v = np.concatenate([np.zeros(3, np.float32), values, np.zeros(2, np.float32)])
        pad_s = np.concatenate([np.zeros(3, np.intp), samples, np.zeros(2, np.intp)])
        introsort(pad_v, pad_s, 3, 3 + n)
        assert_array_equal(pad_s[3 : 3 + n], ref_s)
        assert_array_equal(pad_v[3 : 3 + n], ref_v)


def test_introsort_ties_gives_introsorts_order():
    # Stopping the recursion where no tie is left changes nothing.
    rng = np.random.RandomState(1)
    for trial in range(300):
        n = rng.randint(1, 3000)
        xrow = rng.normal(size=n).astype(np.float32)
        for _ in range(rng.randint(0, 6)):
            xrow[rng.randint(n)] = xrow[rng.randint(n)]
        if trial % 3 == 0:
            xrow = rng.randint(0, rng.randint(1, 200), size=n).astype(np.float32)
        samples = rng.permutation(n).astype(np.int64)
        full_v, full_s = xrow[samples], samples.copy()
        introsort(full_v, full_s, 0, n)
        part_v, part_s = xrow[samples], samples.copy()
        s = np.sort(xrow)
        tied = np.unique(s[1:][s[1:] == s[:-1]]).astype(np.float32)
        introsort_ties(part_v, part_s, 0, n, np.argsort(xrow, kind="stable"), xrow, tied, tied.shape[0])
        assert_array_equal(part_s, full_s)
        assert_array_equal(part_v, full_v)


def test_frontier_is_a_max_heap():
    # Its order among equal keys (libstdc++'s, as in scikit-learn's
    # best-first builder) is checked by the max_leaf_nodes identity tests.
    rng = np.random.RandomState(0)
    for _ in range(50):
        keys = rng.randint(0, 4, size=rng.randint(1, 40)).astype(float)
        heap = np.empty(keys.shape[0], dtype=np.int64)
        left, popped, size = set(), [], 0
        for node in range(keys.shape[0]):
            frontier_push(heap, size, keys, node)
            left.add(node)
            size += 1
            if node % 3 == 2 or node == keys.shape[0] - 1:
                while size and (node == keys.shape[0] - 1 or len(popped) < node // 3 + 1):
                    top = frontier_pop(heap, size, keys)
                    size -= 1
                    assert keys[top] == max(keys[i] for i in left)
                    left.remove(top)
                    popped.append(top)
        assert sorted(popped) == list(range(keys.shape[0]))


@pytest.mark.parametrize(
    "criterion, n_samples, min_samples_leaf",
    [("squared_error", 1000, 5), ("absolute_error", 300, 1)],
)
def test_regressor_same_tree_as_sklearn_on_continuous_data(criterion, n_samples, min_samples_leaf):
    # No depth limit. (The absolute error's bit-for-bit identity is tested in
    # test_absolute_error.py.)
    X, y = make_friedman1(n_samples, 5, noise=0.5, random_state=0)
    ours = DecisionTreeRegressor(criterion=criterion, min_samples_leaf=min_samples_leaf, random_state=0).fit(X, y)
    ref = sk_tree.DecisionTreeRegressor(criterion=criterion, min_samples_leaf=min_samples_leaf, random_state=0).fit(
        X, y
    )
    assert_same_tree(ours, ref)
    X_new, _ = make_friedman1(200, 5, random_state=1)
    assert_allclose(ours.predict(X_new), ref.predict(X_new))


@pytest.mark.parametrize("max_features", [None, 3])
def test_classifier_same_tree_as_sklearn_on_continuous_data(max_features):
    X, y = make_classification(1000, 8, n_informative=5, n_classes=3, random_state=0)
    ours = DecisionTreeClassifier(max_features=max_features, random_state=1).fit(X, y)
    ref = sk_tree.DecisionTreeClassifier(max_features=max_features, random_state=1).fit(X, y)
    assert_same_tree(ours, ref)


def test_multi_output_same_as_sklearn():
    X, y = make_friedman1(300, 5, random_state=0)
    Y = np.column_stack([y, np.sin(3 * X[:, 0]) + X[:, 1]])
    ours = DecisionTreeRegressor(max_depth=6, random_state=0).fit(X, Y)
    ref = sk_tree.DecisionTreeRegressor(max_depth=6, random_state=0).fit(X, Y)
    assert_same_tree(ours, ref)
    assert ours.predict(X).shape == (300, 2)

    Yc = np.column_stack([y > 14, np.where(X[:, 2] > 0.5, "b", "a")])
    ours = DecisionTreeClassifier(random_state=0).fit(X, Yc)
    ref = sk_tree.DecisionTreeClassifier(random_state=0).fit(X, Yc)
    assert_same_tree(ours, ref)
    assert_array_equal(ours.predict(X[:20]), ref.predict(X[:20]))
    for p, q in zip(ours.predict_proba(X[:20]), ref.predict_proba(X[:20])):
        assert_allclose(p, q)


def test_sample_weight_same_as_sklearn_and_as_repeated_rows():
    X, y = make_friedman1(200, 5, random_state=0)
    w = np.random.RandomState(0).randint(0, 4, size=200).astype(float)
    ours = DecisionTreeRegressor(min_samples_leaf=5, random_state=0).fit(X, y, sample_weight=w)
    ref = sk_tree.DecisionTreeRegressor(min_samples_leaf=5, random_state=0)
    ref.fit(X, y, sample_weight=w)
    assert_same_tree(ours, ref)
    ours = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y, sample_weight=w)
    repeated = DecisionTreeRegressor(max_depth=4, random_state=0).fit(
        np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int))
    )
    X_new, _ = make_friedman1(300, 5, random_state=1)
    assert_allclose(ours.predict(X_new), repeated.predict(X_new))


def test_class_weight_is_sample_weight():
    X, y = make_classification(300, 6, weights=[0.8], random_state=0)
    a = DecisionTreeClassifier(class_weight="balanced", max_depth=4, random_state=0).fit(X, y)
    b = DecisionTreeClassifier(max_depth=4, random_state=0).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    assert_same_tree(a, b)


def test_any_label_type():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = DecisionTreeClassifier(random_state=0).fit(X, names)
    assert_array_equal(clf.classes_, names[[0, 50, 100]])
    assert_array_equal(clf.predict(X), names)


def test_export_text_same_as_sklearn():
    iris = load_iris()
    ours = DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)
    ref = sk_tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)
    for kwargs in [
        {},
        {"show_weights": True, "decimals": 3},
        {"max_depth": 1, "spacing": 2},
        {"feature_names": iris.feature_names, "class_names": list(iris.target_names)},
    ]:
        assert export_text(ours, **kwargs) == sk_tree.export_text(ref, **kwargs)
    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(max_depth=2).fit(X, y)
    ref = sk_tree.DecisionTreeRegressor(max_depth=2).fit(X, y)
    assert export_text(ours) == sk_tree.export_text(ref)
    with pytest.raises(ValueError, match="feature_names must contain 10"):
        export_text(ours, feature_names=["a"])


def test_friedman_mse_is_deprecated_into_squared_error_as_in_sklearn():
    X, y = make_friedman1(300, 5, random_state=0)
    with pytest.warns(FutureWarning, match="friedman_mse") as ours_record:
        ours = DecisionTreeRegressor(criterion="friedman_mse", random_state=0)
    with pytest.warns(FutureWarning, match="friedman_mse") as ref_record:
        ref = sk_tree.DecisionTreeRegressor(criterion="friedman_mse", random_state=0)
    assert str(ours_record[0].message) == str(ref_record[0].message)
    assert ours.get_params()["criterion"] == ref.get_params()["criterion"] == "squared_error"
    assert_same_tree(ours.fit(X, y), ref.fit(X, y))


def test_plot_tree_draws_what_sklearn_draws():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    iris = load_iris()
    ours = DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)
    ref = sk_tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)
    kwargs = {
        "feature_names": iris.feature_names,
        "class_names": list(iris.target_names),
        "filled": True,
        "node_ids": True,
        "proportion": True,
    }
    try:
        ours_texts = [a.get_text() for a in plot_tree(ours, **kwargs)]
        ref_texts = [a.get_text() for a in sk_tree.plot_tree(ref, **kwargs)]
        assert sum("samples" in text for text in ours_texts) == ours.tree_.node_count
        assert ours_texts == ref_texts
        X, y = load_diabetes(return_X_y=True)
        ours = DecisionTreeRegressor(max_depth=2).fit(X, y)
        ref = sk_tree.DecisionTreeRegressor(max_depth=2).fit(X, y)
        assert [a.get_text() for a in plot_tree(ours, max_depth=1)] == [
            a.get_text() for a in sk_tree.plot_tree(ref, max_depth=1)
        ]
        # scikit-learn's Graphviz export reads skdl's tree as it is
        assert sk_tree.export_graphviz(ours) == sk_tree.export_graphviz(ref)
    finally:
        plt.close("all")
    with pytest.raises(NotFittedError):
        plot_tree(DecisionTreeClassifier())
    with pytest.raises(ValueError, match="label"):
        plot_tree(ours, label="leaves")


@pytest.mark.parametrize("max_leaf_nodes", [2, 5, 17])
def test_best_first_growth_same_as_sklearn(max_leaf_nodes):
    X, y = load_breast_cancer(return_X_y=True)
    ours = DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    ref = sk_tree.DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    assert_same_tree(ours, ref)
    assert ours.get_n_leaves() == max_leaf_nodes
    X, y = make_friedman1(1000, 6, random_state=0)
    ours = DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    ref = sk_tree.DecisionTreeRegressor(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    assert_same_tree(ours, ref)


def test_cost_complexity_pruning_same_as_sklearn():
    X, y = load_breast_cancer(return_X_y=True)
    ours = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    ref = sk_tree.DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    assert_allclose(ours.ccp_alphas, ref.ccp_alphas, atol=1e-15)
    assert_allclose(ours.impurities, ref.impurities)
    previous = None
    for alpha in [0.0, 0.002, 0.01, 0.05, 1.0]:
        a = DecisionTreeClassifier(ccp_alpha=alpha, random_state=0).fit(X, y)
        b = sk_tree.DecisionTreeClassifier(ccp_alpha=alpha, random_state=0).fit(X, y)
        assert_same_tree(a, b)
        assert previous is None or a.get_n_leaves() <= previous
        previous = a.get_n_leaves()
    assert previous == 1  # a large alpha prunes to the root


def test_pruning_path_by_hand():
    # Root impurity 0.5 (two balanced classes); one split makes both leaves
    # pure, so pruning it costs R(root) - R(leaves) = 0.5 for one leaf less.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    path = DecisionTreeClassifier().cost_complexity_pruning_path(X, y)
    assert_allclose(path.ccp_alphas, [0.0, 0.5])
    assert_allclose(path.impurities, [0.0, 0.5])


# --- the pure-NumPy reference split search ----------------------------------


def _reference_root_split(X, y):
    """Best (feature, threshold) of squared error at the root, by brute force in NumPy."""
    X = X.astype(np.float32)
    best = (-np.inf, None, None)
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        xs, ys = X[order, f].astype(np.float64), y[order]
        left_sum = np.cumsum(ys)[:-1]
        n_left = np.arange(1, len(y))
        proxy = left_sum**2 / n_left + (ys.sum() - left_sum) ** 2 / (len(y) - n_left)
        valid = xs[1:] > xs[:-1] + 1e-7
        proxy[~valid] = -np.inf
        p = int(np.argmax(proxy))
        if proxy[p] > best[0]:
            best = (proxy[p], f, xs[p] / 2.0 + xs[p + 1] / 2.0)
    return best[1], best[2]


@pytest.mark.parametrize("seed", range(5))
def test_exact_kernel_matches_numpy_reference(seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(120, 6))
    y = X[:, seed % 6] * 2 + rng.normal(size=120)
    tree = DecisionTreeRegressor(max_depth=1, random_state=seed).fit(X, y)
    feature, threshold = _reference_root_split(X, y)
    assert tree.tree_.feature[0] == feature
    assert tree.tree_.threshold[0] == pytest.approx(threshold, rel=1e-12)


def test_grow_tree_respects_stopping_rules():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = (X[:, 0] + rng.normal(size=200)).reshape(-1, 1)
    Xt = np.ascontiguousarray(X.T)
    rows = presorted_rows(Xt, np.argsort(Xt, axis=1, kind="stable"))
    no_source = dense_source()
    # max_depth 3, min_samples_split 2, min_samples_leaf 10, all features, seed 0
    rules = (3, 2, 10, 0.0, 0.0, 3, 0)
    y_enc = np.zeros((1, 1), np.int32)
    out = grow_tree(
        PRESORTED, rows, no_source, y, y_enc, np.ones(200), 0, 1, rules, 399, -1, False, np.zeros(3, np.int8)
    )
    node_count, max_depth, left, _, _, _, _, n_node_samples, _, _ = out[:10]
    assert max_depth <= 3
    assert n_node_samples[left == -1].min() >= 10


# --- the hist splitter -------------------------------------------------------


@pytest.mark.parametrize("loader", [load_iris, load_wine])
def test_hist_same_partitions_as_best_when_few_distinct_values(loader):
    # Every feature has fewer than max_bins distinct values, so each candidate
    # split of "best" is a bin edge: the same tree, up to where in the gap
    # between two values the threshold lies.
    X, y = loader(return_X_y=True)
    best = DecisionTreeClassifier(random_state=0).fit(X, y)
    hist = DecisionTreeClassifier(splitter="hist", random_state=0).fit(X, y)
    for name in ("children_left", "children_right", "feature", "n_node_samples"):
        assert_array_equal(getattr(hist.tree_, name), getattr(best.tree_, name))
    assert_allclose(hist.tree_.value, best.tree_.value)
    assert_array_equal(hist.predict(X), best.predict(X))


def test_hist_regression_quality_close_to_best():
    X, y = make_friedman1(6000, 10, noise=1.0, random_state=0)
    X_test, y_test = make_friedman1(3000, 10, noise=1.0, random_state=1)
    best = DecisionTreeRegressor(min_samples_leaf=5, random_state=0).fit(X, y)
    hist = DecisionTreeRegressor(splitter="hist", max_bins=64, min_samples_leaf=5, random_state=0).fit(X, y)
    assert abs(hist.score(X_test, y_test) - best.score(X_test, y_test)) < 0.01
    # thresholds are bin edges: at most 63 distinct thresholds per feature
    internal = hist.tree_.feature >= 0
    for f in range(10):
        assert len(np.unique(hist.tree_.threshold[internal & (hist.tree_.feature == f)])) <= 63


def test_hist_device_is_validated():
    X, y = make_friedman1(60, 5, random_state=0)
    with pytest.raises(ValueError, match="device must be"):
        DecisionTreeRegressor(splitter="hist", device="tpu").fit(X, y)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            DecisionTreeRegressor(splitter="hist", device="cuda").fit(X, y)


# --- the torch route of the hist splitter (level-wise, chosen on a GPU) ------


@pytest.fixture
def torch_route(monkeypatch):
    """Force the torch route of ``splitter="hist"`` on the CPU."""
    from skdl.tree import _build

    monkeypatch.setattr(_build, "choose_hist_route", lambda device, crit: "torch")


def _hist_pair(Tree, X, y, sample_weight=None, **params):
    """The same hist tree fitted by the numba route and by the torch route."""
    from skdl.tree import _build

    numba_tree = Tree(splitter="hist", random_state=0, **params).fit(X, y, sample_weight)
    route = _build.choose_hist_route
    _build.choose_hist_route = lambda device, crit: "torch"
    try:
        torch_tree = Tree(splitter="hist", random_state=0, **params).fit(X, y, sample_weight)
    finally:
        _build.choose_hist_route = route
    return numba_tree, torch_tree


def test_hist_route_choice():
    from skdl.tree._build import choose_hist_route
    from skdl.tree._criterion import ABSOLUTE_ERROR, GINI, SQUARED_ERROR

    assert choose_hist_route(torch.device("cpu"), SQUARED_ERROR) == "numba"
    assert choose_hist_route(torch.device("cuda"), GINI) == "torch"
    assert choose_hist_route(torch.device("cuda"), ABSOLUTE_ERROR) == "numba"  # no histogram form


@pytest.mark.parametrize(
    "params",
    [
        {"max_depth": 6},
        {"max_depth": 8, "min_samples_leaf": 7},
        {"max_depth": 5, "min_impurity_decrease": 0.01},
        {"max_leaf_nodes": 30},
        {"max_leaf_nodes": 60, "min_samples_leaf": 5, "max_depth": 7},
    ],
)
def test_torch_hist_route_grows_the_numba_routes_tree(params):
    # Continuous targets: two candidate splits never tie, so the routes agree node for node.
    X, y = make_friedman1(3000, 10, random_state=0)
    numba_tree, torch_tree = _hist_pair(DecisionTreeRegressor, X, y, **params)
    assert_same_tree(torch_tree, numba_tree)


def test_torch_hist_route_full_depth_same_partitions():
    # At full depth, tiny nodes split the same samples apart on different
    # features (ties the numba route breaks in scikit-learn's random feature
    # order, the torch route by the lowest feature): the same training fit.
    X, y = make_friedman1(3000, 10, random_state=0)
    X_test, y_test = make_friedman1(2000, 10, random_state=1)
    numba_tree, torch_tree = _hist_pair(DecisionTreeRegressor, X, y)
    assert torch_tree.tree_.node_count == numba_tree.tree_.node_count
    assert_array_equal(torch_tree.predict(X), y.astype(np.float64))
    assert_allclose(torch_tree.predict(X), numba_tree.predict(X))
    assert abs(torch_tree.score(X_test, y_test) - numba_tree.score(X_test, y_test)) < 0.01


def test_torch_hist_route_multi_output_and_float_weights():
    X, y = make_friedman1(2000, 8, random_state=0)
    Y = np.column_stack([y, np.sin(y)])
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    weights[:50] = 0.0
    numba_tree, torch_tree = _hist_pair(
        DecisionTreeRegressor, X, Y, sample_weight=weights, max_depth=7, min_weight_fraction_leaf=0.002
    )
    assert_same_tree(torch_tree, numba_tree)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine, load_digits])
@pytest.mark.parametrize(
    "params",
    [
        {"max_depth": 3},
        {"criterion": "entropy", "max_depth": 3},
        {"class_weight": "balanced", "max_depth": 3},
        {"max_leaf_nodes": 6},
    ],
)
def test_torch_hist_route_classifier_same_partitions(loader, params):
    # Class counts tie often (two features cut the node into children of the
    # same class counts, not always the same samples): nodes of the same
    # counts, values and impurities, the split may differ.
    X, y = loader(return_X_y=True)
    numba_tree, torch_tree = _hist_pair(DecisionTreeClassifier, X, y, **params)
    ours, ref = torch_tree.tree_, numba_tree.tree_
    assert ours.node_count == ref.node_count
    for name in ("children_left", "children_right", "n_node_samples"):
        assert_array_equal(getattr(ours, name), getattr(ref, name), err_msg=name)
    assert_allclose(ours.value, ref.value)
    assert_allclose(ours.impurity, ref.impurity, rtol=1e-9, atol=1e-12)
    assert torch_tree.score(X, y) == numba_tree.score(X, y)


def test_torch_hist_route_multi_output_classifier():
    X, y = load_iris(return_X_y=True)
    Y = np.column_stack([y, (X[:, 0] > 5.8).astype(int)])
    numba_tree, torch_tree = _hist_pair(DecisionTreeClassifier, X, Y, max_depth=3)
    assert torch_tree.tree_.node_count == numba_tree.tree_.node_count
    assert_allclose(torch_tree.tree_.value, numba_tree.tree_.value)
    assert_allclose(torch_tree.tree_.impurity, numba_tree.tree_.impurity, rtol=1e-9, atol=1e-12)
    assert_array_equal(torch_tree.predict(X), numba_tree.predict(X))


def test_torch_hist_route_max_features_draws_like_scikit_learn():
    # A node searches max_features drawn features, constant ones included,
    # as scikit-learn's draw: mean tree size and accuracy over seeds match
    # the numba route's (which reproduces scikit-learn's draw exactly).
    from skdl.tree import _build

    X_train, X_test, y_train, y_test = _split(load_digits)
    summary = {}
    route = _build.choose_hist_route
    try:
        for name in ("numba", "torch"):
            _build.choose_hist_route = lambda device, crit, name=name: name
            # digits has 17 distinct values: 17 bins are the exact thresholds
            fits = [
                DecisionTreeClassifier(splitter="hist", max_bins=17, max_features="sqrt", random_state=seed).fit(
                    X_train, y_train
                )
                for seed in range(8)
            ]
            summary[name] = (
                np.mean([f.tree_.node_count for f in fits]),
                np.mean([f.score(X_test, y_test) for f in fits]),
            )
    finally:
        _build.choose_hist_route = route
    assert abs(summary["torch"][0] / summary["numba"][0] - 1) < 0.1
    assert abs(summary["torch"][1] - summary["numba"][1]) < 0.03


def test_torch_hist_route_is_reproducible_and_seeded(torch_route):
    X, y = load_digits(return_X_y=True)
    a = DecisionTreeClassifier(splitter="hist", max_bins=17, max_features=8, random_state=3).fit(X, y)
    b = DecisionTreeClassifier(splitter="hist", max_bins=17, max_features=8, random_state=3).fit(X, y)
    c = DecisionTreeClassifier(splitter="hist", max_bins=17, max_features=8, random_state=4).fit(X, y)
    assert_same_tree(a, b)
    assert not np.array_equal(a.tree_.feature, c.tree_.feature)
    assert np.all(np.isin(a.tree_.feature, np.arange(-2, X.shape[1])))


def test_torch_hist_route_leaves_respect_the_stopping_rules(torch_route):
    X, y = make_friedman1(2000, 6, random_state=0)
    tree = DecisionTreeRegressor(splitter="hist", min_samples_leaf=9, max_depth=6).fit(X, y)
    leaves = tree.tree_.children_left == -1
    assert tree.tree_.n_node_samples[leaves].min() >= 9
    assert tree.get_depth() <= 6
    assert_allclose(tree.tree_.weighted_n_node_samples, tree.tree_.n_node_samples)
    # a leaf predicts the mean of its samples
    leaf_of = tree.apply(X)
    for leaf in np.unique(leaf_of)[:20]:
        assert_allclose(tree.tree_.value[leaf, 0, 0], y[leaf_of == leaf].mean())


def test_torch_hist_route_chunks_nodes_by_working_memory(torch_route):
    # A tiny memory budget forces one-node chunks; the tree is the same.
    from sklearn import config_context

    X, y = make_friedman1(1500, 6, random_state=0)
    whole = DecisionTreeRegressor(splitter="hist", max_depth=7).fit(X, y)
    with config_context(working_memory=1):
        chunked = DecisionTreeRegressor(splitter="hist", max_depth=7).fit(X, y)
    assert_same_tree(chunked, whole)


def test_prefix_sums_are_cumsum_and_deterministic_mode_is_scoped():
    from skdl.tree._hist_torch import _deterministic_on, _prefix_sums

    x = torch.rand((3, 5, 37, 4), dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(_prefix_sums(x, dim=2), x.cumsum(dim=2), rtol=1e-13, atol=0)
    assert not torch.are_deterministic_algorithms_enabled()
    with _deterministic_on(torch.device("cuda")):  # only switches a flag
        assert torch.are_deterministic_algorithms_enabled()
    assert not torch.are_deterministic_algorithms_enabled()
    with _deterministic_on(torch.device("cpu")):
        assert not torch.are_deterministic_algorithms_enabled()


@pytest.mark.gpu
def test_hist_on_a_cuda_device_is_the_torch_route_and_reproducible():
    X, y = make_friedman1(3000, 10, random_state=0)
    cpu = DecisionTreeRegressor(splitter="hist", device="cpu", random_state=0, max_depth=8).fit(X, y)
    gpu = DecisionTreeRegressor(splitter="hist", device="cuda", random_state=0, max_depth=8).fit(X, y)
    again = DecisionTreeRegressor(splitter="hist", device="cuda", random_state=0, max_depth=8).fit(X, y)
    assert_same_tree(gpu, cpu)
    assert_same_tree(gpu, again)
    full_cpu = DecisionTreeRegressor(splitter="hist", device="cpu", random_state=0).fit(X, y)
    full_gpu = DecisionTreeRegressor(splitter="hist", device="cuda", random_state=0).fit(X, y)
    assert_allclose(full_gpu.predict(X), full_cpu.predict(X))
    Xc, yc = load_digits(return_X_y=True)
    clf = DecisionTreeClassifier(splitter="hist", device="cuda", random_state=0).fit(Xc, yc)
    assert clf.score(Xc, yc) == 1.0


@pytest.mark.parametrize("loader", [load_iris, load_wine])
@pytest.mark.parametrize("max_leaf_nodes", [3, 8, 20])
def test_hist_best_first_same_as_best_when_few_distinct_values(loader, max_leaf_nodes):
    X, y = loader(return_X_y=True)
    best = DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    hist = DecisionTreeClassifier(splitter="hist", max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    for name in ("children_left", "children_right", "feature", "n_node_samples"):
        assert_array_equal(getattr(hist.tree_, name), getattr(best.tree_, name))
    assert_allclose(hist.tree_.value, best.tree_.value)
    assert hist.get_n_leaves() == best.get_n_leaves()


def test_hist_absolute_error_same_as_best_when_few_distinct_values():
    # diabetes: every feature has fewer than 255 distinct values
    X, y = load_diabetes(return_X_y=True)
    for params in [{"max_depth": 4}, {"max_leaf_nodes": 12}]:
        best = DecisionTreeRegressor(criterion="absolute_error", random_state=0, **params)
        hist = DecisionTreeRegressor(splitter="hist", criterion="absolute_error", random_state=0, **params)
        best.fit(X, y)
        hist.fit(X, y)
        for name in ("children_left", "feature", "n_node_samples"):
            assert_array_equal(getattr(hist.tree_, name), getattr(best.tree_, name))
        assert_allclose(hist.tree_.value, best.tree_.value)
        assert_allclose(hist.predict(X), best.predict(X))


@pytest.mark.parametrize(
    "params",
    [
        {"criterion": "absolute_error", "max_depth": 8},
        {"max_leaf_nodes": 50},
        {"criterion": "absolute_error", "max_leaf_nodes": 40},
    ],
)
def test_hist_absolute_error_and_best_first_quality_close_to_sklearn(params):
    X, y = make_friedman1(3000, 10, noise=1.0, random_state=0)
    X_test, y_test = make_friedman1(2000, 10, noise=1.0, random_state=1)
    hist = DecisionTreeRegressor(splitter="hist", max_bins=64, random_state=0, **params)
    ref = sk_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y)
    assert abs(hist.fit(X, y).score(X_test, y_test) - ref.score(X_test, y_test)) < 0.02
    if "max_leaf_nodes" in params:
        assert hist.get_n_leaves() == params["max_leaf_nodes"]


# --- behaviour ---------------------------------------------------------------


def test_regression_leaf_is_mean_or_median():
    X = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    y = np.array([1.0, 2.0, 6.0, 10.0, 11.0, 30.0])
    mean_tree = DecisionTreeRegressor().fit(X, y)
    median_tree = DecisionTreeRegressor(criterion="absolute_error").fit(X, y)
    assert_allclose(mean_tree.predict([[0.0], [1.0]]), [3.0, 17.0])
    assert_allclose(median_tree.predict([[0.0], [1.0]]), [2.0, 11.0])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_full_trees_fit_distinct_training_rows(seed):
    rng = np.random.RandomState(seed)
    n, d = rng.randint(2, 60), rng.randint(1, 5)
    # Distinct in every feature by far more than the splitter's 1e-7
    # threshold, below which scikit-learn's trees (and skdl's) see one value.
    ranks = np.column_stack([rng.permutation(n) for _ in range(d)])
    X = (ranks * rng.uniform(0.01, 3, size=d) + rng.normal(size=d)).astype(np.float32)
    y = rng.normal(size=n)
    reg = DecisionTreeRegressor(random_state=seed).fit(X, y)
    assert_allclose(reg.predict(X), y)
    labels = rng.randint(0, 3, size=n)
    clf = DecisionTreeClassifier(random_state=seed).fit(X, labels)
    assert_array_equal(clf.predict(X), labels)
    path = clf.decision_path(X)
    leaves = clf.apply(X)
    assert_array_equal(path.indices[path.indptr[1:] - 1], leaves)
    assert np.asarray(path.sum(axis=1)).max() <= clf.get_depth() + 1


def test_tree_arrays_can_be_walked():
    X, y = load_iris(return_X_y=True)
    clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    t = clf.tree_
    leaves = clf.apply(X)
    for i in range(0, 150, 7):
        node = 0
        while t.children_left[node] != -1:
            go_left = X[i, t.feature[node]].astype(np.float32) <= t.threshold[node]
            node = t.children_left[node] if go_left else t.children_right[node]
        assert node == leaves[i]
    internal = t.children_left != -1
    assert_array_equal(
        t.n_node_samples[internal],
        t.n_node_samples[t.children_left[internal]] + t.n_node_samples[t.children_right[internal]],
    )


def test_float32_and_float64_give_the_same_tree_and_pickle_round_trip():
    X, y = make_friedman1(200, 5, random_state=0)
    a = DecisionTreeRegressor(random_state=0).fit(X, y)
    b = DecisionTreeRegressor(random_state=0).fit(X.astype(np.float32), y)
    assert_same_tree(a, b)
    c = pickle.loads(pickle.dumps(a))
    assert_allclose(c.predict(X), a.predict(X))


@pytest.mark.parametrize("splitter", ["best", "random", "hist"])
def test_float64_rows_at_predict_take_the_branches_of_their_float32_copy(splitter):
    # float64 X is walked without a float32 copy: a value just either side
    # of a threshold, or between two float32 numbers, must go where its
    # float32 cast goes, as in scikit-learn's trees (n_rows crosses the
    # parallel check's threshold).
    X, y = make_friedman1(3000, 5, random_state=0)
    model = DecisionTreeRegressor(splitter=splitter, random_state=0, max_leaf_nodes=40).fit(X, y)
    inner = model.tree_.children_left >= 0
    thresholds = model.tree_.threshold[inner]
    features = model.tree_.feature[inner]
    rng = np.random.RandomState(0)
    X_test = np.tile(X[:1000], (10, 1))
    rows = rng.randint(0, len(X_test), (len(thresholds), 4))
    for k, (feature, threshold) in enumerate(zip(features, thresholds)):
        X_test[rows[k], feature] = threshold + np.array([-1e-9, 0.0, 1e-9, 3e-8])
    X_test[::7, 2] = np.nan
    X_test32 = X_test.astype(np.float32)
    assert_array_equal(model.predict(X_test), model.predict(X_test32))
    assert_array_equal(model.apply(X_test), model.apply(X_test32))
    if splitter != "hist":
        ref = sk_tree.DecisionTreeRegressor(splitter=splitter, random_state=0, max_leaf_nodes=40).fit(X, y)
        assert_array_equal(model.predict(X_test), ref.predict(X_test))


@pytest.mark.parametrize("n_rows", [5, 20_000])
@pytest.mark.parametrize("bad", [np.inf, -1e300, 1e39])
def test_float64_past_float32_at_predict_refused_as_sklearn(n_rows, bad):
    X, y = make_friedman1(200, 5, random_state=0)
    model = DecisionTreeRegressor(random_state=0).fit(X, y)
    ref = sk_tree.DecisionTreeRegressor(random_state=0).fit(X, y)
    X_test = np.resize(X, (n_rows, 5))
    X_test[n_rows - 1, 3] = bad
    with pytest.raises(ValueError) as expected:
        ref.predict(X_test)
    with pytest.raises(ValueError, match="infinity or a value too large") as raised:
        model.predict(X_test)
    assert str(raised.value) == str(expected.value)


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("Tree", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_bad_input(Tree):
    X, y = make_classification(40, 4, random_state=0)
    X_inf = X.copy()
    X_inf[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Tree(splitter="hist").fit(X_inf, y)
    with pytest.raises(ValueError, match="max_depth"):
        Tree(max_depth=0).fit(X, y)
    with pytest.raises(ValueError, match="splitter"):
        Tree(splitter="exact").fit(X, y)
    with pytest.raises(ValueError, match="max_features=9 must be <= n_features=4"):
        Tree(max_features=9).fit(X, y)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        Tree().fit(X, y, sample_weight=-np.ones(40))
    with pytest.raises(ValueError, match="non-zero"):
        Tree().fit(X, y, sample_weight=np.zeros(40))
    with pytest.raises(NotFittedError):
        Tree().predict(X)
    fitted = Tree().fit(X, y)
    with pytest.raises(ValueError, match="4 features"):
        fitted.predict(X[:, :3])


def test_non_finite_y_is_rejected():
    X, y = make_friedman1(40, 5, random_state=0)
    y[5] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        DecisionTreeRegressor().fit(X, y)


def test_failed_fit_leaves_fitted_tree_untouched():
    X, y = make_friedman1(60, 5, random_state=0)
    tree = DecisionTreeRegressor(random_state=0).fit(X, y)
    before = tree.tree_
    with pytest.raises(ValueError):
        tree.fit(np.ones((60, 3)), y, sample_weight=np.zeros(60))
    assert tree.tree_ is before and tree.n_features_in_ == 5


def test_capacity_and_an_unaddressable_leaf_count_as_in_sklearn():
    X, y = load_iris(return_X_y=True)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert tree.tree_.capacity == tree.tree_.node_count
    huge = 2**63 - 1
    for Tree in (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier):
        with pytest.raises(MemoryError):
            Tree(max_leaf_nodes=huge).fit(X[:10], y[:10])


def test_sparse_y_is_refused_and_tree_apply_takes_sparse_rows_as_in_sklearn():
    from scipy.sparse import csr_matrix

    X, y = load_iris(return_X_y=True)
    for Tree in (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier):
        with pytest.raises(TypeError, match="Sparse data was passed for y"):
            Tree().fit(X, csr_matrix(np.c_[y, y]))
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    rows = csr_matrix(X.astype(np.float32))
    assert_array_equal(tree.tree_.apply(rows), tree.apply(X))
    assert_array_equal(tree.tree_.decision_path(rows).toarray(), tree.decision_path(X).toarray())
