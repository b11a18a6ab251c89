"""The hist splitter's binning, its NaN bin and its parallel prediction."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor
from skdl.tree._binning import bin_features
from skdl.tree._tree import _APPLY_CHUNK_ROWS, _walk

# 40 and 4000 samples: the first searches code-sorted rows (a small node),
# the second histograms
SIZES = [1, 100]


def _step_with_nan(repeat, nan_target):
    """x = 0..9 and NaN; y = 10 above 4.5, ``nan_target`` for NaN, each row ``repeat`` times."""
    x = np.r_[np.arange(10.0), [np.nan] * 4]
    y = np.r_[np.where(np.arange(10) > 4.5, 10.0, 0.0), [nan_target] * 4]
    return np.repeat(x, repeat)[:, None], np.repeat(y, repeat)


def test_bin_features_matches_searchsorted_and_gives_nan_the_last_bin():
    rng = np.random.RandomState(0)
    X = rng.randn(3000, 4).astype(np.float32)
    X[:, 1] = rng.randint(0, 7, 3000)
    X[rng.rand(3000) < 0.1, 2] = np.nan
    X[:, 3] = np.nan
    codes_t, edges = bin_features(X, 255, 0)
    assert codes_t.shape == (4, 3000) and codes_t.dtype == np.uint8
    assert_allclose(edges[1, :6], np.arange(6) + 0.5)  # midpoints of 7 distinct values
    assert np.all(np.isinf(edges[3]))  # only NaN: no edge
    for f in range(4):
        cut = edges[f][np.isfinite(edges[f])]
        expected = np.searchsorted(cut, X[:, f], side="left")
        expected[np.isnan(X[:, f])] = 255
        assert_array_equal(codes_t[f], expected)


@pytest.mark.parametrize("repeat", SIZES)
@pytest.mark.parametrize("nan_target, nan_goes_left", [(0.0, True), (10.0, False)])
def test_hist_sends_nan_where_its_training_targets_fit(repeat, nan_target, nan_goes_left):
    X, y = _step_with_nan(repeat, nan_target)
    tree = DecisionTreeRegressor(splitter="hist", max_depth=1).fit(X, y)
    assert tree.tree_.threshold[0] == pytest.approx(4.5)
    assert tree.tree_.missing_go_to_left[0] == nan_goes_left
    assert_allclose(tree.predict([[np.nan], [0.0], [9.0]]), [nan_target, 0.0, 10.0])
    # the same predictions as HistGradientBoosting's one tree
    hgb = HistGradientBoostingRegressor(
        max_iter=1, learning_rate=1, max_leaf_nodes=2, min_samples_leaf=1, l2_regularization=0, early_stopping=False
    ).fit(X, y)
    grid = np.r_[np.arange(-1.0, 11.0, 0.5), np.nan][:, None]
    assert_allclose(tree.predict(grid), hgb.predict(grid), atol=1e-5)  # its gradients are float32


@pytest.mark.parametrize("repeat", SIZES)
def test_hist_splits_the_values_from_the_nan(repeat):
    # every value has y = 0, every NaN y = 1: the split is values | NaN, at +inf
    X = np.repeat(np.r_[np.arange(6.0), [np.nan] * 3], repeat)[:, None]
    y = np.repeat(np.r_[np.zeros(6), np.ones(3)], repeat)
    tree = DecisionTreeRegressor(splitter="hist").fit(X, y)
    assert tree.tree_.node_count == 3
    assert tree.tree_.threshold[0] == np.inf
    assert tree.tree_.missing_go_to_left[0] == 0
    assert_array_equal(tree.predict([[np.nan], [1e30], [-3.0]]), [1.0, 0.0, 0.0])


@pytest.mark.parametrize("repeat", SIZES)
@pytest.mark.parametrize("cut, left_is_larger", [(2.5, False), (6.5, True)])
def test_hist_nan_unseen_in_training_goes_to_the_larger_child(repeat, cut, left_is_larger):
    x = np.repeat(np.arange(10.0), repeat)
    y = (x > cut).astype(float)
    tree = DecisionTreeRegressor(splitter="hist", max_depth=1).fit(x[:, None], y)
    assert tree.tree_.missing_go_to_left[0] == left_is_larger
    assert tree.predict([[np.nan]])[0] == (0.0 if left_is_larger else 1.0)


def test_hist_nan_trees_match_histgradientboosting():
    # few distinct values: both bin at the midpoints, so the trees agree
    rng = np.random.RandomState(0)
    X = rng.randint(0, 30, (6000, 4)).astype(float)
    y = np.sin(X[:, 0] / 5) + 0.1 * X[:, 1] + rng.rand(6000)
    X[rng.rand(6000) < 0.2, 0] = np.nan
    X[rng.rand(6000) < 0.05, 1] = np.nan
    y[np.isnan(X[:, 0])] += 2.0
    X_test = rng.randint(0, 30, (2000, 4)).astype(float)
    X_test[rng.rand(2000) < 0.3, :2] = np.nan
    tree = DecisionTreeRegressor(splitter="hist", max_leaf_nodes=12, random_state=0).fit(X, y)
    hgb = HistGradientBoostingRegressor(
        max_iter=1, learning_rate=1, max_leaf_nodes=12, min_samples_leaf=1, l2_regularization=0, early_stopping=False
    ).fit(X, y)
    assert_allclose(tree.predict(X_test), hgb.predict(X_test), atol=1e-5)


def test_hist_classifier_takes_nan():
    X, y = _step_with_nan(30, 10.0)
    clf = DecisionTreeClassifier(splitter="hist", random_state=0).fit(X, y > 5)
    assert_array_equal(clf.predict([[np.nan], [0.0], [9.0]]), [True, False, True])


def test_hist_nan_on_sparse_input_is_refused():
    from scipy.sparse import csc_matrix

    X = csc_matrix(np.array([[np.nan, 1.0], [0.0, 2.0]]))
    with pytest.raises(ValueError, match="NaN"):
        DecisionTreeRegressor(splitter="hist").fit(X, [0.0, 1.0])


@pytest.mark.parametrize("splitter", ["best", "random", "hist"])
def test_parallel_apply_is_the_serial_walk(splitter):
    X, y = make_friedman1(3000, 6, random_state=0)
    X[::7, 2] = np.nan
    tree = DecisionTreeRegressor(splitter=splitter, max_depth=8, random_state=0).fit(X, y)
    X_test, _ = make_friedman1(3 * _APPLY_CHUNK_ROWS + 5, 6, random_state=1)
    X_test[::5, 2] = np.nan
    X_test = X_test.astype(np.float32)
    t = tree.tree_
    empty = np.empty(0, dtype=np.int64)
    nodes = (t.children_left, t.children_right, t.feature, t.threshold, t.missing_go_to_left)
    walked = _walk(X_test, np.empty(0, np.float32), empty, empty, *nodes, 0)[0]
    assert_array_equal(t.apply(X_test), walked)  # parallel (many rows)
    assert_array_equal(t.apply(X_test[:10]), walked[:10])  # serial (few)
    assert_array_equal(tree.decision_path(X_test).indices[-1:], walked[-1:])
