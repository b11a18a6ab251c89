"""AdaCostClassifier: rounds by hand, AdaBoost at equal costs, AdaMEC, and bad input."""

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
from sklearn.metrics import confusion_matrix, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

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


class _ByRound(_Fixed):
    """``first`` on the distribution ``first_weight``, ``later`` on any other."""

    def __init__(self, first=None, later=None, first_weight=None):
        self.first = first
        self.later = later
        self.first_weight = first_weight

    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        self.predictions = self.first if np.allclose(sample_weight, self.first_weight) else self.later
        return self


def test_two_rounds_by_hand():
    # 20 samples, 18 of class 0 and 2 of class 1; missing class 1 costs 4, a false alarm 1.
    # Margin scales b = (1, (1/4) ** 1/2) = (1, 1/2); D_1 * b carries the cost: D_1 ∝ (1, 8).
    X = np.arange(20, dtype=float).reshape(-1, 1)
    y = np.array([0] * 18 + [1, 1])
    h1 = y.copy()
    h1[[0, 1]] = 1  # wrong on two cheap samples
    h2 = y.copy()
    h2[19] = 0  # wrong on one costly sample
    D1 = np.array([1] * 18 + [8, 8]) / 34
    seen1 = np.array([1] * 18 + [4, 4]) / 26  # D_1 * b, normalised
    clf = AdaCostClassifier(_ByRound(h1, h2, seen1), n_estimators=2, cost_matrix=[[0, 1], [4, 0]], cost_power=1).fit(
        X, y
    )
    assert_allclose(clf.margin_scales_, [1, 0.5])
    assert_allclose(clf.cost_factors_, [1 / 8, 1])
    assert_allclose(clf.estimators_[0].seen_weight_, seen1)
    assert clf.estimator_errors_[0] == pytest.approx(2 / 26)
    # Round 1 minimises Z(a) = sum_i D_1(i) exp(-a b_i u_i), u = +2 right, -2 wrong (K = 2):
    # with x = e^a, 34 Z = 16 x^-2 + 2 x^2 + 16 x^-1, and Z' = 0 at x^4 - 4 x - 8 = 0: x = 2.
    a1 = np.log(2)
    v1 = np.where(y == 1, 0.5, 1) * np.where(h1 == y, 2, -2)
    assert np.sum(D1 * v1 * np.exp(-a1 * v1)) == pytest.approx(0, abs=1e-15)
    # the member's weight is a K^2 / (K - 1)^2 = 4 a, SAMME's alpha when b = 1
    assert clf.estimator_weights_[0] == pytest.approx(4 * a1)
    # D_2 ∝ D_1 exp(-a1 b u): right cheap x 1/4, wrong cheap x 4, right costly x 1/2
    D2 = np.array([4, 4] + [1 / 4] * 16 + [4, 4]) / 20
    seen2 = D2 * np.where(y == 1, 0.5, 1)
    assert_allclose(clf.estimators_[1].seen_weight_, seen2 / seen2.sum())
    assert clf.estimator_errors_[1] == pytest.approx(2 / 16)
    # 20 Z = 12 x^-2 + 4 x^-1 + 4 x, and Z' = 0 at x^3 - x - 6 = 0: x = 2 again
    assert clf.estimator_weights_[1] == pytest.approx(4 * np.log(2))
    # prediction: sign(alpha1 h1 + alpha2 h2) with h in {-1, +1}
    alpha1, alpha2 = clf.estimator_weights_
    margin = alpha1 * np.where(h1 == 1, 1, -1) + alpha2 * np.where(h2 == 1, 1, -1)
    assert_array_equal(clf.predict(X), (margin > 0).astype(int))
    assert_allclose(clf.decision_function(X), 2 * margin / (alpha1 + alpha2))


