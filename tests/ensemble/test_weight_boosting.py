"""AdaBoostClassifier (SAMME) and AdaBoostRegressor (R2) against scikit-learn's, and bad input."""

import pickle

import numpy as np
import pytest
import scipy.sparse
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from skdl.ensemble import AdaBoostClassifier, AdaBoostRegressor
from skdl.tree import DecisionTreeClassifier


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("loader", [load_breast_cancer, load_iris, load_wine])
@pytest.mark.parametrize("learning_rate", [1.0, 0.5])
def test_classifier_same_as_sklearn_on_real_data(loader, learning_rate):
    X_train, X_test, y_train, y_test = _split(loader)
    kwargs = {"n_estimators": 30, "learning_rate": learning_rate, "random_state": 0}
    ours = AdaBoostClassifier(**kwargs).fit(X_train, y_train)
    ref = sk_ensemble.AdaBoostClassifier(**kwargs).fit(X_train, y_train)
    assert len(ours.estimators_) == len(ref.estimators_)
    assert_allclose(ours.estimator_weights_, ref.estimator_weights_, rtol=1e-9)
    assert_allclose(ours.estimator_errors_, ref.estimator_errors_, rtol=1e-9)
    assert_allclose(ours.decision_function(X_test), ref.decision_function(X_test), atol=1e-10)
    assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-10)
    assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)
    for a, b in zip(ours.staged_score(X_test, y_test), ref.staged_score(X_test, y_test)):
        assert a == pytest.approx(b)


def test_staged_methods_end_at_the_final_model():
    X, y = make_classification(400, 8, n_classes=3, n_informative=4, random_state=0)
    clf = AdaBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    staged = list(clf.staged_predict(X))
    assert len(staged) == len(clf.estimators_)
    assert_array_equal(staged[-1], clf.predict(X))
    assert_allclose(list(clf.staged_predict_proba(X))[-1], clf.predict_proba(X))
    assert_allclose(list(clf.staged_decision_function(X))[-1], clf.decision_function(X))
    assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_samme_weight_formula_by_hand():
    # One round with K = 3: alpha = log((1 - err) / err) + log(2).
    X, y = make_classification(300, 6, n_classes=3, n_informative=4, random_state=1)
    clf = AdaBoostClassifier(n_estimators=1, random_state=0).fit(X, y)
    err = np.mean(clf.estimators_[0].predict(X) != y)
    assert clf.estimator_errors_[0] == pytest.approx(err)
    assert clf.estimator_weights_[0] == pytest.approx(np.log((1 - err) / err) + np.log(2))


def test_perfect_learner_stops_boosting():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    clf = AdaBoostClassifier(n_estimators=10).fit(X, y)
    assert len(clf.estimators_) == 1
    assert clf.estimator_weights_[0] == 1.0 and clf.estimator_errors_[0] == 0.0
    assert_array_equal(clf.predict(X), y)


