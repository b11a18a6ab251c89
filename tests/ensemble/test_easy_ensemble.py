"""EasyEnsembleClassifier against imbalanced-learn's, its subsets and averaging; bad input."""

import re

import numpy as np
import pytest
from imblearn.ensemble import EasyEnsembleClassifier as ImbEasyEnsemble
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.ensemble import AdaBoostClassifier as SklearnAdaBoost
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score
from sklearn.svm import LinearSVC

from skdl.ensemble import EasyEnsembleClassifier
from skdl.ensemble._easy_ensemble import _default_booster
from skdl.under_sampling import RandomUnderSampler


def _three_classes():
    return make_classification(900, 6, n_informative=4, n_classes=3, weights=[0.1, 0.3], random_state=0)


def test_each_learner_sees_a_balanced_subset_with_all_minority_samples():
    X, y = _three_classes()
    clf = EasyEnsembleClassifier(n_estimators=4, random_state=0).fit(X, y)
    n_minority = np.bincount(y).min()
    minority = np.argmin(np.bincount(y))
    for index in clf.estimators_samples_:
        assert_array_equal(np.bincount(y[index]), [n_minority] * 3)
        assert set(np.flatnonzero(y == minority)) <= set(index)
        assert len(set(index)) == len(index)
    assert not np.array_equal(clf.estimators_samples_[0], clf.estimators_samples_[1])


def test_probabilities_are_the_mean_of_the_learners():
    X, y = _three_classes()
    clf = EasyEnsembleClassifier(n_estimators=3, random_state=0).fit(X, y)
    mean = np.mean([learner.predict_proba(X) for learner in clf.estimators_], axis=0)
    assert_allclose(clf.predict_proba(X), mean)
    assert_array_equal(clf.predict(X), clf.classes_[mean.argmax(axis=1)])
    assert_allclose(clf.decision_function(X), np.log(mean) - np.log(mean).mean(axis=1, keepdims=True))


@pytest.mark.parametrize("seed", range(20))
def test_decision_function_ranks_as_the_probabilities(seed):
    # The mean of the learners' decision functions would not: a mean of
    # log-odds is not the log-odds of the mean (scikit-learn's
    # check_decision_proba_consistency failed on it for some seeds).
    X, y = make_classification(300, 4, weights=[0.8], flip_y=0.1, random_state=seed)
    clf = EasyEnsembleClassifier(n_estimators=3, random_state=seed).fit(X, y)
    proba, decision = clf.predict_proba(X)[:, 1], clf.decision_function(X)
    order = np.argsort(decision, kind="stable")
    assert np.all(np.diff(proba[order]) >= 0)
    assert_array_equal(clf.predict(X), clf.classes_[(decision > 0).astype(int)])
    assert roc_auc_score(y, decision) == roc_auc_score(y, proba)


def test_one_learner_decision_function_is_the_boosters():
    X, y = make_classification(300, 4, weights=[0.8], random_state=0)
    clf = EasyEnsembleClassifier(n_estimators=1, random_state=0).fit(X, y)
    assert_allclose(clf.decision_function(X), clf.estimators_[0].decision_function(X), atol=1e-10)


def test_pure_leaves_give_a_finite_score():
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_classification(300, 4, weights=[0.8], random_state=0)
    clf = EasyEnsembleClassifier(n_estimators=2, estimator=DecisionTreeClassifier(), random_state=0).fit(X, y)
    decision = clf.decision_function(X)
    assert np.all(np.isfinite(decision))
    assert_array_equal(clf.predict(X), clf.classes_[(decision > 0).astype(int)])


def test_default_learner_is_adaboost_of_50_stumps():
    booster = _default_booster()
    assert type(booster).__name__ == "AdaBoostClassifier"
    assert booster.n_estimators == 50