def test_multiclass_two_rounds_by_hand():
    # A confusion costs cost(y, h) / max_j cost(y, j) of a full mistake; costlier
    # classes get smaller margin scales b_k = (min_j C_j / C_k) ** 1/2.
    X = np.arange(9, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    h1 = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0])  # mistakes 0->1, 1->2, 2->0
    h2 = np.array([2, 0, 0, 1, 1, 1, 2, 2, 2])  # mistake 0->2
    matrix = np.array([[0, 1, 4], [1, 0, 1], [1, 1, 0]], dtype=float)
    b = np.repeat([0.5, 1, 1], 3)
    D1 = np.repeat([8, 1, 1], 3) / 30  # C_k / b_k
    seen1 = D1 * b / np.sum(D1 * b)
    clf = AdaCostClassifier(_ByRound(h1, h2, seen1), n_estimators=2, cost_matrix=matrix, cost_power=1).fit(X, y)
    assert_allclose(clf.margin_scales_, [0.5, 1, 1])
    assert_allclose(clf.estimators_[0].seen_weight_, seen1)
    s1 = np.array([0, 0, 1 / 4, 0, 0, 1, 0, 0, 1])
    assert clf.estimator_errors_[0] == pytest.approx(np.sum(seen1 * s1))
    # u = K / (K - 1) = 3/2 when right, -s K / (K - 1)^2 = -3 s / 4 when wrong
    u1 = np.where(h1 == y, 1.5, -0.75 * s1)
    a1 = clf.estimator_weights_[0] * 4 / 9  # weight = a K^2 / (K - 1)^2
    # the exact step: the derivative of sum_i D_1(i) exp(-a b_i u_i) vanishes
    assert np.sum(D1 * b * u1 * np.exp(-a1 * b * u1)) == pytest.approx(0, abs=1e-12)
    D2 = D1 * np.exp(-a1 * b * u1)
    seen2 = D2 * b / np.sum(D2 * b)
    assert_allclose(clf.estimators_[1].seen_weight_, seen2)
    assert clf.estimator_errors_[1] == pytest.approx(seen2[0])  # 0 -> 2 is the costliest mistake of class 0
    u2 = np.where(h2 == y, 1.5, -0.75)
    a2 = clf.estimator_weights_[1] * 4 / 9
    assert np.sum(D2 * b * u2 * np.exp(-a2 * b * u2)) == pytest.approx(0, abs=1e-12)
    assert_allclose(clf.class_costs_, [4, 1, 1])
    assert_allclose(clf.cost_factors_, [1, 1 / 8, 1 / 8])


def test_equal_class_costs_with_cheap_confusions_are_samme_rounds():
    # every class has the same largest cost: one margin scale, SAMME's closed-form step
    X = np.arange(9, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    h1 = np.array([0, 0, 1, 1, 1, 2, 2, 2, 0])
    matrix = np.array([[0, 1, 2], [2, 0, 1], [2, 2, 0]], dtype=float)
    clf = AdaCostClassifier(_Fixed(h1), n_estimators=1, cost_matrix=matrix, cost_power=1).fit(X, y)
    assert_allclose(clf.margin_scales_, [1, 1, 1])
    err = np.sum(np.array([0, 0, 1 / 2, 0, 0, 1 / 2, 0, 0, 1]) / 9)
    assert clf.estimator_weights_[0] == pytest.approx(np.log((1 - err) / err) + np.log(2))


@pytest.mark.parametrize("loader", [load_breast_cancer, load_wine, load_digits])
@pytest.mark.parametrize("cost", [None, 1.0, 7.0])
def test_uniform_costs_are_adaboost(loader, cost):
    X, y = loader(return_X_y=True)
    K = np.unique(y).shape[0]
    matrix = None if cost is None else cost * (1.0 - np.eye(K))
    ada = AdaBoostClassifier(n_estimators=15, random_state=0).fit(X, y)
    clf = AdaCostClassifier(n_estimators=15, cost_matrix=matrix, random_state=0).fit(X, y)
    assert_array_equal(clf.estimator_weights_, ada.estimator_weights_)
    assert_array_equal(clf.estimator_errors_, ada.estimator_errors_)
    for ours, theirs in zip(clf.estimators_, ada.estimators_):
        assert_array_equal(ours.tree_.feature, theirs.tree_.feature)
        assert_array_equal(ours.tree_.threshold, theirs.tree_.threshold)
    assert_array_equal(clf.predict(X), ada.predict(X))
    assert_array_equal(clf.decision_function(X), ada.decision_function(X))
    assert_array_equal(clf.predict_proba(X), ada.predict_proba(X))
    assert_array_equal(clf.predict_log_proba(X), ada.predict_log_proba(X))
    for ours, theirs in zip(clf.staged_predict(X), ada.staged_predict(X)):
        assert_array_equal(ours, theirs)


def _imbalanced():
    X, y = make_classification(3000, 10, n_informative=4, weights=[0.9], flip_y=0.05, class_sep=0.8, random_state=0)
    return train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)


