"""SVC's edge-case semantics against scikit-learn 1.9's: C=inf, sample weights <= 0, messages."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import svm as sk_svm
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skdl.svm import SVC

# scikit-learn's toy data of sklearn/svm/tests/test_svm.py.
X_TOY = np.array([[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]], dtype=float)
Y_TOY = np.array([1, 1, 1, 2, 2, 2])


@pytest.mark.parametrize("C", [np.inf, float("inf")])
def test_infinite_C_is_the_hard_margin_of_sklearn(C):
    X, y = make_classification(random_state=0)
    ours = SVC(C=C).fit(X, y)
    assert_array_equal(ours.predict(X), SVC(C=1e10).fit(X, y).predict(X))
    assert_array_equal(ours.predict(X), sk_svm.SVC(C=C).fit(X, y).predict(X))


@pytest.mark.parametrize("sample_weight", [[1, -0.5, 1, 1, 1, 1], [1, 1, 1, 0, 1, 1]])
def test_samples_of_weight_at_most_zero_are_left_out_as_in_sklearn(sample_weight):
    ours = SVC(kernel="linear").fit(X_TOY, Y_TOY, sample_weight=sample_weight)
    theirs = sk_svm.SVC(kernel="linear").fit(X_TOY, Y_TOY, sample_weight=sample_weight)
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6)
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-6)
    # libsvm's numbering: support_ indexes the samples of positive weight.
    assert_array_equal(ours.support_, theirs.support_)
    kept = np.asarray(sample_weight) > 0
    assert_array_equal(ours.support_vectors_, X_TOY[kept][ours.support_])


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        ([0] * 6, "Invalid input - all samples have zero or negative weights."),
        ([-0.3] * 6, "Invalid input - all samples have zero or negative weights."),
        ([0, -0.5, 0, 1, 1, 1], "Invalid input - all samples with positive weights belong to the same class"),
        ([1, 1, 1, 0, -0.1, -0.3], "Invalid input - all samples with positive weights belong to the same class"),
    ],
)
def test_weights_that_leave_no_or_one_class_raise_sklearns_error(sample_weight, message):
    with pytest.raises(ValueError, match=message):
        sk_svm.SVC(kernel="linear").fit(X_TOY, Y_TOY, sample_weight=sample_weight)
    model = SVC(kernel="linear").fit(X_TOY, Y_TOY)
    before = model.dual_coef_.copy()
    with pytest.raises(ValueError, match=message):
        model.fit(X_TOY, Y_TOY, sample_weight=sample_weight)
    assert_array_equal(model.dual_coef_, before)


def test_max_iter_warning_has_sklearns_text_and_fit_status():
    message = (
        r"Solver terminated early \(max_iter=2\).  Consider pre-processing "
        r"your data with StandardScaler or MinMaxScaler."
    )
    with pytest.warns(ConvergenceWarning, match=message):
        model = SVC(kernel=lambda a, b: a @ b.T, max_iter=2).fit(X_TOY, Y_TOY)
    assert (model.n_iter_ == 2).all()
    assert model.fit_status_ == 1


def test_fitted_attributes_match_sklearns():
    X, y = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ours = SVC(class_weight={0: 2.0, 1: 1.0, 2: 0.5}).fit(X, y)
    theirs = sk_svm.SVC(class_weight={0: 2.0, 1: 1.0, 2: 0.5}).fit(X, y)
    for name in ("n_support_", "class_weight_", "support_", "intercept_"):
        assert_allclose(getattr(ours, name), getattr(theirs, name), atol=1e-6, err_msg=name)
    assert ours.n_support_.dtype == theirs.n_support_.dtype
    assert ours.shape_fit_ == theirs.shape_fit_ == X.shape
    assert ours.fit_status_ == theirs.fit_status_ == 0


def test_gamma_zero_is_accepted_as_in_sklearn():
    ours = SVC(gamma=0.0).fit(X_TOY, Y_TOY)
    theirs = sk_svm.SVC(gamma=0.0).fit(X_TOY, Y_TOY)
    assert_allclose(ours.decision_function(X_TOY), theirs.decision_function(X_TOY), atol=1e-8)


def _matching_characters(A, B):
    return np.array([[float(sum(a == b for a, b in zip(s, t))) for t in B] for s in A])


def test_callable_kernel_on_strings_gives_sklearns_model():
    X = ["aab", "abb", "aaa", "bbb", "bba", "baa", "aba", "bab"]
    y = [0, 0, 0, 1, 1, 1, 0, 1]
    ours = SVC(kernel=_matching_characters).fit(X, y)
    theirs = sk_svm.SVC(kernel=_matching_characters).fit(X, y)
    assert_allclose(ours.decision_function(X), theirs.decision_function(X), atol=1e-8)
    assert_array_equal(ours.support_, theirs.support_)
    assert ours.shape_fit_ == theirs.shape_fit_ == (8,)
    assert_array_equal(ours.predict(["aaa", "bbb"]), [0, 1])


def test_callable_kernel_of_the_wrong_shape_on_strings_is_a_value_error():
    with pytest.raises(ValueError, match="must return the matrix of shape"):
        SVC(kernel=lambda A, B: np.ones((len(A), 1))).fit(["a", "b", "c"], [0, 1, 1])


def test_callable_kernel_on_strings_is_called_with_every_training_sample():
    # scikit-learn calls kernel(X, X_fit) with the whole training set; a
    # kernel that is only right for that call (it fills its lower triangle
    # from the upper one) gives the linear model on the counts.
    data = ["A A", "A", "B", "B B", "A B"]
    counts = np.array([[2, 0], [1, 0], [0, 1], [0, 2], [1, 1]])
    y = np.array([1, 1, 2, 2, 1])

    def upper_triangle_kernel(A, B):
        K = np.zeros((len(A), len(B)))
        for i in range(len(A)):
            for j in range(i, len(B)):
                K[i, j] = A[i].count("A") * B[j].count("A") + A[i].count("B") * B[j].count("B")
                K[j, i] = K[i, j]
        return K

    ours = SVC(kernel=upper_triangle_kernel).fit(data, y)
    linear = sk_svm.SVC(kernel="linear").fit(counts, y)
    assert_allclose(ours.decision_function(data), linear.decision_function(counts), atol=1e-8)
    assert ours.score(data, y) == 1.0


def test_kernel_overflow_raises_sklearns_non_finite_error():
    X = np.finfo(np.float64).max * np.random.RandomState(0).uniform(size=(10, 2))
    y = np.array([0, 1] * 5)
    message = "The dual coefficients or intercepts are not finite"
    with pytest.raises(ValueError, match=message):
        sk_svm.SVC().fit(X, y)
    with pytest.raises(ValueError, match=message):
        SVC().fit(X, y)


def test_predictions_follow_the_internal_coefficients_as_in_sklearn():
    ours = SVC(kernel="linear").fit(X_TOY, Y_TOY)
    theirs = sk_svm.SVC(kernel="linear").fit(X_TOY, Y_TOY)
    assert_allclose(ours._dual_coef_, theirs._dual_coef_, atol=1e-10)
    assert_allclose(ours._intercept_, theirs._intercept_, atol=1e-10)
    assert_array_equal(ours.predict([[-0.1, -0.1]]), [1])
    ours._dual_coef_ = np.array([[0.0, 1.0]])
    assert_array_equal(ours.predict([[-0.1, -0.1]]), [2])


def test_altered_n_support_raises_sklearns_error():
    model = SVC(kernel="linear").fit(X_TOY, Y_TOY)
    model._n_support[0] = 1_000_000
    with pytest.raises(ValueError, match="The internal representation of SVC was altered"):
        model.predict(X_TOY)
