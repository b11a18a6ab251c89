"""``monotonic_cst``: scikit-learn 1.4+'s monotonic constraints, tree for tree.

A split on a constrained feature is kept only if its children's values are
in the constrained order and inside the node's bounds; the children inherit
bounds cut at the split's middle value and every node value is clipped to
its bounds. For a binary classifier the constraint is on the positive
class's probability (scikit-learn flips the signs and constrains the first
class's proportion).
"""

import numpy as np
import pytest
from sklearn import tree as sk_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification, make_regression
from test_tree import assert_identical_tree

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _constraints(n_features, seed):
    return np.random.RandomState(seed).randint(-1, 2, n_features)


_REGRESSION = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "synthetic": lambda: make_regression(400, 6, noise=10.0, random_state=0),
}


@pytest.mark.parametrize("data", list(_REGRESSION))
@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("criterion", ["squared_error", "absolute_error", "poisson"])
@pytest.mark.parametrize("params", [{}, {"max_leaf_nodes": 15}, {"max_depth": 5}])
def test_regressor_identical_to_sklearn(data, splitter, criterion, params):
    X, y = _REGRESSION[data]()
    if criterion == "poisson":
        y = np.abs(y)
    kw = dict(
        splitter=splitter, criterion=criterion, random_state=0, monotonic_cst=_constraints(X.shape[1], 1), **params
    )
    ours = DecisionTreeRegressor(**kw).fit(X, y)
    assert_identical_tree(ours, sk_tree.DecisionTreeRegressor(**kw).fit(X, y))


@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("params", [{}, {"max_leaf_nodes": 12}])
def test_binary_classifier_identical_to_sklearn(splitter, criterion, params):
    for X, y in (load_breast_cancer(return_X_y=True), make_classification(500, 6, random_state=0)):
        kw = dict(
            splitter=splitter, criterion=criterion, random_state=0, monotonic_cst=_constraints(X.shape[1], 2), **params
        )
        ours = DecisionTreeClassifier(**kw).fit(X, y)
        assert_identical_tree(ours, sk_tree.DecisionTreeClassifier(**kw).fit(X, y))


@pytest.mark.parametrize("splitter", ["best", "random"])
def test_predictions_are_monotonic(splitter):
    X, y = make_regression(500, 3, noise=30.0, random_state=0)
    y = y + 50 * np.sin(X[:, 0])  # not monotonic in feature 0 on its own
    reg = DecisionTreeRegressor(splitter=splitter, monotonic_cst=[1, -1, 0], random_state=0)
    reg.fit(X, y)
    grid = np.linspace(-3, 3, 200)
    for base in X[:20]:
        rows = np.repeat(base[None, :], grid.shape[0], axis=0)
        rows[:, 0] = grid
        assert np.all(np.diff(reg.predict(rows)) >= 0)
        rows = np.repeat(base[None, :], grid.shape[0], axis=0)
        rows[:, 1] = grid
        assert np.all(np.diff(reg.predict(rows)) <= 0)
    Xc, yc = make_classification(500, 3, n_redundant=0, random_state=0)
    clf = DecisionTreeClassifier(splitter=splitter, monotonic_cst=[1, 0, 0], random_state=0)
    clf.fit(Xc, yc)
    for base in Xc[:20]:
        rows = np.repeat(base[None, :], grid.shape[0], axis=0)
        rows[:, 0] = grid
        assert np.all(np.diff(clf.predict_proba(rows)[:, 1]) >= 0)


def test_all_zero_constraints_are_no_constraint():
    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(random_state=0, monotonic_cst=np.zeros(X.shape[1], int))
    assert_identical_tree(ours.fit(X, y), DecisionTreeRegressor(random_state=0).fit(X, y))


@pytest.mark.parametrize(
    "Ours, Theirs",
    [(DecisionTreeRegressor, sk_tree.DecisionTreeRegressor), (DecisionTreeClassifier, sk_tree.DecisionTreeClassifier)],
)
def test_bad_constraints_are_sklearns_errors(Ours, Theirs):
    X, y = make_classification(60, 4, n_informative=3, n_redundant=0, random_state=0)
    y3 = np.arange(60) % 3
    cases = [
        ([1, 0, -1], y, "monotonic_cst has shape 3 but the input data X has 4 features."),
        (
            [1, 0, 2, 0],
            y,
            r"monotonic_cst must be None or an array-like of -1, 0 or 1, but"
            r" got \[0 1 2\]",
        ),
        ([1, 0, 0, 0], np.c_[y, y], "Monotonicity constraints are not supported with multiple outputs."),
    ]
    if Ours is DecisionTreeClassifier:
        cases.append(([1, 0, 0, 0], y3, "Monotonicity constraints are not supported with multiclass classification"))
    for cst, target, message in cases:
        for Tree in (Ours, Theirs):
            with pytest.raises(ValueError, match=message):
                Tree(monotonic_cst=cst).fit(X, target)


def test_failed_fit_leaves_the_fitted_tree_unchanged_and_hist_is_refused():
    X, y = load_diabetes(return_X_y=True)
    reg = DecisionTreeRegressor(random_state=0).fit(X, y)
    before = reg.tree_.threshold.copy()
    reg.set_params(monotonic_cst=[1, 0])
    with pytest.raises(ValueError, match="monotonic_cst has shape 2"):
        reg.fit(X, y)
    np.testing.assert_array_equal(reg.tree_.threshold, before)
    with pytest.raises(ValueError, match="monotonic_cst is not supported with splitter='hist'"):
        DecisionTreeRegressor(splitter="hist", monotonic_cst=[1] + [0] * 9).fit(X, y)
