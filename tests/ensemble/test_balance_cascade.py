"""BalanceCascadeClassifier against the paper's algorithm (Liu, Wu & Zhou 2009) and
imbalanced-learn's EasyEnsembleClassifier; bad input."""

import pickle

import numpy as np
import pytest
from imblearn.ensemble import EasyEnsembleClassifier as ImbEasyEnsemble
from imblearn.metrics import geometric_mean_score
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from skdl.ensemble import BalanceCascadeClassifier
from skdl.ensemble._balance_cascade import false_positive_threshold
from skdl.ensemble._easy_ensemble import boosting_score


def _imbalanced(n_samples=1000, random_state=0):
    return make_classification(n_samples, 8, n_informative=5, weights=[0.9], flip_y=0.02, random_state=random_state)


def _breast_cancer_10pct():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.RandomState(0)
    keep = np.concatenate([np.flatnonzero(y == 1), rng.choice(np.flatnonzero(y == 0), 40, replace=False)])
    return X[keep], (y[keep] == 0).astype(int)  # malignant (the minority) is class 1


def _digits_0_vs_rest():
    X, y = load_digits(return_X_y=True)
    return X, (y == 0).astype(int)


def test_rounds_follow_the_paper():
    X, y = _imbalanced()
    T = 5
    clf = BalanceCascadeClassifier(n_estimators=T, n_boost=10, random_state=0).fit(X, y)
    n_pos, n_neg = np.sum(y == 1), np.sum(y == 0)
    f = (n_pos / n_neg) ** (1 / (T - 1))
    assert clf.false_positive_rate_ == pytest.approx(f)
    # |N| shrinks by f each round: the false-positive rate on N is f exactly
    expected = [n_neg]
    for _ in range(T - 1):
        expected.append(int(round(f * expected[-1])))
    assert_array_equal(clf.majority_left_, expected)
    assert clf.majority_left_[-1] == pytest.approx(n_pos, abs=2)  # about |P| left for the last round
    # theta_i is the score of the last false positive let through
    remaining = np.flatnonzero(y == 0)
    for i, learner in enumerate(clf.estimators_[:-1]):
        scores = boosting_score(learner, X[remaining])
        n_kept = clf.majority_left_[i + 1]
        assert np.sum(scores > clf.thresholds_[i]) < n_kept <= np.sum(scores >= clf.thresholds_[i])
        remaining = remaining[scores >= clf.thresholds_[i]]
    assert clf.thresholds_[-1] == 0


def test_each_round_trains_on_all_minority_and_as_many_majority_samples():
    X, y = _imbalanced()
    seen = []

    class Recorder(SklearnAdaBoost):
        def fit(self, X, y, sample_weight=None):
            seen.append(np.bincount(y))
            return super().fit(X, y, sample_weight)

    BalanceCascadeClassifier(n_estimators=4, estimator=Recorder(), n_boost=5, random_state=0).fit(X, y)
    assert len(seen) == 4
    for counts in seen:
        assert counts[0] == counts[1] == np.sum(y == 1)


def test_boosting_score_is_the_weighted_vote():
    X, y = _imbalanced()
    booster = SklearnAdaBoost(n_estimators=7, random_state=0).fit(X, y)
    votes = sum(
        w * np.where(h.predict(X) == 1, 1.0, -1.0) for h, w in zip(booster.estimators_, booster.estimator_weights_)
    )
    assert_allclose(boosting_score(booster, X), votes)
    # scikit-learn's binary decision_function is twice the vote, normalised by sum(alpha)
    assert_allclose(booster.decision_function(X) * booster.estimator_weights_.sum(), 2 * votes)


def test_false_positive_threshold_splits_ties_at_random_to_hit_the_count():
    scores = np.array([1.0, 2, 2, 2, 3, 4, 4, 5])
    rng = np.random.RandomState(0)
    for n_kept in range(1, 9):
        theta, kept = false_positive_threshold(scores, n_kept, rng)
        assert kept.sum() == n_kept
        assert np.all(kept[scores > theta]) and not np.any(kept[scores < theta])
        assert theta == np.sort(scores)[::-1][n_kept - 1]


