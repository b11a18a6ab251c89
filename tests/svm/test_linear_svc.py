"""LinearSVC against scikit-learn's (liblinear), a NumPy reference and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC as SklearnLinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdl.svm import LinearSVC
from skdl.svm._linear import (
    _crammer_singer_subproblem,
    crammer_singer_objective,
    dual_cd,
    dual_cd_reference,
    primal_objective,
)
from skdl.utils._testing import expected_failed_checks


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _datasets():
    X_syn, y_syn = make_classification(1000, 10, n_informative=6, n_classes=3, random_state=0)
    return {
        "breast_cancer": _scaled(load_breast_cancer),
        "iris": _scaled(load_iris),
        "wine": _scaled(load_wine),
        "synthetic3": (X_syn, y_syn),
    }


def _objectives(model, X, y, *, C, loss, penalty, sample_weight=None, scaling=1.0):
    """Primal objective of each one-vs-rest problem at the model's coefficients."""
    cost = C * (np.ones(len(y)) if sample_weight is None else sample_weight)
    values = []
    for k, w in enumerate(model.coef_):
        positive = model.classes_[1] if len(model.classes_) == 2 else model.classes_[k]
        y_pm = np.where(y == positive, 1.0, -1.0)
        weights = np.r_[w, model.intercept_[k] / scaling]
        values.append(
            primal_objective(X, y_pm, cost, weights, bias=scaling, squared=loss == "squared_hinge", l1=penalty == "l1")
        )
    return np.array(values)


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "wine", "synthetic3"])
@pytest.mark.parametrize("loss, penalty", [("squared_hinge", "l2"), ("hinge", "l2"), ("squared_hinge", "l1")])
def test_objective_and_accuracy_match_sklearn(dataset, loss, penalty):
    X, y = _datasets()[dataset]
    kw = dict(C=0.5, loss=loss, penalty=penalty, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LinearSVC(device="cpu", **kw).fit(X, y)
        ref = SklearnLinearSVC(dual=penalty == "l2" and loss == "hinge", **kw).fit(X, y)
    ours_obj = _objectives(ours, X, y, C=0.5, loss=loss, penalty=penalty)
    ref_obj = _objectives(ref, X, y, C=0.5, loss=loss, penalty=penalty)
    assert np.all(np.abs(ours_obj - ref_obj) / ref_obj < 1e-3)
    assert abs(ours.score(X, y) - ref.score(X, y)) <= 0.005
    assert ours.coef_.shape == ref.coef_.shape and ours.intercept_.shape == ref.intercept_.shape


def test_squared_hinge_coefficients_match_sklearn():
    # The L2 squared-hinge problem is strongly convex: the solutions agree.
    X, y = _scaled(load_wine)
    ours = LinearSVC(C=2.0, tol=1e-8, device="cpu").fit(X, y)
    ref = SklearnLinearSVC(C=2.0, tol=1e-8).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-7)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=1e-5, atol=1e-6)


def test_hinge_at_tight_tol_matches_sklearn_coefficients():
    X, y = _scaled(load_breast_cancer)
    ours = LinearSVC(loss="hinge", C=0.1, tol=1e-7, max_iter=20000, random_state=0, device="cpu").fit(X, y)
    ref = SklearnLinearSVC(loss="hinge", C=0.1, tol=1e-7, max_iter=20000, random_state=0).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-3, atol=1e-4)


def test_l1_gives_the_same_zeros_as_sklearn():
    X, y = _scaled(load_breast_cancer)
    ours = LinearSVC(penalty="l1", C=0.05, tol=1e-8, max_iter=20000, device="cpu").fit(X, y)
    ref = SklearnLinearSVC(penalty="l1", dual=False, C=0.05, tol=1e-8, max_iter=20000).fit(X, y)
    assert 0 < (ours.coef_ == 0).sum() < ours.coef_.size
    assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)


