"""``splitter="random"``: scikit-learn's random splitter, tree for tree.

For each drawn feature scikit-learn draws one threshold uniformly in the
node's range with its xorshift generator, partitions the node's samples
around it in place and evaluates the criterion on that order. skdl's kernel
(``skdl/tree/_random_splitter.py``) repeats those steps, so for the same
``random_state`` every array of the tree is scikit-learn's, bit for bit.
"""

import numpy as np
import pytest
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

_CLASSIFIER_PARAMS = [
    {},
    {"criterion": "entropy", "max_features": "sqrt"},
    {"criterion": "log_loss", "max_depth": 5, "min_samples_leaf": 3},
    {"max_leaf_nodes": 9},
    {"min_weight_fraction_leaf": 0.02, "min_impurity_decrease": 0.001},
]


def _fit_both(Ours, Theirs, X, y, sample_weight=None, **params):
    ours = Ours(splitter="random", **params).fit(X, y, sample_weight=sample_weight)
    ref = Theirs(splitter="random", **params).fit(X, y, sample_weight=sample_weight)
    return ours, ref


@pytest.mark.parametrize("loader", [load_iris, load_breast_cancer, load_digits])
@pytest.mark.parametrize("params", _CLASSIFIER_PARAMS)
@pytest.mark.parametrize("seed", [0, 7])
def test_classifier_identical_to_sklearn(loader, params, seed):
    X, y = loader(return_X_y=True)
    ours, ref = _fit_both(DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, X, y, random_state=seed, **params)
    assert_identical_tree(ours, ref)
    np.testing.assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))


_REGRESSION_DATA = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "synthetic": lambda: make_regression(400, 10, noise=5.0, random_state=0),
}


@pytest.mark.parametrize("data", list(_REGRESSION_DATA))
@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error", "poisson"])
@pytest.mark.parametrize("params", [{}, {"max_features": 0.5}, {"max_leaf_nodes": 15}, {"min_samples_leaf": 4}])
def test_regressor_identical_to_sklearn(data, criterion, params):
    X, y = _REGRESSION_DATA[data]()
    if criterion == "poisson":
        y = np.abs(y)
    ours, ref = _fit_both(
        DecisionTreeRegressor, sk_tree.DecisionTreeRegressor, X, y, criterion=criterion, random_state=3, **params
    )
    assert_identical_tree(ours, ref)


@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error", "poisson"])
def test_regressor_identical_with_float_weights_ties_and_multi_output(criterion):
    # rounded features (ties), some weights zero, two outputs
    rng = np.random.RandomState(0)
    X = np.round(rng.rand(300, 5) * 8)
    y = np.abs(np.c_[X[:, 0] + rng.rand(300), X[:, 1] * rng.rand(300)])
    w = rng.rand(300) * (rng.rand(300) > 0.1)
    ours, ref = _fit_both(
        DecisionTreeRegressor, sk_tree.DecisionTreeRegressor, X, y, w, criterion=criterion, random_state=1
    )
    assert_identical_tree(ours, ref)


def test_classifier_identical_with_class_weight_and_multi_output():
    X, y = make_classification(500, 8, n_informative=5, n_classes=3, random_state=0)
    Y = np.c_[y, (X[:, 0] > 0).astype(int)]
    ours, ref = _fit_both(
        DecisionTreeClassifier, sk_tree.DecisionTreeClassifier, X, Y, class_weight="balanced", random_state=2
    )
    assert_identical_tree(ours, ref)


def test_random_differs_from_best_and_follows_random_state():
    X, y = load_breast_cancer(return_X_y=True)
    best = DecisionTreeClassifier(random_state=0).fit(X, y)
    one = DecisionTreeClassifier(splitter="random", random_state=0).fit(X, y)
    again = DecisionTreeClassifier(splitter="random", random_state=0).fit(X, y)
    other = DecisionTreeClassifier(splitter="random", random_state=1).fit(X, y)
    assert_identical_tree(one, again)
    assert one.tree_.threshold[0] != best.tree_.threshold[0]
    assert one.tree_.threshold[0] != other.tree_.threshold[0]
    # a random threshold lies inside the root's range of its feature
    f = one.tree_.feature[0]
    assert X[:, f].min() <= one.tree_.threshold[0] < X[:, f].max()


def test_pruning_of_a_random_tree_same_as_sklearn():
    X, y = load_diabetes(return_X_y=True)
    ours, ref = _fit_both(DecisionTreeRegressor, sk_tree.DecisionTreeRegressor, X, y, random_state=0, ccp_alpha=50.0)
    assert_identical_tree(ours, ref)