@pytest.mark.parametrize("decision_threshold", ["full_majority", "zero", "cascade"])
def test_decision_function_predict_and_proba_agree(decision_threshold):
    X, y = _imbalanced()
    clf = BalanceCascadeClassifier(
        n_estimators=4, n_boost=10, decision_threshold=decision_threshold, random_state=0
    ).fit(X, y)
    total = sum(boosting_score(learner, X) for learner in clf.estimators_)
    offset = {"full_majority": clf.majority_thresholds_, "cascade": clf.thresholds_, "zero": 0.0}[decision_threshold]
    decision = clf.decision_function(X)
    offset = np.sum(offset)
    assert_allclose(decision, total - offset)
    assert_array_equal(clf.predict(X), clf.classes_[(decision > 0).astype(int)])
    proba = clf.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(proba[:, 1] > 0.5, decision > 0)
    assert np.all(np.diff(proba[np.argsort(decision), 1]) >= 0)  # monotone in the score
    weights = sum(learner.estimator_weights_.sum() for learner in clf.estimators_)
    assert_allclose(proba[:, 1], 1 / (1 + np.exp(-decision / weights)))


def test_full_majority_cuts_every_round_at_one_false_positive_rate_on_the_training_majority():
    X, y = _imbalanced()
    clf = BalanceCascadeClassifier(n_estimators=5, n_boost=10, random_state=0).fit(X, y)
    majority_scores = np.array([boosting_score(learner, X[y == 0]) for learner in clf.estimators_])
    rate = np.mean([np.mean(scores > 0) for scores in majority_scores])
    assert clf.majority_false_positive_rate_ == pytest.approx(rate)
    for scores, phi in zip(majority_scores, clf.majority_thresholds_):
        assert np.mean(scores > phi) <= rate <= np.mean(scores >= phi)
    # the same cascade as the other cuts: only the decision differs
    zero = clone(clf).set_params(decision_threshold="zero").fit(X, y)
    assert_array_equal(zero.thresholds_, clf.thresholds_)
    assert_array_equal(zero.majority_left_, clf.majority_left_)
    assert_allclose(zero.decision_function(X) - clf.decision_function(X), clf.majority_thresholds_.sum())


def test_full_majority_cut_leans_less_to_the_majority_than_zero_on_noisy_few_positives():
    # 2 % positives, label noise: the last rounds, which never see the easy majority, push
    # sum_i H_i towards the majority; the cut on the whole majority restores the balance.
    X, y = make_classification(
        6000, 20, n_informative=6, weights=[0.98, 0.02], flip_y=0.005, class_sep=0.8, random_state=0
    )
    gmean, gap = {}, {}
    for rule in ("full_majority", "zero"):
        clf = BalanceCascadeClassifier(n_estimators=10, n_boost=20, decision_threshold=rule, random_state=0)
        scores, gaps = [], []
        for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y):
            pred = clf.fit(X[train], y[train]).predict(X[test])
            scores.append(geometric_mean_score(y[test], pred))
            gaps.append(recall_score(1 - y[test], 1 - pred) - recall_score(y[test], pred))
        gmean[rule], gap[rule] = np.mean(scores), np.array(gaps)
    assert gmean["full_majority"] > gmean["zero"]
    # specificity above recall in every fold, by less with the full-majority cut
    assert np.all(gap["zero"] > gap["full_majority"]) and np.all(gap["full_majority"] > 0)


def test_the_cascade_threshold_shifts_towards_the_minority():
    X, y = _imbalanced()
    zero = BalanceCascadeClassifier(n_estimators=5, n_boost=10, decision_threshold="zero", random_state=0).fit(X, y)
    cascade = clone(zero).set_params(decision_threshold="cascade").fit(X, y)
    assert np.all(zero.thresholds_[:-1] < 0)
    assert np.sum(cascade.predict(X) == 1) > np.sum(zero.predict(X) == 1)
    assert_allclose(zero.decision_function(X) - cascade.decision_function(X), cascade.thresholds_.sum())