def _total_cost(y, pred, matrix):
    return int((confusion_matrix(y, pred) * np.asarray(matrix)).sum())


_RATIOS = [2, 3, 5, 10, 20, 50]


@pytest.mark.parametrize("method", ["adacost", "adamec"])
def test_costs_raise_recall_keep_the_ranking_and_lower_the_cost(method):
    X_train, X_test, y_train, y_test = _imbalanced()
    plain = AdaBoostClassifier(n_estimators=50, random_state=0).fit(X_train, y_train)
    plain_pred = plain.predict(X_test)
    plain_auc = roc_auc_score(y_test, plain.decision_function(X_test))
    recall = {}
    for ratio in _RATIOS:
        matrix = [[0, 1], [ratio, 0]]
        clf = AdaCostClassifier(n_estimators=50, cost_matrix=matrix, method=method, cost_power=1, random_state=0).fit(
            X_train, y_train
        )
        pred = clf.predict(X_test)
        recall[ratio] = recall_score(y_test, pred)
        assert recall[ratio] > recall_score(y_test, plain_pred)
        assert _total_cost(y_test, pred, matrix) < _total_cost(y_test, plain_pred, matrix)
        assert roc_auc_score(y_test, clf.decision_function(X_test)) > plain_auc - 0.01
        # boosting never stalls at the first learner
        assert len(clf.estimators_) == 50
    assert recall[50] >= recall[5] >= recall[2]


@pytest.mark.parametrize("cost_power", [1, "cv"])
@pytest.mark.parametrize("ratio", [1e-3, 0.1, 10, 1e3, 1e6])
def test_no_cost_ratio_stalls_boosting(ratio, cost_power):
    X, y = load_breast_cancer(return_X_y=True)
    clf = AdaCostClassifier(
        n_estimators=10, cost_matrix=[[0, 1], [ratio, 0]], cost_power=cost_power, random_state=0
    ).fit(X, y)
    assert len(clf.estimators_) == 10
    assert np.all(clf.estimator_weights_ > 0)


def test_first_learner_no_better_than_chance_is_kept_alone():
    # Equal weights and a learner wrong on half of them: AdaBoost fails, AdaCost keeps it.
    X = np.arange(8, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    h = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    with pytest.raises(ValueError, match="no better than chance"):
        AdaBoostClassifier(_Fixed(h), n_estimators=5).fit(X, y)
    clf = AdaCostClassifier(_Fixed(h), n_estimators=5).fit(X, y)
    assert len(clf.estimators_) == 1
    assert_allclose(clf.estimator_weights_, [1, 0, 0, 0, 0])
    assert_array_equal(clf.predict(X), h)


def test_a_class_whose_mistakes_cost_nothing_is_never_predicted_wrongly_costly():
    # Missing class 0 costs nothing: predicting class 1 everywhere costs 0.
    X, y = make_classification(200, 4, random_state=0)
    clf = AdaCostClassifier(n_estimators=5, cost_matrix=[[0, 0], [1, 0]]).fit(X, y)
    assert _total_cost(y, clf.predict(X), [[0, 0], [1, 0]]) == 0


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
    # Round 2's learner gets every label wrong: it is dropped and the first
    # learner stays, as in AdaBoost.
    X = np.arange(10, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    h = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    clf = AdaCostClassifier(_GoodThenWrong(h, 1 - y), n_estimators=5).fit(X, y)
    assert len(clf.estimators_) == 1 and clf.estimator_weights_[0] > 0
    assert_array_equal(clf.estimator_weights_[1:], 0)
    assert_array_equal(clf.predict(X), h)


def test_cost_power_zero_is_adaboost_and_a_half_power_trains_on_the_square_root_of_the_costs():
    X, y = load_breast_cancer(return_X_y=True)
    ada = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    blind = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1], [9, 0]], cost_power=0, random_state=0).fit(X, y)
    assert_array_equal(blind.estimator_weights_, ada.estimator_weights_)
    assert_array_equal(blind.decision_function(X), ada.decision_function(X))
    assert_array_equal(blind.cost_matrix_, [[0, 1], [9, 0]])  # the costs it is judged by stay
    half = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1], [9, 0]], cost_power=0.5, random_state=0).fit(X, y)
    three = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1], [3, 0]], cost_power=1, random_state=0).fit(X, y)
    assert_allclose(half.class_costs_, [1, 3])
    assert_allclose(half.estimator_weights_, three.estimator_weights_)