def test_numba_dual_cd_matches_numpy_reference():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 5)
    y = np.where(X[:, 0] + 0.5 * rng.randn(60) > 0, 1.0, -1.0)
    cost = rng.uniform(0.5, 2.0, 60)
    for squared in (False, True):
        w_ref = dual_cd_reference(X, y, cost, bias=1.0, squared=squared, max_iter=5000, tol=1e-10)
        w, _ = dual_cd(X, y, cost, bias=1.0, squared=squared, max_iter=5000, tol=1e-10, seed=0)
        w_sparse, _ = dual_cd(sp.csr_matrix(X), y, cost, bias=1.0, squared=squared, max_iter=5000, tol=1e-10, seed=0)
        assert_allclose(w, w_ref, rtol=1e-6, atol=1e-8)
        assert_allclose(w_sparse, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("loss, penalty", [("squared_hinge", "l2"), ("hinge", "l2"), ("squared_hinge", "l1")])
def test_sparse_equals_dense(loss, penalty):
    X, y = _scaled(load_wine)
    X[np.abs(X) < 0.5] = 0
    kw = dict(loss=loss, penalty=penalty, random_state=0, device="cpu", tol=1e-8, max_iter=5000)
    dense = LinearSVC(**kw).fit(X, y)
    sparse = LinearSVC(**kw).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-5, atol=1e-6)
    assert_allclose(sparse.decision_function(sp.csr_matrix(X)), dense.decision_function(X), atol=1e-5)


@pytest.mark.parametrize("class_weight", [{0: 2.0, 1: 0.5, 2: 1.0}, "balanced"])
@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
def test_weights_match_sklearn(class_weight, loss):
    # One-vs-rest applies class k's weight to class k's samples only (liblinear).
    X, y = _scaled(load_wine)
    sw = np.random.RandomState(0).uniform(0.2, 2.0, len(y))
    kw = dict(class_weight=class_weight, loss=loss, tol=1e-8, max_iter=100000, random_state=0)
    ours = LinearSVC(device="cpu", **kw).fit(X, y, sample_weight=sw)
    ref = SklearnLinearSVC(**kw).fit(X, y, sample_weight=sw)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


def test_binary_class_weight_equals_sample_weight():
    X, y = _scaled(load_breast_cancer)
    sw = np.random.RandomState(0).uniform(0.2, 2.0, len(y))
    cw = {0: 3.0, 1: 0.5}
    ours = LinearSVC(class_weight=cw, tol=1e-8, device="cpu").fit(X, y, sample_weight=sw)
    combined = LinearSVC(tol=1e-8, device="cpu").fit(X, y, sample_weight=sw * np.vectorize(cw.get)(y))
    assert_allclose(ours.coef_, combined.coef_, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
def test_integer_weights_equal_repeated_rows_and_zero_weights_equal_removal(loss):
    X, y = _scaled(load_iris)
    rng = np.random.RandomState(1)
    counts = rng.randint(0, 3, len(y))
    kw = dict(loss=loss, tol=1e-10, max_iter=100000, random_state=0, device="cpu")
    weighted = LinearSVC(**kw).fit(X, y, sample_weight=counts)
    repeated = LinearSVC(**kw).fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-4, atol=1e-5)


def test_intercept_scaling_matches_sklearn():
    X, y = _scaled(load_breast_cancer)
    ours = LinearSVC(intercept_scaling=10.0, tol=1e-8, device="cpu").fit(X, y)
    ref = SklearnLinearSVC(intercept_scaling=10.0, tol=1e-8).fit(X, y)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5)
    no_intercept = LinearSVC(fit_intercept=False, device="cpu").fit(X, y)
    assert_array_equal(no_intercept.intercept_, [0.0])


def test_any_label_type_and_binary_shapes():
    X, y = _scaled(load_iris)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    ref = LinearSVC(device="cpu").fit(X, y)
    clf = LinearSVC(device="cpu").fit(X, names)
    assert_array_equal(clf.predict(X), np.unique(names)[ref.predict(X)])
    binary = LinearSVC(device="cpu").fit(X[50:], np.array([3, 7])[(y[50:] == 2).astype(int)])
    assert binary.coef_.shape == (1, 4) and binary.decision_function(X).shape == (150,)
    assert set(binary.predict(X)) <= {3, 7}


def test_not_converged_warns():
    X, y = make_classification(300, 5, flip_y=0.3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="Liblinear failed to converge"):
        LinearSVC(loss="hinge", max_iter=1, device="cpu").fit(X, y)


