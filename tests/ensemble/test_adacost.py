"""AdaCostClassifier against the paper's update rules, AdaBoost, and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_breast_cancer, load_iris, make_classification
from sklearn.metrics import confusion_matrix, recall_score
from sklearn.model_selection import train_test_split

from skdl.ensemble import AdaBoostClassifier, AdaCostClassifier


class _Fixed(ClassifierMixin, BaseEstimator):
    """Predicts a fixed label per sample index (X[:, 0] holds the index)."""

    def __init__(self, predictions=None):
        self.predictions = predictions

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.seen_weight_ = np.asarray(sample_weight)
        return self

    def predict(self, X):
        return np.asarray(self.predictions)[X[:, 0].astype(int)]


def test_one_round_by_hand():
    # 10 samples, class 1 costs 3, class 0 costs 1: c = (cost - 1) / 3.
    X = np.arange(10, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    h = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 0])  # one mistake per class
    clf = AdaCostClassifier(_Fixed(h), n_estimators=2, cost_matrix=[[0, 1], [3, 0]]).fit(X, y)
    cost = np.array([1, 1, 1, 1, 1, 1, 1, 1, 3, 3], dtype=float)
    c = (cost - 1) / 3
    D = cost / cost.sum()
    assert_allclose(clf.estimators_[0].seen_weight_, D)
    correct = h == y
    yh = np.where(correct, 1.0, -1.0)
    beta = np.where(correct, -0.5 * c + 0.5, 0.5 * c + 0.5)
    r = np.sum(D * yh * beta)
    alpha = 0.5 * np.log((1 + r) / (1 - r))
    assert clf.estimator_weights_[0] == pytest.approx(alpha)
    D2 = D * np.exp(-alpha * yh * beta)
    assert_allclose(clf.estimators_[1].seen_weight_, D2 / D2.sum())
    assert_allclose(clf.cost_factors_, [0.0, 2 / 3])
    # the costly mistake gained more weight than the cheap one
    assert D2[9] / D[9] > D2[7] / D[7]
    # and the costly correct sample lost less weight than a cheap correct one
    assert D2[8] / D[8] > D2[0] / D[0]


def test_equal_costs_is_halved_adaboost():
    # c = 0 for every sample: beta = 1/2, r = (1 - 2 err) / 2.
    X, y = make_classification(300, 5, random_state=0)
    clf = AdaCostClassifier(n_estimators=1, random_state=0).fit(X, y)
    err = np.mean(clf.estimators_[0].predict(X) != y)
    r = 0.5 * (1 - 2 * err)
    assert clf.estimator_weights_[0] == pytest.approx(0.5 * np.log((1 + r) / (1 - r)))


def _imbalanced():
    X, y = make_classification(3000, 10, n_informative=4, weights=[0.9], flip_y=0.05,
                               class_sep=0.8, random_state=0)
    return train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)


def _total_cost(y, pred, matrix):
    return int((confusion_matrix(y, pred) * np.asarray(matrix)).sum())


def test_costs_raise_recall_and_lower_total_cost():
    X_train, X_test, y_train, y_test = _imbalanced()
    matrix = [[0, 1], [5, 0]]  # missing the rare class costs 5
    plain = AdaBoostClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    cheap = AdaCostClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    costly = AdaCostClassifier(n_estimators=50, cost_matrix=matrix, random_state=0).fit(
        X_train, y_train
    )
    recall = {name: recall_score(y_test, m.predict(X_test))
              for name, m in [("plain", plain), ("cheap", cheap), ("costly", costly)]}
    assert recall["costly"] > recall["cheap"]
    assert recall["costly"] > recall["plain"]
    assert _total_cost(y_test, costly.predict(X_test), matrix) < _total_cost(
        y_test, plain.predict(X_test), matrix
    )


def test_matrix_and_dict_are_the_same_costs():
    X, y = load_breast_cancer(return_X_y=True)
    a = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1], [2, 0]], random_state=0).fit(X, y)
    b = AdaCostClassifier(n_estimators=10, cost_matrix={0: 1, 1: 2}, random_state=0).fit(X, y)
    assert_allclose(a.estimator_weights_, b.estimator_weights_)
    assert_array_equal(a.class_costs_, [1, 2])


def test_staged_and_proba():
    X, y = load_breast_cancer(return_X_y=True)
    clf = AdaCostClassifier(n_estimators=10, cost_matrix={0: 1, 1: 2}, random_state=0).fit(X, y)
    assert_array_equal(list(clf.staged_predict(X))[-1], clf.predict(X))
    proba = clf.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert np.all(np.abs(clf.decision_function(X)) <= 1.0)
    assert clf.feature_importances_.shape == (30,)


@pytest.mark.parametrize(
    "cost_matrix, message",
    [
        ([[0, 1, 1], [1, 0, 1]], r"shape \(n_classes, n_classes\) = \(2, 2\)"),
        ([[0, -1], [1, 0]], "negative"),
        ([[1, 1], [1, 0]], "zero diagonal"),
        ([[0, np.nan], [1, 0]], "NaN"),
        ({0: 1}, "missing"),
        ({0: 1, 1: -2}, ">= 0"),
        ([[0, 0], [0, 0]], "positive"),
    ],
)
def test_bad_cost_matrix(cost_matrix, message):
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(ValueError, match=message):
        AdaCostClassifier(cost_matrix=cost_matrix).fit(X, y)


def test_bad_input():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        AdaCostClassifier().fit(X, y)
    X, y = make_classification(50, 4, random_state=0)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AdaCostClassifier().fit(X, y)
