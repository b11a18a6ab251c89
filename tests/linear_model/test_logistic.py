"""LogisticRegression against scikit-learn's, hand-computed cases and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SklearnLogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdl.linear_model import LogisticRegression
from skdl.linear_model._losses import Design, hessian, loss_gradient
from skdl.linear_model._solvers import learning_rate_at
from skdl.utils._testing import expected_failed_checks

TIGHT = dict(tol=1e-10, max_iter=2000)


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _datasets():
    X_syn, y_syn = make_classification(600, 8, n_informative=5, n_classes=3, random_state=0)
    return {
        "breast_cancer": _scaled(load_breast_cancer),
        "iris": load_iris(return_X_y=True),
        "wine": _scaled(load_wine),
        "synthetic3": (X_syn, y_syn),
    }


def _rel(a, b):
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-12)


@pytest.mark.parametrize("dataset", ["breast_cancer", "iris", "wine", "synthetic3"])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_l2_matches_sklearn(dataset, solver):
    X, y = _datasets()[dataset]
    ours = LogisticRegression(C=0.5, solver=solver, device="cpu", **TIGHT).fit(X, y)
    ref = SklearnLogisticRegression(C=0.5, **TIGHT).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert _rel(ours.coef_, ref.coef_) < 1e-4
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=1e-6)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert_array_equal(ours.predict(X), ref.predict(X))


def test_default_lbfgs_takes_sklearns_iterates():
    # Same objective, same L-BFGS-B options: same iterations at the default tol.
    X, y = make_classification(2000, 10, n_informative=6, n_classes=4, random_state=0)
    ours = LogisticRegression(device="cpu").fit(X, y)
    ref = SklearnLogisticRegression().fit(X, y)
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_weights_no_penalty_and_no_intercept_match_sklearn(solver, fit_intercept):
    X, y = make_classification(400, 5, n_informative=3, n_redundant=0, n_classes=3, flip_y=0.2, random_state=1)
    w = np.random.RandomState(0).uniform(0.1, 3, len(y))
    for C in (1.0, np.inf):
        ours = LogisticRegression(C=C, solver=solver, fit_intercept=fit_intercept, device="cpu", **TIGHT).fit(
            X, y, sample_weight=w
        )
        ref = SklearnLogisticRegression(C=C, fit_intercept=fit_intercept, **TIGHT).fit(X, y, sample_weight=w)
        assert _rel(ours.coef_, ref.coef_) < 1e-4
        assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-4, atol=1e-6)


def test_class_weight_matches_sklearn_and_equals_sample_weight():
    X, y = _scaled(load_wine)
    cw = {0: 1.0, 1: 3.0, 2: 0.5}
    ours = LogisticRegression(class_weight=cw, device="cpu", **TIGHT).fit(X, y)
    ref = SklearnLogisticRegression(class_weight=cw, **TIGHT).fit(X, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-4
    as_sw = LogisticRegression(device="cpu", **TIGHT).fit(X, y, sample_weight=np.vectorize(cw.get)(y))
    assert_allclose(ours.coef_, as_sw.coef_, rtol=1e-7, atol=1e-9)
    balanced = LogisticRegression(class_weight="balanced", device="cpu", **TIGHT).fit(X, y)
    ref_bal = SklearnLogisticRegression(class_weight="balanced", **TIGHT).fit(X, y)
    assert _rel(balanced.coef_, ref_bal.coef_) < 1e-4


def _objective_at(coef, intercept, X, y, C, l1_ratio):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="proximal", max_iter=1).fit(X, y)
    model.coef_, model.intercept_ = coef, intercept
    return model.objective(X, y)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_l1_and_elastic_net_match_saga(l1_ratio):
    X, y = _scaled(load_breast_cancer)
    ours = LogisticRegression(C=0.05, l1_ratio=l1_ratio, solver="proximal", device="cpu", **TIGHT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SklearnLogisticRegression(C=0.05, l1_ratio=l1_ratio, solver="saga", tol=1e-12, max_iter=20000).fit(X, y)
    assert 0 < (ours.coef_ == 0).sum() < ours.coef_.size  # a real sparsity pattern
    assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    ours_obj = ours.objective(X, y)
    ref_obj = _objective_at(ref.coef_, ref.intercept_, X, y, 0.05, l1_ratio)
    assert ours_obj <= ref_obj * (1 + 1e-6)
    assert abs(ours_obj - ref_obj) / ref_obj < 1e-6


def test_multinomial_l1_objective_matches_saga():
    # The over-parametrised multinomial L1 problem can have several minimisers;
    # the objective is what must agree.
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = LogisticRegression(C=0.1, l1_ratio=1.0, solver="proximal", device="cpu", **TIGHT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SklearnLogisticRegression(C=0.1, l1_ratio=1.0, solver="saga", tol=1e-12, max_iter=20000).fit(X, y)
    ref_obj = _objective_at(ref.coef_, ref.intercept_, X, y, 0.1, 1.0)
    assert abs(ours.objective(X, y) - ref_obj) / ref_obj < 1e-6
    assert (ours.coef_ == 0).any()


def test_proximal_without_l1_equals_lbfgs():
    X, y = _scaled(load_wine)
    prox = LogisticRegression(solver="proximal", device="cpu", **TIGHT).fit(X, y)
    lbfgs = LogisticRegression(device="cpu", **TIGHT).fit(X, y)
    assert _rel(prox.coef_, lbfgs.coef_) < 1e-6


def test_gradient_and_hessian_match_finite_differences():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 4)
    for binary, y in ((True, rng.randint(2, size=30).astype(float)), (False, rng.randint(3, size=30))):
        n_rows = 1 if binary else 3
        design = Design(X, torch.device("cpu"))
        yt = torch.from_numpy(y)
        sw = torch.full((30,), 1 / 30, dtype=torch.float64)
        W = torch.from_numpy(rng.randn(n_rows, 4))
        b = torch.from_numpy(rng.randn(n_rows))
        kw = dict(binary=binary, l2=0.3, fit_intercept=True)
        _, gW, gb = loss_gradient(design, yt, sw, W, b, **kw)
        x = torch.cat([W.reshape(-1), b])

        def f(v):
            return float(loss_gradient(design, yt, sw, v[: W.numel()].reshape(W.shape), v[W.numel() :], **kw)[0])

        def g(v):
            _, a, c = loss_gradient(design, yt, sw, v[: W.numel()].reshape(W.shape), v[W.numel() :], **kw)
            return torch.cat([a.reshape(-1), c])

        eps = 1e-6
        eye = torch.eye(len(x), dtype=torch.float64)
        num_grad = torch.tensor([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in eye])
        assert_allclose(torch.cat([gW.reshape(-1), gb]), num_grad, atol=1e-7)
        num_hess = torch.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in eye])
        assert_allclose(hessian(design, yt, sw, W, b, **kw), num_hess, atol=1e-6)


def test_extreme_logits_give_finite_probabilities():
    X, y = load_iris(return_X_y=True)
    clf = LogisticRegression(device="cpu").fit(X, y)
    X_far = X * 1e6
    proba, log_proba = clf.predict_proba(X_far), clf.predict_log_proba(X_far)
    assert np.isfinite(proba).all() and np.isfinite(log_proba).all()
    assert_allclose(proba.sum(axis=1), 1.0)
    bin_clf = LogisticRegression(device="cpu").fit(X[:100], y[:100])
    assert np.isfinite(bin_clf.predict_log_proba(X_far)).all()
    assert_allclose(np.exp(bin_clf.predict_log_proba(X[:100])), bin_clf.predict_proba(X[:100]), rtol=1e-10)


def test_float32_is_computed_and_returned_in_float32():
    X, y = _scaled(load_breast_cancer)
    clf = LogisticRegression(device="cpu").fit(X.astype(np.float32), y)
    assert clf.coef_.dtype == np.float32
    ref = LogisticRegression(device="cpu").fit(X, y)
    assert _rel(clf.coef_.astype(np.float64), ref.coef_) < 1e-3


@pytest.mark.parametrize("solver", ["lbfgs", "proximal"])
def test_sparse_equals_dense(solver):
    X, y = _scaled(load_wine)
    X[np.abs(X) < 0.5] = 0
    kw = dict(solver=solver, l1_ratio=0.5 if solver == "proximal" else 0.0, device="cpu", **TIGHT)
    dense = LogisticRegression(**kw).fit(X, y)
    sparse = LogisticRegression(**kw).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-8)
    assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("solver", ["sgd"])
def test_sparse_raises_type_error_naming_the_solver(solver):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(TypeError, match=f"solver='{solver}' does not support sparse"):
        LogisticRegression(solver=solver, device="cpu").fit(sp.csr_matrix(X), y)


def test_any_label_type():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    codes = np.array([-5, 10, 42])[y]
    ref = LogisticRegression(max_iter=300, device="cpu").fit(X, y)
    for labels in (names, codes):
        clf = LogisticRegression(max_iter=300, device="cpu").fit(X, labels)
        assert_array_equal(clf.classes_, np.unique(labels))
        assert_array_equal(clf.predict(X), np.unique(labels)[ref.predict(X)])
    binary = LogisticRegression(device="cpu").fit(X[:100], names[:100])
    assert binary.coef_.shape == (1, 4) and binary.decision_function(X[:5]).shape == (5,)


def test_warm_start_continues_from_previous_solution():
    X, y = _scaled(load_breast_cancer)
    clf = LogisticRegression(warm_start=True, device="cpu", tol=1e-8, max_iter=500).fit(X, y)
    first = clf.n_iter_[0]
    clf.fit(X, y)
    assert clf.n_iter_[0] < first


def test_learning_rate_schedules():
    kw = dict(learning_rate=0.1, lr_decay=0.5, lr_step_size=2, warmup_epochs=0, max_iter=10)
    assert learning_rate_at(3, lr_schedule="constant", **kw) == 0.1
    assert learning_rate_at(3, lr_schedule="step", **kw) == pytest.approx(0.05)
    assert learning_rate_at(3, lr_schedule="exponential", **kw) == pytest.approx(0.1 * 0.125)
    assert learning_rate_at(2, lr_schedule="inverse_time", **kw) == pytest.approx(0.05)
    assert learning_rate_at(5, lr_schedule="cosine", **kw) == pytest.approx(0.05)
    warm = dict(kw, warmup_epochs=3)
    assert [learning_rate_at(t, lr_schedule="constant", **warm) for t in range(4)] == pytest.approx(
        [0.025, 0.05, 0.075, 0.1]
    )


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"])
def test_sgd_optimizers_approach_the_lbfgs_solution(optimizer):
    X, y = _scaled(load_breast_cancer)
    lr = {"adadelta": 1.0, "sgd": 0.1, "adagrad": 0.1}.get(optimizer, 0.01)
    clf = LogisticRegression(
        C=0.1,
        solver="sgd",
        optimizer=optimizer,
        learning_rate=lr,
        batch_size=64,
        max_iter=60,
        random_state=0,
        device="cpu",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    exact = LogisticRegression(C=0.1, device="cpu", **TIGHT).fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_[0]
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    # Within 1% of the optimum of the same objective after at most 60 epochs.
    assert clf.objective(X, y) < exact.objective(X, y) * 1.01
    assert clf.score(X, y) >= exact.score(X, y) - 0.02


def test_sgd_l1_gives_zeros_and_schedules_run():
    X, y = _scaled(load_breast_cancer)
    clf = LogisticRegression(
        solver="sgd",
        C=0.05,
        l1_ratio=1.0,
        optimizer="sgd",
        learning_rate=0.1,
        lr_schedule="cosine",
        warmup_epochs=2,
        max_iter=40,
        random_state=0,
        device="cpu",
    ).fit(X, y)
    assert (clf.coef_ == 0).sum() > 5


def test_sgd_early_stopping_keeps_best_validation_score():
    X, y = _scaled(load_breast_cancer)
    clf = LogisticRegression(
        solver="sgd", early_stopping=True, n_iter_no_change=3, max_iter=200, random_state=0, device="cpu"
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_[0] < 200
    assert not hasattr(LogisticRegression(solver="sgd", max_iter=5, device="cpu").fit(X, y), "validation_scores_")


def test_sgd_is_reproducible_with_random_state():
    X, y = _scaled(load_wine)
    a = LogisticRegression(solver="sgd", max_iter=10, random_state=3, device="cpu").fit(X, y)
    b = LogisticRegression(solver="sgd", max_iter=10, random_state=3, device="cpu").fit(X, y)
    assert_array_equal(a.coef_, b.coef_)


def test_sgd_divergence_is_reported_never_nan():
    X, y = load_breast_cancer(return_X_y=True)  # unscaled: large features
    with pytest.raises(ValueError, match="diverged"):
        LogisticRegression(solver="sgd", optimizer="sgd", learning_rate=1e300, max_iter=5, device="cpu").fit(X, y)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        clf = LogisticRegression(
            solver="sgd", optimizer="adam", learning_rate=100.0, max_iter=5, random_state=0, device="cpu"
        ).fit(X, y)
    assert np.isfinite(clf.coef_).all()


def test_not_converged_warns():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        LogisticRegression(max_iter=2, device="cpu").fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"C": 0}, "C"),
        ({"C": -1.0}, "C"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"l1_ratio": -0.1}, "l1_ratio"),
        ({"solver": "lib-linear"}, "solver"),
        ({"optimizer": "lion"}, "optimizer"),
        ({"l1_ratio": 1.0}, "Solver lbfgs supports only 'l2' or None penalties, got l1"),
        ({"l1_ratio": 0.5, "solver": "newton"}, "supports only 'l2' or None penalties"),
    ],
)
def test_bad_parameters(params, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        LogisticRegression(device="cpu", **params).fit(X, y)


def test_bad_input():
    X, y = load_iris(return_X_y=True)
    clf = LogisticRegression(device="cpu")
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_nan, y)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="0 sample"):
        clf.fit(np.empty((0, 4)), [])
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(10))
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        clf.fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="non-zero"):
        clf.fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="sum to zero"):
        LogisticRegression(class_weight={0: 0.0, 1: 0.0, 2: 0.0}, device="cpu").fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])


def test_failed_fit_leaves_fitted_model_unchanged():
    X, y = load_iris(return_X_y=True)
    clf = LogisticRegression(device="cpu").fit(X, y)
    coef = clf.coef_.copy()
    with pytest.raises(ValueError):
        clf.fit(X[:, :2], np.zeros(len(y)))
    assert_array_equal(clf.coef_, coef)
    assert clf.n_features_in_ == 4


def test_pickle_round_trip():
    X, y = load_iris(return_X_y=True)
    clf = LogisticRegression(device="cpu").fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))


def test_digits_accuracy_close_to_sklearn():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    ours = LogisticRegression(device="cpu", max_iter=300).fit(X, y)
    ref = SklearnLogisticRegression(max_iter=300).fit(X, y)
    assert abs(ours.score(X, y) - ref.score(X, y)) <= 0.005


@pytest.mark.gpu
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "proximal", "sgd"])
def test_cuda_matches_cpu(solver):
    X, y = _scaled(load_wine)
    kw = dict(solver=solver, random_state=0, tol=1e-8, max_iter=300)
    cpu = LogisticRegression(device="cpu", **kw).fit(X, y)
    gpu = LogisticRegression(device="cuda", **kw).fit(X, y)
    tol = 1e-2 if solver == "sgd" else 1e-5
    assert _rel(gpu.coef_, cpu.coef_) < tol
    assert isinstance(gpu.coef_, np.ndarray)


@parametrize_with_checks(
    [
        LogisticRegression(solver="newton", device="cpu"),
        LogisticRegression(solver="proximal", l1_ratio=0.5, max_iter=300, device="cpu"),
        LogisticRegression(solver="sgd", max_iter=30, random_state=0, device="cpu"),
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_other_solvers_pass_sklearn_checks(estimator, check):
    # The default (lbfgs) runs in tests/test_common.py.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_cpu_thread_setting_is_restored():
    X, y = load_iris(return_X_y=True)
    before = torch.get_num_threads()
    LogisticRegression(max_iter=300, device="cpu").fit(X, y)
    LogisticRegression(solver="sgd", max_iter=3, device="cpu").fit(X, y)
    assert torch.get_num_threads() == before


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_classes=st.integers(2, 4),
    log_C=st.floats(-2, 2),
    fit_intercept=st.booleans(),
)
def test_lbfgs_and_newton_find_the_same_minimum(seed, n_classes, log_C, fit_intercept):
    rng = np.random.RandomState(seed)
    X = rng.randn(60, 3)
    y = rng.randint(n_classes, size=60)
    y[:n_classes] = np.arange(n_classes)  # every class present
    kw = dict(C=10.0**log_C, fit_intercept=fit_intercept, device="cpu", **TIGHT)
    lbfgs = LogisticRegression(**kw).fit(X, y)
    newton = LogisticRegression(solver="newton", **kw).fit(X, y)
    assert_allclose(newton.coef_, lbfgs.coef_, rtol=1e-5, atol=1e-7)
    proba = newton.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(newton.classes_[proba.argmax(axis=1)], newton.predict(X))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_proba_lr_matches_sklearn(n_classes):
    # The one-vs-rest normalised sigmoids of scikit-learn's linear classifiers.
    X, y = make_classification(200, 8, n_classes=n_classes, n_informative=5, random_state=0)
    ours = LogisticRegression(device="cpu").fit(X, y)
    ref = SklearnLogisticRegression().fit(X, y)
    ref.coef_, ref.intercept_ = ours.coef_, ours.intercept_
    assert_allclose(ours._predict_proba_lr(X), ref._predict_proba_lr(X), rtol=1e-12)
    # softmax fits the multinomial model better than the normalised sigmoids
    if n_classes > 2:
        assert log_loss(y, ours._predict_proba_lr(X)) > log_loss(y, ours.predict_proba(X))