def test_estimator_and_log_proba_as_imblearns():
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_classification(300, 4, weights=[0.8], random_state=0)
    clf = EasyEnsembleClassifier(n_estimators=2, random_state=0).fit(X, y)
    ref = ImbEasyEnsemble(n_estimators=2, random_state=0).fit(X, y)
    for ours, theirs in [(clf.estimator_, ref.estimator_), (clf.estimators_[0], ref.estimators_[0])]:
        assert list(ours.named_steps) == list(theirs.named_steps) == ["sampler", "classifier"]
        assert type(ours.named_steps["sampler"]).__name__ == "RandomUnderSampler"
        assert type(ours.named_steps["classifier"]).__name__ == "AdaBoostClassifier"
    assert not hasattr(clf.estimator_.named_steps["classifier"], "estimators_")  # unfitted, as imbalanced-learn's
    assert hasattr(clf.estimators_[0].named_steps["classifier"], "estimators_")
    assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))
    tree = DecisionTreeClassifier(random_state=0)
    pure = EasyEnsembleClassifier(n_estimators=1, estimator=tree, random_state=0).fit(X, y)
    assert pure.estimator_.named_steps["classifier"] is tree
    log_proba = pure.predict_log_proba(X)  # a pure leaf: log 0 = -inf, no warning
    assert np.isneginf(log_proba).any()
    assert_array_equal(np.exp(log_proba), pure.predict_proba(X))


@pytest.mark.parametrize("replacement", [False, True])
def test_members_subsets_and_probabilities_are_imblearns(replacement):
    from sklearn.ensemble import AdaBoostClassifier as SkAdaBoost
    from sklearn.tree import DecisionTreeClassifier

    X, y = _three_classes()
    for learner in [DecisionTreeClassifier(max_depth=3), SkAdaBoost(n_estimators=5)]:
        params = dict(n_estimators=4, estimator=learner, replacement=replacement, random_state=3)
        ours = EasyEnsembleClassifier(**params).fit(X, y)
        theirs = ImbEasyEnsemble(**params).fit(X, y)
        assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
        for member, ref_member, subset, ref_rows in zip(
            ours.estimators_, theirs.estimators_, ours.estimators_samples_, theirs.estimators_samples_
        ):
            ref_indices = ref_member.named_steps["sampler"].sample_indices_
            assert_array_equal(member.named_steps["sampler"].sample_indices_, ref_indices)
            assert_array_equal(subset, ref_rows[ref_indices])
            assert member.named_steps["classifier"].random_state == ref_member.named_steps["classifier"].random_state


def test_learner_without_predict_proba_votes_as_bagging():
    X, y = _three_classes()
    params = dict(n_estimators=3, estimator=LinearSVC(), random_state=0)
    ours = EasyEnsembleClassifier(**params).fit(X, y)
    theirs = ImbEasyEnsemble(**params).fit(X, y)
    assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
    assert_array_equal(ours.predict(X), theirs.predict(X))


def test_reproducible_and_n_jobs_does_not_change_the_result():
    X, y = _three_classes()
    a = EasyEnsembleClassifier(n_estimators=4, random_state=1).fit(X, y)
    b = EasyEnsembleClassifier(n_estimators=4, random_state=1, n_jobs=2).fit(X, y)
    assert_allclose(a.predict_proba(X), b.predict_proba(X))
    for ia, ib in zip(a.estimators_samples_, b.estimators_samples_):
        assert_array_equal(ia, ib)


def test_string_labels_and_sampling_strategy_dict():
    X, y = _three_classes()
    labels = np.array(["cat", "dog", "eel"])[y]
    clf = EasyEnsembleClassifier(n_estimators=2, sampling_strategy={"eel": 200}, random_state=0).fit(X, labels)
    assert_array_equal(clf.classes_, ["cat", "dog", "eel"])
    counts = np.bincount(y[clf.estimators_samples_[0]])
    assert_array_equal(counts, [np.sum(y == 0), np.sum(y == 1), 200])
    assert set(clf.predict(X)) <= set(clf.classes_)


def test_learners_without_decision_function_or_with_other_api():
    X, y = _three_classes()
    clf = EasyEnsembleClassifier(n_estimators=2, estimator=LogisticRegression(max_iter=500), random_state=0).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 3)
    assert hasattr(clf, "decision_function")
    with pytest.raises(ValueError, match="'estimator' parameter"):
        EasyEnsembleClassifier(estimator=RandomUnderSampler()).fit(X, y)  # no predict


