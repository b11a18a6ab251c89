"""CART tree workloads: skdl's trees against scikit-learn's, full depth.

One workload sets the hist tree of 255 leaves against scikit-learn's own
histogram grower: a single tree of ``HistGradientBoostingRegressor`` (one
iteration, learning rate 1, no regularisation), which fits the mean of the
targets in each leaf as the tree does. ``benchmarks/tree_hist_predict.py``
times the same pair's batch prediction. The quality figure is the held-out R^2 (regression) or accuracy
(classification) on a second sample of the same generator.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier as SklearnTreeClassifier
from sklearn.tree import DecisionTreeRegressor as SklearnTreeRegressor

from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor

from _workload import Workload


def _friedman(n_samples, n_features, non_negative=False, missing_fraction=0.0):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_friedman1(n, n_features, noise=1.0, random_state=0)
        X_test, y_test = make_friedman1(max(n // 5, 100), n_features, noise=1.0, random_state=1)
        if non_negative:  # the Poisson deviance needs y >= 0
            y, y_test = abs(y), abs(y_test)
        if missing_fraction:  # each entry missing at random, in both samples
            rng = np.random.RandomState(0)
            X[rng.rand(*X.shape) < missing_fraction] = np.nan
            X_test[rng.rand(*X_test.shape) < missing_fraction] = np.nan
        return {"X": X, "y": y, "X_test": X_test, "y_test": y_test}

    return make_data


def _classification(n_samples, n_features):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(2 * n, n_features, n_informative=10, random_state=0)
        return {"X": X[:n], "y": y[:n], "X_test": X[n:], "y_test": y[n:]}

    return make_data


def _one_hot(n_samples, n_categorical=20, n_levels=100):
    """One-hot encoded categoricals: ``n_categorical`` features of ``n_levels`` levels.

    X is CSC (``n_categorical`` stored ones a row); the class is the sign of
    the effects of the first four categoricals' levels plus noise.
    """

    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        rng = np.random.RandomState(0)
        levels = rng.randint(0, n_levels, (2 * n, n_categorical))
        effect = rng.randn(4, n_levels)
        y = (effect[np.arange(4), levels[:, :4]].sum(axis=1) + rng.randn(2 * n) > 0).astype(int)
        rows = np.repeat(np.arange(2 * n), n_categorical)
        columns = (levels + n_levels * np.arange(n_categorical)).ravel()
        ones = np.ones(rows.shape[0], dtype=np.float32)
        X = sp.csc_matrix((ones, (rows, columns)), shape=(2 * n, n_categorical * n_levels))
        return {"X": X[:n], "y": y[:n], "X_test": X[n:].tocsr(), "y_test": y[n:]}

    return make_data


def _score(model, data):
    return float(model.score(data["X_test"], data["y_test"]))


def one_histogram_tree(max_leaf_nodes):
    """scikit-learn's histogram grower as a single regression tree: one boosting round, no shrinkage."""
    return HistGradientBoostingRegressor(
        max_iter=1,
        learning_rate=1,
        max_leaf_nodes=max_leaf_nodes,
        early_stopping=False,
        min_samples_leaf=1,
        l2_regularization=0,
    )


def _tree_workload(name, estimator, ours, peer, make_data, quality_name, target, needs_cuda=False):
    return Workload(
        name=name,
        estimators=(estimator,),
        make_data=make_data,
        fit_skdl=lambda data, device: ours(device).fit(data["X"], data["y"]),
        fit_peer=lambda data: peer().fit(data["X"], data["y"]),
        quality=_score,
        quality_name=quality_name,
        target=target,
        needs_cuda=needs_cuda,
    )


WORKLOADS = [
    _tree_workload(
        "tree_reg_friedman1_100k_best",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(random_state=0),
        lambda: SklearnTreeRegressor(random_state=0),
        _friedman(100_000, 20),
        "test R2",
        "ratio <= 1.5, R2 within 0.005",
    ),
    _tree_workload(
        "tree_reg_friedman1_100k_hist",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(splitter="hist", random_state=0, device=device),
        lambda: SklearnTreeRegressor(random_state=0),
        _friedman(100_000, 20),
        "test R2",
        "ratio <= 0.5, R2 within 0.01",
    ),
    _tree_workload(
        "tree_reg_friedman1_1m_hist_255_leaves",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(splitter="hist", max_leaf_nodes=255, random_state=0, device=device),
        lambda: one_histogram_tree(255),
        _friedman(1_000_000, 20),
        "test R2",
        "ratio <= 1.0 against HistGradientBoostingRegressor's one tree, R2 within 0.01",
    ),
    _tree_workload(
        "tree_reg_friedman1_1m_hist_gpu",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(splitter="hist", random_state=0, device=device),
        lambda: SklearnTreeRegressor(random_state=0),
        _friedman(1_000_000, 20),
        "test R2",
        "no figure asked (the GPU route); R2 within 0.01",
        needs_cuda=True,
    ),
    _tree_workload(
        "tree_reg_friedman1_50k_absolute_error",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(criterion="absolute_error", random_state=0),
        lambda: SklearnTreeRegressor(criterion="absolute_error", random_state=0),
        _friedman(50_000, 10),
        "test R2",
        "ratio <= 1.5, identical tree",
    ),
    _tree_workload(
        "tree_reg_friedman1_100k_random",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(splitter="random", random_state=0),
        lambda: SklearnTreeRegressor(splitter="random", random_state=0),
        _friedman(100_000, 20),
        "test R2",
        "ratio <= 1.5, identical tree",
    ),
    _tree_workload(
        "tree_reg_friedman1_100k_nan",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(random_state=0),
        lambda: SklearnTreeRegressor(random_state=0),
        _friedman(100_000, 20, missing_fraction=0.1),
        "test R2",
        "ratio <= 1.0, identical tree",
    ),
    _tree_workload(
        "tree_reg_friedman1_100k_poisson",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(criterion="poisson", random_state=0),
        lambda: SklearnTreeRegressor(criterion="poisson", random_state=0),
        _friedman(100_000, 20, non_negative=True),
        "test R2",
        "ratio <= 1.5, identical tree",
    ),
    _tree_workload(
        "tree_reg_friedman1_100k_monotonic",
        "DecisionTreeRegressor",
        lambda device: DecisionTreeRegressor(monotonic_cst=[1] * 5 + [0] * 15, random_state=0),
        lambda: SklearnTreeRegressor(monotonic_cst=[1] * 5 + [0] * 15, random_state=0),
        _friedman(100_000, 20),
        "test R2",
        "ratio <= 1.5, identical tree",
    ),
    _tree_workload(
        "tree_clf_onehot_200k_x_2000_sparse",
        "DecisionTreeClassifier",
        lambda device: DecisionTreeClassifier(random_state=0),
        lambda: SklearnTreeClassifier(random_state=0),
        _one_hot(200_000),
        "test accuracy",
        "ratio <= 1.0, identical tree",
    ),
    _tree_workload(
        "tree_clf_100k_best",
        "DecisionTreeClassifier",
        lambda device: DecisionTreeClassifier(random_state=0),
        lambda: SklearnTreeClassifier(random_state=0),
        _classification(100_000, 20),
        "test accuracy",
        "ratio <= 1.5, accuracy within 0.005",
    ),
]
