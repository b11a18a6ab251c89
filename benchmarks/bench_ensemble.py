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
        fit_skdl=lambda data, device: AdaBoostClassifier(n_estimators=100, random_state=0).fit(data["X"], data["y"]),
        fit_peer=lambda data: SklearnAdaBoostClassifier(n_estimators=100, random_state=0).fit(data["X"], data["y"]),
        quality=_score,
        quality_name="test accuracy",
        target="ratio <= 0.5, accuracy within 0.005",
    ),
    Workload(
        name="adaboost_r2_friedman1_20k",
        estimators=("AdaBoostRegressor",),
        make_data=_friedman(20_000),
        fit_skdl=lambda data, device: AdaBoostRegressor(n_estimators=50, random_state=0).fit(data["X"], data["y"]),
        fit_peer=lambda data: SklearnAdaBoostRegressor(n_estimators=50, random_state=0).fit(data["X"], data["y"]),
        quality=_score,
        quality_name="test R2",
        target="R2 within 0.005",
    ),
    Workload(
        name="adacost_imbalanced_20k",
        estimators=("AdaCostClassifier",),
        make_data=_classification(20_000, 10, n_informative=4, weights=[0.9], flip_y=0.05, class_sep=0.8),
        fit_skdl=lambda data, device: AdaCostClassifier(n_estimators=100, cost_matrix=COSTS, random_state=0).fit(
            data["X"], data["y"]
        ),
        fit_peer=lambda data: SklearnAdaBoostClassifier(n_estimators=100, random_state=0).fit(data["X"], data["y"]),
        quality=_total_cost,
        quality_name="test total cost (3:1)",
        target="total cost below the cost-blind AdaBoost's",
    ),
]


# ---------------------------------------------------------------------------
# Cost table: `python benchmarks/bench_ensemble.py [--n-estimators 50]` prints,
# per set and cost ratio R (missing the rare class costs R, a false alarm 1),
# the mean cost per held-out sample, the rare class's recall and the ROC AUC
# under 5-fold stratified CV, for cost-blind AdaBoost, AdaCost, AdaMEC and an
# AdaBoost whose threshold TunedThresholdClassifierCV picks for the costs.


def _cost_sets():
    from sklearn.datasets import load_breast_cancer, load_digits

    X, y = make_classification(5000, 20, n_informative=8, weights=[0.9, 0.1], flip_y=0.01, random_state=0)
    yield "make_classification 5000 (10% rare)", X, y
    X, digit = load_digits(return_X_y=True)
    yield "digits 0 vs rest", X, (digit == 0).astype(int)
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # malignant is the rare, costly class
    rng = np.random.RandomState(0)
    malignant = rng.choice(np.flatnonzero(y == 1), size=40, replace=False)
    keep = np.sort(np.concatenate([np.flatnonzero(y == 0), malignant]))
    yield "breast cancer, 40 malignant (10%)", X[keep], y[keep]
    from imbalance_table import imbalanced_sets

    # the imbalanced guide's 2% set and breast cancer with 36 malignant kept
    for name, X, y in imbalanced_sets():
        if name.startswith(("make_classification(20000", "breast cancer")):
            yield name, X, y


def cost_table(n_estimators=50, ratios=(2, 5, 10), sets=None):
    """Print the cost table (see the comment above); returns its rows.

    ``sets``: words, one of which a set's name must contain (None: every set).
    """
    from imbalance_table import cost_aware_boosters
    from sklearn.metrics import recall_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    rows = []
    for set_name, X, y in _cost_sets():
        if sets and not any(word in set_name for word in sets):
            continue
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        for ratio in ratios:
            matrix = np.array([[0, 1], [ratio, 0]])
            for model_name, model in cost_aware_boosters(ratio, n_estimators).items():
                cost, recall, auc = [], [], []
                for train, test in folds:
                    fitted = model.fit(X[train], y[train])
                    pred = fitted.predict(X[test])
                    cost.append((confusion_matrix(y[test], pred, labels=[0, 1]) * matrix).sum() / len(test))
                    recall.append(recall_score(y[test], pred))
                    auc.append(roc_auc_score(y[test], fitted.predict_proba(X[test])[:, 1]))
                row = (set_name, ratio, model_name, np.mean(cost), np.mean(recall), np.mean(auc))
                rows.append(row)
                print("%-36s %3d  %-24s cost %.4f  recall %.3f  AUC %.4f" % (set_name[:36], *row[1:]), flush=True)
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-estimators", type=int, default=50)
    parser.add_argument("--sets", nargs="*", help="only the sets whose name contains one of these words")
    args = parser.parse_args()
    cost_table(args.n_estimators, sets=args.sets)
