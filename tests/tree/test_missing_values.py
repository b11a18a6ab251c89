"""Missing values (NaN in X) as scikit-learn 1.9's trees handle them.

At each split scikit-learn tries the node's NaN samples on both sides and
keeps the better (``tree_.missing_go_to_left``), and also the split that
puts the non-missing values on one side and NaN on the other (threshold
``inf``); the random splitter draws their side after the threshold. At
predict, NaN follows the recorded side; a feature with no NaN in training
sends it to the child with more samples. skdl's splitters repeat those
steps, so on data with NaN every array of the tree is scikit-learn's.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn import tree as sk_tree
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
    make_regression,
)
from test_tree import assert_identical_tree

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _with_nan(X, fraction, seed=0):
    rng = np.random.RandomState(seed)
    X = X.astype(float)
    X[rng.rand(*X.shape) < fraction] = np.nan
    return X


_CLASSIFICATION = {
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits": lambda: load_digits(return_X_y=True),
    "iris": lambda: load_iris(return_X_y=True),
    "synthetic": lambda: make_classification(500, 8, random_state=0),
}
_REGRESSION = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "synthetic": lambda: make_regression(500, 8, noise=3.0, random_state=0),
}
_PARAMS = [{}, {"max_features": 0.5}, {"max_leaf_nodes": 12}, {"min_samples_leaf": 3}]


def _fit_both(Ours, Theirs, X, y, sample_weight=None, **params):
    with warnings.catch_warnings():
        # friedman_mse's deprecation warning, raised by both.
        warnings.simplefilter("ignore", FutureWarning)
        ours = Ours(**params).fit(X, y, sample_weight=sample_weight)
        ref = Theirs(**params).fit(X, y, sample_weight=sample_weight)
    return ours, ref


_CASES = [
    (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, loader, criterion)
    for loader in _CLASSIFICATION.values()
    for criterion in ("gini", "entropy", "log_loss")
] + [
    (DecisionTreeRegressor, sk_tree.DecisionTreeRegressor, loader, criterion)
    for loader in _REGRESSION.values()
    for criterion in ("squared_error", "friedman_mse", "absolute_error", "poisson")
]
_CASE_IDS = [f"{data}-{criterion}" for data in _CLASSIFICATION for criterion in ("gini", "entropy", "log_loss")] + [
    f"{data}-{criterion}"
    for data in _REGRESSION
    for criterion in ("squared_error", "friedman_mse", "absolute_error", "poisson")
]


@pytest.mark.parametrize(("Ours", "Theirs", "loader", "criterion"), _CASES, ids=_CASE_IDS)
@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("params", _PARAMS)
def test_tree_with_nan_identical_to_sklearn(Ours, Theirs, loader, criterion, splitter, params):
    X, y = loader()
    X = _with_nan(X, 0.1)
    if criterion == "poisson":
        y = np.abs(y)
    ours, ref = _fit_both(Ours, Theirs, X, y, criterion=criterion, splitter=splitter, random_state=0, **params)
    assert_identical_tree(ours, ref)
    assert_array_equal(ours.predict(X), ref.predict(X))
    if hasattr(ref, "predict_proba"):
        assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))


@pytest.mark.parametrize("splitter", ["best", "random"])
def test_weighted_multi_output_and_pruned_trees_with_nan_identical_to_sklearn(splitter):
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.RandomState(1)
    X = _with_nan(X, 0.05, seed=1)
    # A feature missing exactly for class 1: its NaN carry the split.
    X[:, 3] = np.where(y == 1, np.nan, X[:, 3])
    weights = rng.rand(len(y)) * 3
    ours, ref = _fit_both(
        DecisionTreeClassifier,
        sk_tree.DecisionTreeClassifier,
        X,
        y,
        sample_weight=weights,
        splitter=splitter,
        class_weight="balanced",
        random_state=3,
    )
    assert_identical_tree(ours, ref)
    two_outputs = np.column_stack([y, np.nan_to_num(X[:, 0]) > 14])
    ours, ref = _fit_both(
        DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, X, two_outputs, splitter=splitter, random_state=3
    )
    assert_identical_tree(ours, ref)
    X_reg, y_reg = load_diabetes(return_X_y=True)
    X_reg = _with_nan(X_reg, 0.1, seed=2)
    for params in ({"ccp_alpha": 50.0}, {"monotonic_cst": [1, 0, -1, 0, 0, 1, 0, 0, 1, 0]}):
        ours, ref = _fit_both(
            DecisionTreeRegressor,
            sk_tree.DecisionTreeRegressor,
            X_reg,
            y_reg,
            splitter=splitter,
            random_state=0,
            **params,
        )
        assert_identical_tree(ours, ref)


@pytest.mark.parametrize("splitter", ["best", "random"])
def test_nan_at_predict_only_goes_to_the_larger_child_as_in_sklearn(splitter):
    X, y = load_breast_cancer(return_X_y=True)
    ours, ref = _fit_both(
        DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, X, y, splitter=splitter, random_state=0
    )
    assert_identical_tree(ours, ref)
    tree = ours.tree_
    inner = tree.children_left >= 0
    left_larger = tree.n_node_samples[tree.children_left[inner]] > tree.n_node_samples[tree.children_right[inner]]
    assert_array_equal(tree.missing_go_to_left[inner].astype(bool), left_larger)
    X_test = _with_nan(X, 0.2, seed=4)
    assert_array_equal(ours.apply(X_test), ref.apply(X_test))
    assert_array_equal(ours.predict_proba(X_test), ref.predict_proba(X_test))
    assert (ours.decision_path(X_test) != ref.decision_path(X_test)).nnz == 0


def test_nan_follows_the_side_that_lowered_the_impurity():
    # Feature 0 splits the values cleanly; its NaN samples all have the
    # target of the high values, so the split must send NaN right.
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0], [np.nan], [np.nan]])
    y = np.array([0.0, 0.0, 0.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    model = DecisionTreeRegressor(max_depth=1).fit(X, y)
    assert model.tree_.missing_go_to_left[0] == 0
    assert_array_equal(model.predict([[np.nan], [0.5], [11.5]]), [5.0, 0.0, 5.0])
    # Missing only for the low target: NaN goes left.
    y_low = np.array([0.0, 0.0, 0.0, 5.0, 5.0, 5.0, 0.0, 0.0])
    model = DecisionTreeRegressor(max_depth=1).fit(X, y_low)
    assert model.tree_.missing_go_to_left[0] == 1
    assert_array_equal(model.predict([[np.nan]]), [0.0])


def test_a_feature_missing_for_one_class_alone_separates_it():
    # The values cannot tell the classes apart; the NaN alone can: scikit-
    # learn's split with every value left and NaN right (threshold inf).
    rng = np.random.RandomState(0)
    X = rng.rand(40, 1)
    y = np.repeat([0, 1], 20)
    X[y == 1, 0] = np.nan
    ours, ref = _fit_both(DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, X, y, random_state=0)
    assert_identical_tree(ours, ref)
    assert ours.tree_.node_count == 3
    assert ours.tree_.threshold[0] == np.inf
    assert_array_equal(ours.predict(X), y)