def test_cost_power_cv_takes_the_smallest_power_within_one_standard_error_of_the_least_cost():
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # malignant, the costly class
    matrix = np.array([[0, 1], [5, 0]])
    clf = AdaCostClassifier(n_estimators=10, cost_matrix=matrix, random_state=0).fit(X, y)
    folds = StratifiedKFold(3, shuffle=True, random_state=np.random.RandomState(0).randint(np.iinfo(np.int32).max))
    held_out = np.zeros((3, len(y)))
    for k, power in enumerate((0, 0.5, 1)):
        for train, test in folds.split(X, y):
            fitted = AdaCostClassifier(n_estimators=10, cost_matrix=matrix, cost_power=power, random_state=0)
            held_out[k, test] = matrix[y[test], fitted.fit(X[train], y[train]).predict(X[test])]
    assert_allclose(clf.cv_costs_, held_out.mean(axis=1))
    assert_allclose(clf.cv_standard_errors_, held_out.std(axis=1) / np.sqrt(len(y)))
    best = np.argmin(clf.cv_costs_)
    within = np.flatnonzero(clf.cv_costs_ <= clf.cv_costs_[best] + clf.cv_standard_errors_[best] + 1e-12)
    assert clf.cost_power_ == (0, 0.5, 1)[within[0]]
    refit = AdaCostClassifier(n_estimators=10, cost_matrix=matrix, cost_power=clf.cost_power_, random_state=0)
    assert_array_equal(refit.fit(X, y).estimator_weights_, clf.estimator_weights_)
    # no cross-validation where it cannot change the ensemble or has too few samples of a class
    assert AdaCostClassifier(n_estimators=3, cost_matrix=[[0, 4], [4, 0]]).fit(X, y).cv_costs_ is None
    few = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:2]]
    clf = AdaCostClassifier(n_estimators=3, cost_matrix=matrix).fit(X[few], y[few])
    assert clf.cv_costs_ is None and clf.cost_power_ == 1


def test_cost_power_cv_breaks_ties_towards_the_cost_blind_ensemble():
    # well separated classes: every power makes the same held-out mistakes, and the cost-blind one is kept
    X, y = make_classification(
        300, 4, n_informative=2, n_redundant=0, weights=[0.8], class_sep=5, flip_y=0, random_state=0
    )
    clf = AdaCostClassifier(n_estimators=5, cost_matrix=[[0, 1], [10, 0]], random_state=0).fit(X, y)
    assert_allclose(clf.cv_costs_, clf.cv_costs_[0], rtol=1e-12)
    assert clf.cost_power_ == 0