def test_bad_input():
    X, y = load_iris(return_X_y=True)
    clf = LinearSVC(device="cpu")
    X_inf = X.copy()
    X_inf[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(X_inf, y)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="0 sample"):
        clf.fit(np.empty((0, 4)), [])
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="Negative values"):
        clf.fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="C"):
        LinearSVC(C=0).fit(X, y)
    with pytest.raises(ValueError, match="penalty='l1' and loss='hinge' is not supported"):
        LinearSVC(penalty="l1", loss="hinge").fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.decision_function(X[:, :2])


def test_pickle_and_unchanged_on_error():
    X, y = _scaled(load_iris)
    clf = LinearSVC(device="cpu").fit(X, y)
    coef = clf.coef_.copy()
    with pytest.raises(ValueError):
        clf.fit(X[:, :2], np.zeros(len(y)))
    assert_array_equal(clf.coef_, coef)
    assert_array_equal(pickle.loads(pickle.dumps(clf)).predict(X), clf.predict(X))


@pytest.mark.gpu
@pytest.mark.parametrize("loss, penalty", [("squared_hinge", "l2"), ("hinge", "l2"), ("squared_hinge", "l1")])
def test_cuda_matches_cpu(loss, penalty):
    X, y = _scaled(load_wine)
    kw = dict(loss=loss, penalty=penalty, random_state=0, tol=1e-8, max_iter=5000)
    cpu = LinearSVC(device="cpu", **kw).fit(X, y)
    gpu = LinearSVC(device="cuda", **kw).fit(X, y)
    assert_allclose(gpu.coef_, cpu.coef_, rtol=1e-4, atol=1e-6)