def test_minority_as_first_class_and_string_labels():
    X, y = _imbalanced()
    labels = np.where(y == 1, "a_rare", "b_common")  # the minority sorts first
    clf = BalanceCascadeClassifier(n_estimators=3, n_boost=10, random_state=0).fit(X, labels)
    ref = BalanceCascadeClassifier(n_estimators=3, n_boost=10, random_state=0).fit(X, y)
    assert clf.minority_class_ == "a_rare"
    assert_allclose(clf.decision_function(X), -ref.decision_function(X))
    assert_array_equal(clf.predict(X) == "a_rare", ref.predict(X) == 1)


def test_reproducible_and_n_jobs_does_not_change_the_result():
    X, y = _imbalanced()
    a = BalanceCascadeClassifier(n_estimators=3, n_boost=10, random_state=3).fit(X, y)
    b = BalanceCascadeClassifier(n_estimators=3, n_boost=10, random_state=3, n_jobs=2).fit(X, y)
    assert_allclose(a.decision_function(X), b.decision_function(X))
    assert_array_equal(a.majority_left_, b.majority_left_)
    restored = pickle.loads(pickle.dumps(a))
    assert_allclose(restored.predict_proba(X), a.predict_proba(X))


def test_n_boost_sets_the_boosters_size_and_other_learners_work():
    X, y = _imbalanced()
    clf = BalanceCascadeClassifier(n_estimators=2, n_boost=7, random_state=0).fit(X, y)
    assert all(learner.n_estimators == 7 for learner in clf.estimators_)
    lr = BalanceCascadeClassifier(n_estimators=3, estimator=LogisticRegression(), n_boost=None, random_state=0).fit(
        X, y
    )
    assert roc_auc_score(y, lr.decision_function(X)) > 0.85
    with pytest.raises(ValueError, match="has no such parameter; use n_boost=None"):
        BalanceCascadeClassifier(estimator=LogisticRegression()).fit(X, y)


@pytest.mark.parametrize("dataset", ["breast_cancer_10pct", "digits_0_vs_rest"])
def test_gmean_and_auc_at_least_imblearn_easy_ensemble(dataset):
    X, y = _breast_cancer_10pct() if dataset == "breast_cancer_10pct" else _digits_0_vs_rest()
    T, S = 5, 20
    ours = BalanceCascadeClassifier(n_estimators=T, n_boost=S, random_state=0)
    ref = ImbEasyEnsemble(n_estimators=T, estimator=SklearnAdaBoost(n_estimators=S), random_state=0)
    scores = {"ours": ([], []), "ref": ([], [])}
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        for key, model in (("ours", ours), ("ref", ref)):
            fitted = clone(model).fit(X[train], y[train])
            scores[key][0].append(geometric_mean_score(y[test], fitted.predict(X[test])))
            scores[key][1].append(roc_auc_score(y[test], fitted.predict_proba(X[test])[:, 1]))
    gmean, auc = np.mean(scores["ours"][0]), np.mean(scores["ours"][1])
    assert gmean >= np.mean(scores["ref"][0]) - 0.005
    assert auc >= np.mean(scores["ref"][1]) - 0.005


def test_bad_input():
    X, y = _imbalanced(300)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        BalanceCascadeClassifier(n_estimators=2).fit(X, np.arange(300) % 3)
    with pytest.raises(
        ValueError, match="needs samples of at least 2 classes in the data, but the data contains only one class"
    ):
        BalanceCascadeClassifier(n_estimators=2).fit(X, np.zeros(300))
    with pytest.raises(ValueError, match="Unknown label type"):
        BalanceCascadeClassifier(n_estimators=2).fit(X, np.linspace(0, 1, 300))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        BalanceCascadeClassifier(n_estimators=2).fit(X_nan, y)
    with pytest.raises(ValueError, match="'decision_threshold' parameter"):
        BalanceCascadeClassifier(decision_threshold="half").fit(X, y)
    clf = BalanceCascadeClassifier(n_estimators=2, n_boost=5, random_state=0).fit(X, y)
    before = clf.thresholds_.copy()
    with pytest.raises(ValueError):
        clf.fit(X, np.arange(300) % 3)
    assert_array_equal(clf.thresholds_, before)  # a failed fit leaves the model as it was