class _Constant(ClassifierMixin, BaseEstimator):
    """Always predicts the first class it saw: no better than chance on balanced data."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_learner_no_better_than_chance_raises():
    X, y = make_classification(100, 4, random_state=0)
    with pytest.raises(ValueError, match="no better than chance"):
        AdaBoostClassifier(_Constant()).fit(X, y)
    # scikit-learn's words, which its tests match
    with pytest.raises(ValueError, match="worse than random, ensemble can not be fit"):
        AdaBoostClassifier(_Constant()).fit(X, y)


@pytest.mark.parametrize("container", [scipy.sparse.csr_matrix, scipy.sparse.csc_array])
def test_sparse_input_reaches_a_member_that_takes_it(container):
    # scikit-learn's tree takes sparse X: boosting it on sparse X must give
    # the model of the dense copy, round for round.
    X, y = make_classification(300, 8, random_state=0)
    X[X < 0.5] = 0.0
    for ours, member in [
        (AdaBoostClassifier, sk_tree.DecisionTreeClassifier(max_depth=2)),
        (AdaBoostRegressor, sk_tree.DecisionTreeRegressor(max_depth=2)),
    ]:
        target = y if ours is AdaBoostClassifier else X[:, 0] + y
        dense = ours(member, n_estimators=6, random_state=0).fit(X, target)
        sparse = ours(member, n_estimators=6, random_state=0).fit(container(X), target)
        assert_allclose(sparse.estimator_weights_, dense.estimator_weights_)
        # (scikit-learn's sparse and dense trees sum leaf values in other
        # orders: regression predictions agree to the last bits only)
        assert_allclose(sparse.predict(container(X)), dense.predict(X), rtol=1e-13)


def test_n_dimensional_input_reaches_a_member_that_takes_it():
    class _Flattening(sk_tree.DecisionTreeClassifier):
        def fit(self, X, y, sample_weight=None):
            return super().fit(np.reshape(X, (len(X), -1)), y, sample_weight=sample_weight)

        def predict(self, X):
            return super().predict(np.reshape(X, (len(X), -1)))

    X, y = make_classification(120, 6, random_state=0)
    images = X.reshape(120, 2, 3)
    model = AdaBoostClassifier(_Flattening(max_depth=1), n_estimators=4, random_state=0).fit(images, y)
    flat = AdaBoostClassifier(sk_tree.DecisionTreeClassifier(max_depth=1), n_estimators=4, random_state=0).fit(X, y)
    assert_array_equal(model.predict(images), flat.predict(X))
    # skdl's own stump validates X itself and refuses it, in scikit-learn's words
    with pytest.raises(ValueError, match="dim 3"):
        AdaBoostClassifier(n_estimators=2).fit(images, y)


def test_estimator_without_sample_weight_raises():
    X, y = make_classification(100, 4, random_state=0)
    with pytest.raises(ValueError, match="KNeighborsClassifier doesn't support sample_weight"):
        AdaBoostClassifier(KNeighborsClassifier()).fit(X, y)


def test_any_estimator_with_sample_weight():
    X_train, X_test, y_train, y_test = _split(load_breast_cancer)
    est = LogisticRegression(max_iter=2000)
    ours = AdaBoostClassifier(est, n_estimators=5, random_state=0).fit(X_train, y_train)
    ref = sk_ensemble.AdaBoostClassifier(est, n_estimators=5, random_state=0).fit(X_train, y_train)
    assert_allclose(ours.estimator_weights_, ref.estimator_weights_, rtol=1e-6)
    assert abs(ours.score(X_test, y_test) - ref.score(X_test, y_test)) <= 0.005


def test_skdl_tree_members_are_usable_on_their_own():
    X, y = load_iris(return_X_y=True)
    clf = AdaBoostClassifier(DecisionTreeClassifier(max_depth=2), n_estimators=3).fit(X, y)
    member = clf.estimators_[0]
    assert member.n_features_in_ == 4
    assert member.predict(X).shape == (150,)


def test_sample_weight_changes_the_fit():
    X, y = make_classification(300, 6, random_state=0)
    w = np.where(y == 1, 5.0, 1.0)
    plain = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    weighted = AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y, sample_weight=w)
    ref = sk_ensemble.AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y, sample_weight=w)
    assert not np.allclose(plain.estimator_weights_, weighted.estimator_weights_)
    assert_allclose(weighted.estimator_weights_, ref.estimator_weights_, rtol=1e-9)


def test_string_labels_and_pickle():
    X, y = load_iris(return_X_y=True)
    names = np.array(["a", "b", "c"])[y]
    clf = AdaBoostClassifier(n_estimators=5, random_state=0).fit(X, names)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    clone = pickle.loads(pickle.dumps(clf))
    assert_array_equal(clone.predict(X), clf.predict(X))


@pytest.mark.parametrize("loss", ["linear", "square", "exponential"])
def test_regressor_same_as_sklearn_on_diabetes(loss):
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    kwargs = {"n_estimators": 20, "loss": loss, "random_state": 0}
    ours = AdaBoostRegressor(**kwargs).fit(X_train, y_train)
    ref = sk_ensemble.AdaBoostRegressor(**kwargs).fit(X_train, y_train)
    assert len(ours.estimators_) == len(ref.estimators_)
    assert_allclose(ours.estimator_weights_, ref.estimator_weights_, rtol=1e-9)
    assert_allclose(ours.predict(X_test), ref.predict(X_test))
    assert_allclose(list(ours.staged_predict(X_test))[-1], ours.predict(X_test))
    assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)


def test_regressor_weighted_median_by_hand():
    X, y = load_diabetes(return_X_y=True)
    reg = AdaBoostRegressor(n_estimators=7, random_state=0).fit(X, y)
    preds = np.array([m.predict(X[:5]) for m in reg.estimators_]).T
    w = reg.estimator_weights_[: len(reg.estimators_)]
    for row, pred in zip(preds, reg.predict(X[:5])):
        order = np.argsort(row)
        cdf = np.cumsum(w[order])
        assert pred == row[order][np.argmax(cdf >= 0.5 * cdf[-1])]


@pytest.mark.parametrize("Boost", [AdaBoostClassifier, AdaBoostRegressor])
def test_bad_input(Boost):
    X, y = make_classification(60, 4, random_state=0)
    X_bad = X.copy()
    X_bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Boost().fit(X_bad, y)
    y_bad = y.astype(float)
    y_bad[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Boost().fit(X, y_bad)
    with pytest.raises(ValueError, match="n_estimators"):
        Boost(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="learning_rate"):
        Boost(learning_rate=0).fit(X, y)


def test_a_child_whose_weight_cancels_to_zero_is_skipped_like_sklearn():
    # Regression: AdaBoost drives some weights down to ~1e-17 of the total; a
    # split leaving only those on one side has wn - wl == 0.0 exactly, and the
    # split search divided by it (numba raises ZeroDivisionError; scikit-learn
    # gets NaN and skips the split). Seen in EasyEnsemble on breast_cancer.
    from sklearn.tree import DecisionTreeClassifier as SklearnTree

    from skdl.tree import DecisionTreeClassifier

    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([0, 1, 1])
    weights = np.array([1.0, 1.0, 1e-17])
    ours = DecisionTreeClassifier(max_depth=1).fit(X, y, sample_weight=weights)
    ref = SklearnTree(max_depth=1).fit(X, y, sample_weight=weights)
    assert ours.tree_.threshold[0] == pytest.approx(ref.tree_.threshold[0]) == 0.5
    assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize(
    "booster",
    ["AdaBoostClassifier", "AdaBoostRegressor", "AdaCostClassifier"],
)
def test_invalid_parameters_of_a_given_skdl_tree_are_a_clear_error(booster):
    # Members are fitted through _fit(check_input=False), which skips the
    # tree's own validation: a negative max_depth used to hang.
    from sklearn.datasets import load_breast_cancer

    from skdl import ensemble
    from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor

    X, y = load_breast_cancer(return_X_y=True)
    tree = DecisionTreeRegressor if booster == "AdaBoostRegressor" else DecisionTreeClassifier
    model = getattr(ensemble, booster)(tree(max_depth=-1), n_estimators=2)
    with pytest.raises(ValueError, match="max_depth"):
        model.fit(X, y)
