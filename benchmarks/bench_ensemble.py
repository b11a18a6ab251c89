"""Boosting workloads: skdl's AdaBoost / AdaCost against scikit-learn's AdaBoost.

AdaBoost workloads compare held-out accuracy / R^2. The AdaCost workload
trains with a 3:1 cost of missing the rare class and reports the held-out
total misclassification cost under that matrix (lower is better) for both
AdaCost and scikit-learn's cost-blind AdaBoost of the same size.
"""

import numpy as np
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoostClassifier
from sklearn.ensemble import AdaBoostRegressor as SklearnAdaBoostRegressor
from sklearn.metrics import confusion_matrix

from skdl.ensemble import AdaBoostClassifier, AdaBoostRegressor, AdaCostClassifier

from _workload import Workload

COSTS = np.array([[0, 1], [3, 0]])


def _classification(n_samples, n_features, **kwargs):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_classification(2 * n, n_features, random_state=0, **kwargs)
        return {"X": X[:n], "y": y[:n], "X_test": X[n:], "y_test": y[n:]}

    return make_data


def _friedman(n_samples):
    def make_data(quick):
        n = n_samples // 20 if quick else n_samples
        X, y = make_friedman1(2 * n, 10, noise=1.0, random_state=0)
        return {"X": X[:n], "y": y[:n], "X_test": X[n:], "y_test": y[n:]}

    return make_data


def _score(model, data):
    return float(model.score(data["X_test"], data["y_test"]))


def _total_cost(model, data):
    return float((confusion_matrix(data["y_test"], model.predict(data["X_test"])) * COSTS).sum())


WORKLOADS = [
    Workload(
        name="adaboost_stumps_20k_x20",
        estimators=("AdaBoostClassifier",),
        make_data=_classification(20_000, 20),
        fit_skdl=lambda data, device: AdaBoostClassifier(n_estimators=100, random_state=0).fit(
            data["X"], data["y"]
        ),
        fit_peer=lambda data: SklearnAdaBoostClassifier(n_estimators=100, random_state=0).fit(
            data["X"], data["y"]
        ),
        quality=_score,
        quality_name="test accuracy",
        target="ratio <= 0.5, accuracy within 0.005",
    ),
    Workload(
        name="adaboost_r2_friedman1_20k",
        estimators=("AdaBoostRegressor",),
        make_data=_friedman(20_000),
        fit_skdl=lambda data, device: AdaBoostRegressor(n_estimators=50, random_state=0).fit(
            data["X"], data["y"]
        ),
        fit_peer=lambda data: SklearnAdaBoostRegressor(n_estimators=50, random_state=0).fit(
            data["X"], data["y"]
        ),
        quality=_score,
        quality_name="test R2",
        target="R2 within 0.005",
    ),
    Workload(
        name="adacost_imbalanced_20k",
        estimators=("AdaCostClassifier",),
        make_data=_classification(20_000, 10, n_informative=4, weights=[0.9], flip_y=0.05,
                                  class_sep=0.8),
        fit_skdl=lambda data, device: AdaCostClassifier(
            n_estimators=100, cost_matrix=COSTS, random_state=0
        ).fit(data["X"], data["y"]),
        fit_peer=lambda data: SklearnAdaBoostClassifier(n_estimators=100, random_state=0).fit(
            data["X"], data["y"]
        ),
        quality=_total_cost,
        quality_name="test total cost (3:1)",
        target="total cost below the cost-blind AdaBoost's",
    ),
]
