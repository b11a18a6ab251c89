"""Every criterion scikit-learn 1.9 accepts, tree for tree against its trees.

``"log_loss"`` is scikit-learn's name for its entropy criterion;
``"poisson"`` splits on the half Poisson deviance (its proxy
``sum_L log2 mean_L + sum_R log2 mean_R``) and forbids a child whose target
sum is zero. (``"squared_error"``, ``"absolute_error"``, ``"gini"`` and
``"entropy"`` are tested in ``test_tree.py`` and ``test_absolute_error.py``.)
"""

import numpy as np
import pytest
from sklearn import tree as sk_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from test_tree import assert_identical_tree

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _poisson_counts(n=600, n_features=6, seed=0):
    """Integer counts (many ties, many zeros) whose rate depends on X."""
    rng = np.random.RandomState(seed)
    X = np.round(rng.rand(n, n_features) * 10, 1)
    y = rng.poisson(np.exp(0.3 * X[:, 0] - 0.2 * X[:, 1] - 1.0)).astype(float)
    return X, y


_POISSON_DATA = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "counts": _poisson_counts,
}


@pytest.mark.parametrize("data", list(_POISSON_DATA))
@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("params", [{}, {"max_depth": 4}, {"max_leaf_nodes": 20}, {"max_features": 3}])
def test_poisson_identical_to_sklearn(data, splitter, params):
    X, y = _POISSON_DATA[data]()
    kw = dict(criterion="poisson", splitter=splitter, random_state=0, **params)
    ours = DecisionTreeRegressor(**kw).fit(X, y)
    ref = sk_tree.DecisionTreeRegressor(**kw).fit(X, y)
    assert_identical_tree(ours, ref)


def test_poisson_identical_with_float_weights_and_two_outputs():
    X, y = _poisson_counts(seed=1)
    rng = np.random.RandomState(1)
    Y = np.c_[y, rng.poisson(1 + X[:, 2])]
    w = rng.rand(X.shape[0])
    kw = dict(criterion="poisson", min_samples_leaf=3, random_state=0)
    ours, ref = DecisionTreeRegressor(**kw), sk_tree.DecisionTreeRegressor(**kw)
    assert_identical_tree(ours.fit(X, Y, sample_weight=w), ref.fit(X, Y, sample_weight=w))


def test_poisson_never_makes_a_child_of_zero_sum():
    # half the samples have y = 0: a split isolating them would predict 0
    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.r_[np.zeros(20), np.arange(1, 21)]
    tree = DecisionTreeRegressor(criterion="poisson", random_state=0).fit(X, y)
    leaves = tree.tree_.children_left == -1
    assert np.all(tree.tree_.value[leaves, 0, 0] > 0)
    ref = sk_tree.DecisionTreeRegressor(criterion="poisson", random_state=0).fit(X, y)
    assert_identical_tree(tree, ref)
    # the squared error does isolate them
    mse = DecisionTreeRegressor().fit(X, y)
    assert np.any(mse.tree_.value[mse.tree_.children_left == -1, 0, 0] == 0)


def test_poisson_bad_targets_are_sklearns_errors():
    X = np.arange(10, dtype=float).reshape(-1, 1)
    for Tree in (DecisionTreeRegressor, sk_tree.DecisionTreeRegressor):
        with pytest.raises(ValueError, match="Some value.*of y are negative"):
            Tree(criterion="poisson").fit(X, np.r_[-1.0, np.ones(9)])
        with pytest.raises(ValueError, match="Sum of y is not positive"):
            Tree(criterion="poisson").fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="poisson.*hist"):
        DecisionTreeRegressor(criterion="poisson", splitter="hist").fit(X, np.ones(10))


def test_failed_poisson_fit_leaves_the_fitted_tree_unchanged():
    X, y = _poisson_counts()
    tree = DecisionTreeRegressor(criterion="poisson").fit(X, y)
    before = tree.tree_.threshold.copy()
    with pytest.raises(ValueError):
        tree.fit(X, -y)
    np.testing.assert_array_equal(tree.tree_.threshold, before)


@pytest.mark.parametrize("loader", [load_iris, load_breast_cancer, load_digits])
@pytest.mark.parametrize("splitter", ["best", "random"])
def test_log_loss_is_entropy_and_identical_to_sklearn(loader, splitter):
    X, y = loader(return_X_y=True)
    kw = dict(splitter=splitter, random_state=0, max_features=0.7)
    ours = DecisionTreeClassifier(criterion="log_loss", **kw).fit(X, y)
    assert_identical_tree(ours, sk_tree.DecisionTreeClassifier(criterion="log_loss", **kw).fit(X, y))
    assert_identical_tree(ours, DecisionTreeClassifier(criterion="entropy", **kw).fit(X, y))


def test_poisson_target_checked_before_the_lengths_as_in_sklearn():
    for Tree in (DecisionTreeRegressor, sk_tree.DecisionTreeRegressor):
        with pytest.raises(ValueError, match="y is not positive.*Poisson"):
            Tree(criterion="poisson").fit([[0, 1, 2]], [0, 0, 0])
        with pytest.raises(ValueError, match="Some.*y are negative.*Poisson"):
            Tree(criterion="poisson").fit([[0, 1, 2]], [5, -0.1, 2])
