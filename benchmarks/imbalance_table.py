"""The imbalanced-learning comparison table of the user guide.

``python benchmarks/imbalance_table.py`` scores, with 5-fold stratified CV
(``StratifiedKFold(5, shuffle=True, random_state=0)``), every imbalance
remedy skdl offers on four imbalanced sets: the G-mean
``sqrt(recall * specificity)``, the ROC AUC, and the total cost per held-out
sample when a missed rare sample costs ``--cost`` (5 by default) and a false
alarm 1. Every booster has 50 stumps; the ensembles have 10 learners of 50
stumps, as imbalanced-learn's EasyEnsembleClassifier row (with
scikit-learn's AdaBoost) that the others are read against.
``--json FILE`` also writes the rows.
"""

import argparse
import json

import numpy as np
from imblearn.ensemble import EasyEnsembleClassifier as ImblearnEasyEnsemble
from imblearn.metrics import geometric_mean_score
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost
from sklearn.metrics import confusion_matrix, make_scorer, roc_auc_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

from skdl.ensemble import AdaBoostClassifier, AdaCostClassifier, BalanceCascadeClassifier, EasyEnsembleClassifier
from skdl.over_sampling import SMOTE


def imbalanced_sets():
    """The four sets: (name, X, y) with 1 the rare class."""
    X, y = make_classification(5000, 20, n_informative=8, weights=[0.9, 0.1], flip_y=0.01, random_state=0)
    yield "make_classification(5000, 20, n_informative=8, weights=[0.9, 0.1], flip_y=0.01)", X, y
    X, y = make_classification(
        20000, 20, n_informative=6, weights=[0.98, 0.02], flip_y=0.005, class_sep=0.8, random_state=0
    )
    yield "make_classification(20000, 20, n_informative=6, weights=[0.98, 0.02], flip_y=0.005, class_sep=0.8)", X, y
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # malignant is the rare class
    malignant = np.random.RandomState(0).choice(np.flatnonzero(y == 1), size=36, replace=False)
    keep = np.sort(np.concatenate([np.flatnonzero(y == 0), malignant]))
    yield "breast cancer, 36 of 212 malignant kept", X[keep], y[keep]
    X, digit = load_digits(return_X_y=True)
    yield "digits, 0 versus rest", X, (digit == 0).astype(int)


def cost_aware_boosters(cost, n_estimators=50):
    """Cost-blind AdaBoost and the three ways of telling it a false-negative cost ``cost``."""
    matrix = np.array([[0, 1], [cost, 0]])

    def negative_cost(y, pred):
        return -(confusion_matrix(y, pred, labels=[0, 1]) * matrix).sum()

    boost = dict(n_estimators=n_estimators, random_state=0)
    return {
        "AdaBoost": AdaBoostClassifier(**boost),
        "AdaCost": AdaCostClassifier(cost_matrix=matrix, **boost),
        "AdaMEC": AdaCostClassifier(cost_matrix=matrix, method="adamec", **boost),
        "threshold-tuned AdaBoost": TunedThresholdClassifierCV(
            AdaBoostClassifier(**boost), scoring=make_scorer(negative_cost), cv=3, random_state=0
        ),
    }


def remedies(cost):
    """The models of the table, unfitted, for a false-negative cost ``cost``."""
    boost = dict(n_estimators=50, random_state=0)
    return {
        **cost_aware_boosters(cost),
        "SMOTE + AdaBoost": make_pipeline(SMOTE(random_state=0), AdaBoostClassifier(**boost)),
        "EasyEnsemble": EasyEnsembleClassifier(10, random_state=0),
        "BalanceCascade": BalanceCascadeClassifier(10, n_boost=50, random_state=0),
        "imbalanced-learn EasyEnsemble": ImblearnEasyEnsemble(
            10, estimator=SklearnAdaBoost(n_estimators=50), random_state=0
        ),
    }


def comparison_table(cost=5):
    """Print and return the rows (set, model, G-mean, ROC AUC, cost per sample)."""
    rows = []
    matrix = np.array([[0, 1], [cost, 0]])
    for set_name, X, y in imbalanced_sets():
        folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        for model_name, model in remedies(cost).items():
            gmean, auc, total = [], [], []
            for train, test in folds:
                fitted = model.fit(X[train], y[train])
                pred = fitted.predict(X[test])
                gmean.append(geometric_mean_score(y[test], pred))
                auc.append(roc_auc_score(y[test], fitted.predict_proba(X[test])[:, 1]))
                total.append((confusion_matrix(y[test], pred, labels=[0, 1]) * matrix).sum() / len(test))
            row = dict(set=set_name, model=model_name, g_mean=np.mean(gmean), roc_auc=np.mean(auc), cost=np.mean(total))
            rows.append(row)
            print(
                f"{set_name[:40]:40s} {model_name:30s} G-mean {row['g_mean']:.4f}  "
                f"AUC {row['roc_auc']:.4f}  cost {row['cost']:.4f}",
                flush=True,
            )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cost", type=float, default=5, help="cost of a missed rare sample (a false alarm costs 1)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args()
    table = comparison_table(args.cost)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(table, handle, indent=1)