def test_cv_auc_close_to_imblearn_easy_ensemble_on_breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.RandomState(0)
    keep = np.concatenate([np.flatnonzero(y == 1), rng.choice(np.flatnonzero(y == 0), 40, replace=False)])
    X, y = X[keep], (y[keep] == 0).astype(int)
    ours = EasyEnsembleClassifier(n_estimators=5, estimator=SklearnAdaBoost(n_estimators=20), random_state=0)
    ref = ImbEasyEnsemble(n_estimators=5, estimator=SklearnAdaBoost(n_estimators=20), random_state=0)
    auc_ours = cross_val_score(ours, X, y, cv=5, scoring="roc_auc").mean()
    auc_ref = cross_val_score(ref, X, y, cv=5, scoring="roc_auc").mean()
    assert auc_ours >= auc_ref - 0.005
    assert roc_auc_score(y, ours.fit(X, y).predict_proba(X)[:, 1]) > 0.99


def _message_without_set_order(error):
    """The message of a parameter error, the options of a set literal sorted (a set's order varies)."""
    message = str(error).replace("EasyEnsembleClassifier", "")
    return re.sub(r"\{[^}]*\}", lambda match: ", ".join(sorted(match.group(0).strip("{}").split(", "))), message)


def test_bad_input():
    X, y = _three_classes()
    with pytest.raises(
        ValueError, match="needs samples of at least 2 classes in the data, but the data contains only one class"
    ):
        EasyEnsembleClassifier(n_estimators=2).fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        EasyEnsembleClassifier(n_estimators=2).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="Multilabel and multioutput targets are not supported"):
        EasyEnsembleClassifier(n_estimators=2).fit(X, np.column_stack([y, y]))
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        EasyEnsembleClassifier(n_estimators=2).fit(X_inf, y)
    # imbalanced-learn's parameter checks, and its messages
    for params in [
        dict(n_estimators=0),
        dict(estimator="tree"),
        dict(sampling_strategy=1.5),
        dict(sampling_strategy="minority"),
        dict(replacement="yes"),
        dict(warm_start=1),
    ]:
        with pytest.raises(ValueError) as ours:
            EasyEnsembleClassifier(**params).fit(X, y)
        with pytest.raises(ValueError) as theirs:
            ImbEasyEnsemble(**params).fit(X, y)
        assert _message_without_set_order(ours.value) == _message_without_set_order(theirs.value)


def test_parallel_members_see_the_callers_configuration(monkeypatch):
    # Jobs run in joblib worker threads, which start from the global
    # configuration unless it is carried to them.
    import skdl
    from skdl.ensemble import _easy_ensemble

    seen = []
    fit_learner = _easy_ensemble._fit_learner

    def spy(estimator, X, y):
        seen.append(skdl.get_config()["device"])
        return fit_learner(estimator, X, y)

    monkeypatch.setattr(_easy_ensemble, "_fit_learner", spy)
    X, y = make_classification(300, 5, weights=[0.8], random_state=0)
    with skdl.config_context(device="cpu"):
        EasyEnsembleClassifier(n_estimators=4, n_jobs=2, random_state=0).fit(X, y)
    assert seen == ["cpu"] * 4


def test_warm_start_adds_the_members_a_single_fit_would_draw():
    X, y = make_classification(600, 8, weights=[0.85], random_state=0)
    grown = EasyEnsembleClassifier(n_estimators=3, warm_start=True, random_state=4).fit(X, y)
    first = list(grown.estimators_)
    grown.set_params(n_estimators=6).fit(X, y)
    assert grown.estimators_[:3] == first  # the kept members are the same objects, not refitted
    single = EasyEnsembleClassifier(n_estimators=6, random_state=4).fit(X, y)
    for a, b in zip(grown.estimators_samples_, single.estimators_samples_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(grown.predict_proba(X), single.predict_proba(X))


def test_warm_start_bad_sizes_as_sklearn_bagging():
    X, y = make_classification(300, 5, weights=[0.8], random_state=0)
    clf = EasyEnsembleClassifier(n_estimators=3, warm_start=True, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="without increasing n_estimators does not fit new trees"):
        clf.fit(X, y)
    assert len(clf.estimators_) == 3
    with pytest.raises(ValueError, match=r"n_estimators=2 must be larger or equal to len\(estimators_\)=3"):
        clf.set_params(n_estimators=2).fit(X, y)
    assert len(clf.estimators_) == 3  # the failed fit left the model as it was
