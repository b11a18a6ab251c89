"""AdaCostClassifier against the paper's update rules, AdaBoost, and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.metrics import confusion_matrix, recall_score
from sklearn.model_selection import train_test_split

from skdl.ensemble import AdaBoostClassifier, AdaCostClassifier
from skdl.tree import DecisionTreeClassifier


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


_RATIOS = [1, 2, 3, 5, 7, 10, 20, 50]


def test_any_cost_ratio_fits_and_costs_matter():
    # Large ratios used to fail (first stump with r <= 0); now the first
    # learner is kept alone. From a 3:1 ratio on, recall of the rare class is
    # above cost-blind AdaBoost's and the total cost below it (at 1:1 and 2:1
    # AdaCost's halved steps do a little worse than AdaBoost on this noisy set).
    X_train, X_test, y_train, y_test = _imbalanced()
    plain = AdaBoostClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    plain_pred = plain.predict(X_test)
    recall = {}
    for ratio in _RATIOS:
        matrix = [[0, 1], [ratio, 0]]
        clf = AdaCostClassifier(n_estimators=50, cost_matrix=matrix, random_state=0)
        pred = clf.fit(X_train, y_train).predict(X_test)
        recall[ratio] = recall_score(y_test, pred)
        if ratio >= 3:
            assert recall[ratio] > recall_score(y_test, plain_pred)
            assert _total_cost(y_test, pred, matrix) < _total_cost(y_test, plain_pred, matrix)
    assert all(recall[ratio] > max(recall[1], recall[2]) for ratio in _RATIOS[2:])
    assert recall[50] >= recall[5] >= recall[1]


def test_first_learner_with_r_not_positive_is_kept_alone():
    # Class 1 costs 9 (c = 8/9): the learner must have err_D < sum D beta_plus.
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = np.array([0] * 16 + [1] * 4)
    h = np.array([0] * 12 + [1] * 4 + [1, 1, 0, 0])  # 4 cheap and 2 costly mistakes
    clf = AdaCostClassifier(_Fixed(h), n_estimators=5, cost_matrix={0: 1, 1: 9}).fit(X, y)
    D = np.where(y == 1, 9.0, 1.0)
    D /= D.sum()
    c = np.where(y == 1, 8 / 9, 0.0)
    u = np.where(h == y, -0.5 * c + 0.5, -(0.5 * c + 0.5))
    assert np.sum(D * u) <= 0  # the paper's acceptance test fails
    assert len(clf.estimators_) == 1
    assert_allclose(clf.estimator_weights_, [1, 0, 0, 0, 0])
    assert_array_equal(clf.predict(X), h)


class _GoodThenWrong(_Fixed):
    """``predictions`` on the uniform first distribution, ``wrong`` after it."""

    def __init__(self, predictions=None, wrong=None):
        self.predictions = predictions
        self.wrong = wrong

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        self.first_ = np.allclose(sample_weight, sample_weight[0])
        return self

    def predict(self, X):
        labels = self.predictions if self.first_ else self.wrong
        return np.asarray(labels)[X[:, 0].astype(int)]


def test_boosting_stops_at_a_learner_no_better_than_chance():
    # Round 2's learner gets every label wrong: r < 0, it is dropped and the
    # first learner stays, as in AdaBoost.
    X = np.arange(10, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    h = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    clf = AdaCostClassifier(_GoodThenWrong(h, 1 - y), n_estimators=5).fit(X, y)
    assert len(clf.estimators_) == 1 and clf.estimator_weights_[0] > 0
    assert_array_equal(clf.estimator_weights_[1:], 0)
    assert_array_equal(clf.predict(X), h)


def test_multiclass_one_round_by_hand():
    X = np.arange(9, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    h = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0])  # mistakes 0->1, 1->2, 2->0
    matrix = np.array([[0, 1, 4], [2, 0, 1], [1, 1, 0]], dtype=float)
    clf = AdaCostClassifier(_Fixed(h), n_estimators=2, cost_matrix=matrix).fit(X, y)
    factor = (matrix - 1) / 4  # off-diagonal min 1, max 4
    at_stake = factor.max(axis=1)[y]
    D = matrix.max(axis=1)[y] / matrix.max(axis=1)[y].sum()
    assert_allclose(clf.estimators_[0].seen_weight_, D)
    u = np.where(h == y, -0.5 * at_stake + 0.5, -(0.5 * factor[y, h] + 0.5))
    r = np.sum(D * u)
    eps = (1 - r) / 2
    alpha = 0.5 * (np.log((1 - eps) / eps) + np.log(2))
    assert clf.estimator_weights_[0] == pytest.approx(alpha)
    D2 = D * np.exp(-alpha * u)
    assert_allclose(clf.estimators_[1].seen_weight_, D2 / D2.sum())
    assert_allclose(clf.class_costs_, [4, 2, 1])
    assert_allclose(clf.cost_factors_, [0.75, 0.25, 0.0])


@pytest.mark.parametrize(
    "loader, depth", [(load_iris, 1), (load_wine, 1), (load_digits, 2)]
)
def test_raising_a_class_cost_raises_its_recall(loader, depth):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, random_state=0, stratify=y
    )
    K = np.unique(y).shape[0]
    params = dict(estimator=DecisionTreeClassifier(max_depth=depth), n_estimators=30,
                  random_state=0)
    base = AdaCostClassifier(**params).fit(X_train, y_train)
    base_recall = recall_score(y_test, base.predict(X_test), average=None)
    raised = 0
    for k in range(min(K, 4)):
        matrix = 1.0 - np.eye(K)
        matrix[k] *= 10.0
        clf = AdaCostClassifier(cost_matrix=matrix, **params).fit(X_train, y_train)
        recall = recall_score(y_test, clf.predict(X_test), average=None)
        assert recall[k] >= base_recall[k]
        raised += recall[k] > base_recall[k]
    assert raised >= 1


def test_multiclass_outputs_and_dict_costs():
    X, y = load_wine(return_X_y=True)
    a = AdaCostClassifier(n_estimators=10, cost_matrix={0: 1, 1: 3, 2: 1}, random_state=0)
    b = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1, 1], [3, 0, 3], [1, 1, 0]],
                          random_state=0)
    a.fit(X, y)
    assert_allclose(a.estimator_weights_, b.fit(X, y).estimator_weights_)
    decision = a.decision_function(X)
    assert decision.shape == (178, 3)
    assert_array_equal(a.classes_[decision.argmax(axis=1)], a.predict(X))
    proba = a.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(proba.argmax(axis=1), decision.argmax(axis=1))
    assert_array_equal(list(a.staged_predict(X))[-1], a.predict(X))


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
    with pytest.raises(ValueError, match="Unknown label type"):
        AdaCostClassifier().fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"shape \(n_classes, n_classes\) = \(3, 3\)"):
        AdaCostClassifier(cost_matrix=[[0, 1], [1, 0]]).fit(X, y)
    X, y = make_classification(50, 4, random_state=0)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AdaCostClassifier().fit(X, y)