def test_adamec_is_calibrated_adaboost_with_the_threshold_at_the_cost_ratio():
    X_train, X_test, y_train, y_test = _imbalanced()
    matrix = [[0, 1], [4, 0]]
    ada = AdaBoostClassifier(n_estimators=20, random_state=0).fit(X_train, y_train)
    mec = AdaCostClassifier(n_estimators=20, cost_matrix=matrix, method="adamec", random_state=0).fit(X_train, y_train)
    # the members are the cost-blind AdaBoost's
    assert_array_equal(mec.estimator_weights_, ada.estimator_weights_)
    assert_array_equal(mec.decision_function(X_test), ada.decision_function(X_test))
    proba = mec.predict_proba(X_test)
    assert_allclose(proba, mec.calibrator_.predict_proba(ada.decision_function(X_test)[:, None]))
    # predict class 1 when its expected cost is lower: p1 > C_FP / (C_FP + C_FN) = 1 / 5
    assert_array_equal(mec.predict(X_test), (proba[:, 1] > 1 / 5).astype(int))
    assert_allclose(mec.predict_log_proba(X_test), np.log(proba))
    assert_array_equal(list(mec.staged_predict(X_test))[-1], mec.predict(X_test))
    assert_allclose(list(mec.staged_predict_proba(X_test))[-1], proba)
    # calibrated: the mean probability is close to the rate of positives
    assert proba[:, 1].mean() == pytest.approx(y_test.mean(), abs=0.02)


def test_adamec_multiclass_predicts_the_least_expected_cost():
    X, y = load_wine(return_X_y=True)
    matrix = np.array([[0, 1, 1], [5, 0, 5], [1, 1, 0]])
    mec = AdaCostClassifier(n_estimators=10, cost_matrix=matrix, method="adamec", random_state=0).fit(X, y)
    proba = mec.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(mec.predict(X), np.argmin(proba @ matrix, axis=1))


@pytest.mark.parametrize("loader, depth, n_estimators", [(load_iris, 1, 10), (load_wine, 1, 30), (load_digits, 2, 30)])
def test_raising_a_class_cost_raises_its_recall(loader, depth, n_estimators):
    # (on iris, 30 stumps reach the same held-out recall whatever the costs)
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)
    K = np.unique(y).shape[0]
    params = dict(
        estimator=DecisionTreeClassifier(max_depth=depth), n_estimators=n_estimators, cost_power=1, random_state=0
    )
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
    b = AdaCostClassifier(n_estimators=10, cost_matrix=[[0, 1, 1], [3, 0, 3], [1, 1, 0]], random_state=0)
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
    assert_array_equal(a.cost_matrix_, b.cost_matrix_)
    assert a.cost_power_ == b.cost_power_
    given = AdaCostClassifier(n_estimators=10, cost_matrix={0: 1, 1: 2}, cost_power=1, random_state=0).fit(X, y)
    assert_array_equal(given.class_costs_, [1, 2])


def test_staged_and_proba():
    X, y = load_breast_cancer(return_X_y=True)
    clf = AdaCostClassifier(n_estimators=10, cost_matrix={0: 1, 1: 2}, random_state=0).fit(X, y)
    assert_array_equal(list(clf.staged_predict(X))[-1], clf.predict(X))
    proba = clf.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    assert np.all(np.abs(clf.decision_function(X)) <= 2.0)
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
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
        ({0: 1, 1: np.inf}, "cost_matrix as a dict"),
        (np.zeros((2, 2, 1)), "cost_matrix must have shape"),
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
    with pytest.raises(ValueError, match="method"):
        AdaCostClassifier(method="adac2").fit(X, y)


def test_a_failed_fit_leaves_the_fitted_model_unchanged():
    X, y = make_classification(100, 4, random_state=0)
    clf = AdaCostClassifier(n_estimators=5, cost_matrix=[[0, 1], [2, 0]], random_state=0)
    before = clf.fit(X, y).predict_proba(X)
    weights = clf.estimator_weights_.copy()
    with pytest.raises(ValueError, match="negative"):
        clf.set_params(cost_matrix=[[0, -1], [2, 0]]).fit(X[:, :3], y)
    assert clf.n_features_in_ == 4
    assert_array_equal(clf.estimator_weights_, weights)
    assert_array_equal(clf.cost_matrix_, [[0, 1], [2, 0]])
    assert_array_equal(clf.predict_proba(X), before)