@parametrize_with_checks(
    [
        LinearSVC("l2", "hinge", random_state=0, device="cpu"),
        LinearSVC("l1", random_state=0, device="cpu"),
        LinearSVC(multi_class="crammer_singer", random_state=0, device="cpu"),
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_other_solvers_pass_sklearn_checks(estimator, check):
    # The default (L2 squared hinge) runs in tests/test_common.py.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize(
    "penalty, loss, dual, message",
    [
        ("l2", "hinge", False, "penalty='l2' and loss='hinge' are not supported when dual=False"),
        ("l1", "squared_hinge", True, "penalty='l1' and loss='squared_hinge' are not supported when dual=True"),
        ("l1", "hinge", "auto", "penalty='l1' and loss='hinge' is not supported"),
    ],
)
def test_unsupported_dual_combinations_raise_sklearns_error(penalty, loss, dual, message):
    X, y = make_classification(60, 4, random_state=0)
    for estimator in (LinearSVC, SklearnLinearSVC):
        with pytest.raises(ValueError, match=message):
            estimator(penalty=penalty, loss=loss, dual=dual).fit(X, y)


@pytest.mark.parametrize("dual", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_squared_hinge_dual_and_primal_match_sklearn(dual, sparse):
    X, y = make_classification(120, 6, random_state=0)
    if sparse:
        X = sp.csr_matrix(X)
    kw = dict(C=0.3, dual=dual, tol=1e-8, max_iter=20000, random_state=0, intercept_scaling=2.0)
    ours = LinearSVC(device="cpu", **kw).fit(X, y)
    ref = SklearnLinearSVC(**kw).fit(X, y)
    # Strongly convex problem: the solutions agree.
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("shape, expected", [((10, 50), True), ((50, 10), False)])
def test_dual_auto_chooses_as_sklearn(shape, expected):
    from sklearn.svm._classes import _validate_dual_parameter

    from skdl.svm._classes import _resolve_dual

    X = np.zeros(shape)
    assert _resolve_dual("auto", "l2", "squared_hinge", X) is expected
    for penalty, loss in [("l2", "squared_hinge"), ("l2", "hinge"), ("l1", "squared_hinge"), ("l1", "hinge")]:
        assert _resolve_dual("auto", penalty, loss, X) == _validate_dual_parameter("auto", loss, penalty, "ovr", X)


def test_sparsify_densify_keep_decisions():
    X, y = make_classification(80, 6, random_state=0)
    clf = LinearSVC(penalty="l1", C=0.05, device="cpu").fit(X, y)
    scores = clf.decision_function(X)
    assert sp.issparse(clf.sparsify().coef_)
    np.testing.assert_allclose(clf.decision_function(X), scores)
    assert isinstance(clf.densify().coef_, np.ndarray)


# Crammer-Singer.


def _sparse_classification():
    """make_classification turned CSR at 1% density (a few nonzeros per row)."""
    X, y = make_classification(1500, 300, n_informative=30, n_classes=4, random_state=0)
    mask = np.random.RandomState(0).uniform(size=X.shape) < 0.01
    return sp.csr_matrix(X * mask), y


def _cs_datasets():
    X_digits, y_digits = load_digits(return_X_y=True)
    return {
        "iris": _scaled(load_iris),
        "digits": (X_digits / 16.0, y_digits),
        "sparse": _sparse_classification(),
    }


def _cs_objective(model, X, y, cost, scaling=1.0):
    """Crammer-Singer's primal objective at a fitted model's coefficients."""
    weights = np.c_[model.coef_, model.intercept_ / scaling]
    return crammer_singer_objective(X, np.searchsorted(model.classes_, y), cost, weights, bias=scaling)


@pytest.mark.parametrize("dataset", ["iris", "digits", "sparse"])
def test_crammer_singer_objective_and_predictions_match_sklearn(dataset):
    X, y = _cs_datasets()[dataset]
    kw = dict(multi_class="crammer_singer", C=0.5, tol=1e-8, max_iter=100000, random_state=0)
    ours = LinearSVC(device="cpu", **kw).fit(X, y)
    with warnings.catch_warnings():
        # scikit-learn's Crammer-Singer runs up to 100000 passes whatever max_iter,
        # and warns whenever it needed more than max_iter.
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SklearnLinearSVC(**kw).fit(X, y)
    cost = np.full(len(y), 0.5)
    ours_obj, ref_obj = _cs_objective(ours, X, y, cost), _cs_objective(ref, X, y, cost)
    assert abs(ours_obj - ref_obj) / ref_obj < 1e-6
    assert ours.coef_.shape == ref.coef_.shape == (len(np.unique(y)), X.shape[1])
    assert ours.intercept_.shape == ref.intercept_.shape
    # Predictions agree wherever the best class is not tied: with a few nonzeros
    # per row, the optimum ties the scores of two classes on many rows exactly.
    top_two = np.sort(ours.decision_function(X), axis=1)[:, -2:]
    clear = top_two[:, 1] - top_two[:, 0] > 1e-6
    assert clear.mean() > 0.8
    assert_array_equal(ours.predict(X)[clear], ref.predict(X)[clear])


def test_crammer_singer_weights_and_intercept_scaling_match_sklearn():
    X, y = _scaled(load_wine)
    sw = np.random.RandomState(0).uniform(0.2, 2.0, len(y))
    kw = dict(
        multi_class="crammer_singer",
        class_weight={0: 2.0, 1: 0.5, 2: 1.0},
        intercept_scaling=3.0,
        tol=1e-8,
        max_iter=100000,
        random_state=0,
    )
    ours = LinearSVC(device="cpu", **kw).fit(X, y, sample_weight=sw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SklearnLinearSVC(**kw).fit(X, y, sample_weight=sw)
    cost = sw * np.array([2.0, 0.5, 1.0])[y]
    ours_obj = _cs_objective(ours, X, y, cost, scaling=3.0)
    ref_obj = _cs_objective(ref, X, y, cost, scaling=3.0)
    assert abs(ours_obj - ref_obj) / ref_obj < 1e-6
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=1e-5)
    no_intercept = LinearSVC(multi_class="crammer_singer", fit_intercept=False).fit(X, y)
    assert_array_equal(no_intercept.intercept_, np.zeros(3))


def test_crammer_singer_binary_is_the_difference_of_two_rows_as_sklearn():
    X, y = _scaled(load_breast_cancer)
    kw = dict(multi_class="crammer_singer", tol=1e-8, max_iter=100000, random_state=0)
    ours = LinearSVC(device="cpu", **kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SklearnLinearSVC(**kw).fit(X, y)
    assert ours.coef_.shape == (1, X.shape[1]) and ours.intercept_.shape == (1,)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=1e-5)


def test_crammer_singer_sparse_equals_dense_and_zero_weight_equals_removal():
    X, y = _scaled(load_wine)
    X[np.abs(X) < 0.5] = 0
    kw = dict(multi_class="crammer_singer", tol=1e-10, max_iter=100000, random_state=0)
    dense = LinearSVC(**kw).fit(X, y)
    sparse = LinearSVC(**kw).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-10, atol=1e-12)
    sw = np.ones(len(y))
    sw[::3] = 0.0
    weighted = LinearSVC(**kw).fit(X, y, sample_weight=sw)
    removed = LinearSVC(**kw).fit(X[sw > 0], y[sw > 0])
    assert_allclose(weighted.coef_, removed.coef_, rtol=1e-6, atol=1e-7)


def _subproblem_by_bisection(A, B, y_position, cost):
    """The block's KKT point with beta found by bisection on sum(a) = 0."""
    bound = np.zeros(len(B))
    bound[y_position] = cost

    def block(beta):
        return np.minimum(bound, (beta - B) / A)

    low, high = B.min() - A * cost - 1.0, B.max() + A * cost + 1.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if block(mid).sum() < 0 else (low, mid)
    return block(0.5 * (low + high))


def test_crammer_singer_subproblem_matches_bisection():
    rng = np.random.RandomState(0)
    for _ in range(200):
        k = rng.randint(2, 8)
        A, B, cost = rng.uniform(0.1, 5.0), rng.normal(size=k), rng.uniform(0.01, 3.0)
        y_position = rng.randint(k)
        alpha_new = np.empty(k)
        _crammer_singer_subproblem(A, B, y_position, cost, k, alpha_new, np.empty(k))
        assert_allclose(alpha_new, _subproblem_by_bisection(A, B, y_position, cost), atol=1e-9)
        assert abs(alpha_new.sum()) < 1e-9


def test_crammer_singer_input_as_sklearn():
    X, y = _scaled(load_iris)
    with pytest.raises(ValueError, match="multi_class"):
        LinearSVC(multi_class="ovo").fit(X, y)
    # penalty, loss and dual are ignored, as in scikit-learn (no combination error).
    kw = dict(multi_class="crammer_singer", random_state=0, device="cpu")
    base = LinearSVC(**kw).fit(X, y)
    ignored = LinearSVC(penalty="l1", loss="hinge", dual=False, **kw).fit(X, y)
    assert_array_equal(ignored.coef_, base.coef_)
    with pytest.raises(ValueError, match="only one class"):
        LinearSVC(**kw).fit(X[:40], y[:40])
    with pytest.warns(ConvergenceWarning, match="Liblinear failed to converge"):
        LinearSVC(max_iter=1, **kw).fit(X, y)


@pytest.mark.parametrize("scaling", [1.0, 100.0, 1000.0])
def test_l1_large_intercept_scaling_matches_sklearn(scaling):
    # The bias column of value intercept_scaling must not stall the L1 solver.
    X, y = np.array([[2, 1], [3, 1], [1, 3], [2, 3]], dtype=float), np.array([0, 0, 1, 1])
    kw = dict(penalty="l1", dual=False, C=4, tol=1e-7, intercept_scaling=scaling, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ours = LinearSVC(device="cpu", **kw).fit(X, y)
    ref = SklearnLinearSVC(**kw).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)


def test_warns_when_max_iter_is_used_up_as_sklearn():
    # The primal Newton needs 2 steps on this toy set: max_iter=2 uses them all,
    # which scikit-learn reports as a failure to converge.
    X, y = [[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]], [1, 1, 1, 2, 2, 2]
    with pytest.warns(ConvergenceWarning, match="Liblinear failed to converge"):
        clf = LinearSVC(max_iter=2, random_state=0, device="cpu").fit(X, y)
    assert isinstance(clf.n_iter_, int) and clf.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LinearSVC(max_iter=3, random_state=0, device="cpu").fit(X, y)
