"""SVC(probability=True): Platt scaling by libsvm's 5-fold cross-validation."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import svm as sk_svm
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler

from skdl.svm import SVC
from skdl.svm._platt import fold_permutation, ovo_probabilities, sigmoid_predict, sigmoid_train

LOADERS = {"breast_cancer": load_breast_cancer, "iris": load_iris, "digits": load_digits}


def _fit_both(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ours = SVC(probability=True, device="cpu", **params).fit(X, y)
        theirs = sk_svm.SVC(probability=True, **params).fit(X, y)
    return ours, theirs


@pytest.mark.parametrize("dataset", sorted(LOADERS))
def test_probabilities_match_sklearn_with_the_same_random_state(dataset):
    X, y = LOADERS[dataset](return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours, theirs = _fit_both(X, y, random_state=0)
    assert np.abs(ours.predict_proba(X) - theirs.predict_proba(X)).mean() <= 0.02
    # The folds are libsvm's: the sigmoids themselves agree, not only on average.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert_allclose(ours.probA_, theirs.probA_, rtol=1e-2)
        assert_allclose(ours.probB_, theirs.probB_, atol=1e-2)
    assert_allclose(ours.predict_log_proba(X[:20]), np.log(ours.predict_proba(X[:20])))


def test_random_state_seeds_the_folds():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        a = SVC(probability=True, random_state=0, device="cpu").fit(X, y)
        b = SVC(probability=True, random_state=0, device="cpu").fit(X, y)
        c = SVC(probability=True, random_state=1, device="cpu").fit(X, y)
        assert_allclose(a.probA_, b.probA_)
        assert not np.allclose(a.probA_, c.probA_)


def test_probabilities_sum_to_one_and_ovr_is_supported():
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        for multiclass in ("ovo", "ovr"):
            proba = SVC(probability=True, multiclass=multiclass, random_state=0).fit(X, y).predict_proba(X)
            assert proba.shape == (150, 3)
            assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
            assert (proba.argmax(axis=1) == y).mean() > 0.9


def test_probability_parameter_warns_as_sklearn():
    X, y = load_iris(return_X_y=True)
    for value in (True, False):
        with pytest.warns(FutureWarning, match="The `probability` parameter was deprecated in 1.9"):
            SVC(probability=value).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        SVC().fit(X, y)


@pytest.mark.parametrize("probability", ["deprecated", False])
def test_predict_proba_is_absent_without_probability(probability):
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        model = SVC(probability=probability).fit(X, y)
        assert model.probA_.size == 0
    assert not hasattr(model, "predict_proba")
    assert not hasattr(model, "predict_log_proba")
    # scikit-learn's available_if message, the cause chained under it.
    with pytest.raises(AttributeError, match="has no attribute 'predict_proba'") as caught:
        model.predict_proba(X)
    assert "not available when probability=False" in str(caught.value.__cause__)


def test_switching_probability_on_after_fit_is_not_fitted_error():
    X, y = load_iris(return_X_y=True)
    model = SVC().fit(X, y)
    model.probability = True
    with pytest.raises(NotFittedError, match="fitted with probability=False"):
        model.predict_proba(X)


def test_prob_attributes_are_deprecated():
    X, y = load_iris(return_X_y=True)
    model = SVC().fit(X, y)
    with pytest.warns(FutureWarning, match="Attribute `probA_` was deprecated"):
        model.probA_
    with pytest.warns(FutureWarning, match="Attribute `probB_` was deprecated"):
        model.probB_


def test_fold_permutation_is_a_permutation_fixed_by_its_seed():
    perm = fold_permutation(1000, 42)
    assert sorted(perm.tolist()) == list(range(1000))
    assert (perm == fold_permutation(1000, 42)).all()
    assert not (perm == fold_permutation(1000, 43)).all()


def test_sigmoid_train_fits_a_logistic_curve():
    rng = np.random.default_rng(0)
    f = rng.normal(size=4000)
    # True model P(+1 | f) = 1 / (1 + exp(-2 f + 0.5)).
    positive = rng.random(4000) < 1.0 / (1.0 + np.exp(-2.0 * f + 0.5))
    A, B = sigmoid_train(f, positive)
    assert abs(A + 2.0) < 0.2 and abs(B - 0.5) < 0.15
    assert_allclose(sigmoid_predict(np.array([0.0]), A, B), 1.0 / (1.0 + np.exp(B)))


def test_coupling_recovers_consistent_pairwise_probabilities():
    p = np.array([0.5, 0.3, 0.2])
    pairs = [(0, 1), (0, 2), (1, 2)]
    pairwise = np.array([[p[i] / (p[i] + p[j]) for i, j in pairs]])
    assert_allclose(ovo_probabilities(pairwise, 3)[0], p, atol=5e-3)
