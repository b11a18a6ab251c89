"""SVC against scikit-learn's (libsvm), the NumPy reference SMO and bad input."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import svm as sk_svm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics.pairwise import linear_kernel, polynomial_kernel, rbf_kernel
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import skdl.svm._smo as smo_module
import skdl.svm._smo_cache as smo_cache
import skdl.svm._svc as svc_module
from skdl.svm import SVC
from skdl.svm._kernels import FeatureRows, KernelSpec, PrecomputedRows, diagonal, pairwise
from skdl.svm._smo import (
    TAU,
    Solution,
    _pair_step,
    calculate_rho,
    dual_objective,
    smo_dense,
    up_low,
    violation,
)
from skdl.svm._smo_cache import solve_cached
from skdl.utils._testing import expected_failed_checks

KERNELS = ["linear", "poly", "rbf", "sigmoid"]


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _datasets():
    X3, y3 = make_classification(600, 10, n_informative=6, n_classes=3, random_state=0)
    X2, y2 = make_classification(800, 8, n_informative=5, flip_y=0.05, random_state=1)
    return {
        "iris": _scaled(load_iris),
        "wine": _scaled(load_wine),
        "breast_cancer": _scaled(load_breast_cancer),
        "digits": _scaled(load_digits),
        "synthetic3": (StandardScaler().fit_transform(X3), y3),
        "synthetic2": (StandardScaler().fit_transform(X2), y2),
    }


DATASETS = _datasets()


def smo_reference(Q, y, C, *, tol, max_iter=100_000):
    """SMO with WSS2 on a full ``Q`` in plain NumPy (no shrinking, no cache).

    A slow, readable reference for the tests.

    Parameters
    ----------
    Q : ndarray of shape (n, n)
        ``y_i y_j k(x_i, x_j)``.
    y : ndarray of shape (n,)
        Labels in {-1.0, +1.0}.
    C : ndarray of shape (n,)
        Upper bounds.
    tol : float
    max_iter : int, default=100_000

    Returns
    -------
    solution : Solution
    """
    n = len(y)
    alpha = np.zeros(n)
    G = -np.ones(n)
    QD = np.diag(Q).copy()
    n_iter = 0
    converged = False
    while n_iter < max_iter:
        minus_yG = -y * G
        up, low = up_low(y, alpha, C)
        if not up.any() or not low.any():
            converged = True
            break
        # Ties go to the last index, as in libsvm's loops (>= and <=).
        up_index = np.flatnonzero(up)
        i = up_index[len(up_index) - 1 - np.argmax(minus_yG[up_index][::-1])]
        m = minus_yG[i]
        candidates = np.flatnonzero(low & (minus_yG < m))
        if m - minus_yG[low].min() < tol or len(candidates) == 0:
            converged = True
            break
        b = m - minus_yG[candidates]
        a = QD[i] + QD[candidates] - 2.0 * y[i] * y[candidates] * Q[i, candidates]
        a = np.where(a > 0, a, TAU)
        obj_diff = -(b * b) / a
        j = candidates[len(candidates) - 1 - np.argmin(obj_diff[::-1])]
        a_i, a_j = _pair_step.py_func(y[i], y[j], G[i], G[j], alpha[i], alpha[j], C[i], C[j], QD[i], QD[j], Q[i, j])
        G += Q[i] * (a_i - alpha[i]) + Q[j] * (a_j - alpha[j])
        alpha[i], alpha[j] = a_i, a_j
        n_iter += 1
    return Solution(alpha, calculate_rho(y, G, alpha, C), dual_objective(alpha, G), n_iter, converged)


def _pair_weights(model):
    """``(W, b)`` with one column per machine, scikit-learn's ovo layout read back."""
    n_classes = len(model.classes_)
    if n_classes == 2:
        return model.dual_coef_.T, model.intercept_
    starts = np.r_[0, np.cumsum(model.n_support_)]
    W = np.zeros((model.dual_coef_.shape[1], len(model.intercept_)))
    p = 0
    for a in range(n_classes):
        for b in range(a + 1, n_classes):
            W[starts[a] : starts[a + 1], p] = model.dual_coef_[b - 1, starts[a] : starts[a + 1]]
            W[starts[b] : starts[b + 1], p] = model.dual_coef_[a, starts[b] : starts[b + 1]]
            p += 1
    return W, model.intercept_


def _kernel(model, A, B):
    gamma = model._gamma
    if model.kernel == "linear":
        return linear_kernel(A, B)
    if model.kernel == "rbf":
        return rbf_kernel(A, B, gamma=gamma)
    if model.kernel == "poly":
        return polynomial_kernel(A, B, degree=model.degree, gamma=gamma, coef0=model.coef0)
    return np.tanh(gamma * A @ B.T + model.coef0)


def _dual_objectives(model):
    """``1/2 w^T K w - |w|_1`` of each machine, from its support vectors."""
    W, _ = _pair_weights(model)
    SV = model.support_vectors_
    K = _kernel(model, SV, SV)
    return np.array([0.5 * w @ K @ w - np.abs(w).sum() for w in W.T])


def _split(dataset):
    X, y = DATASETS[dataset]
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_agrees_with_sklearn(dataset, kernel):
    X_train, X_test, y_train, _ = _split(dataset)
    ours = SVC(kernel=kernel, device="cpu").fit(X_train, y_train)
    ref = sk_svm.SVC(kernel=kernel).fit(X_train, y_train)
    # Predictions on held-out data.
    assert np.mean(ours.predict(X_test) == ref.predict(X_test)) >= 0.995
    # The same dual optimum, support vectors and intercepts.
    ours_obj, ref_obj = _dual_objectives(ours), _dual_objectives(ref)
    assert np.all(np.abs(ours_obj - ref_obj) <= 1e-4 * np.abs(ref_obj))
    assert abs(ours.n_support_.sum() - ref.n_support_.sum()) <= 0.02 * ref.n_support_.sum()
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-3, atol=1e-3)
    assert_allclose(ours.decision_function(X_test), ref.decision_function(X_test), rtol=1e-3, atol=1e-3)
    # The same layout: support vectors grouped by class, libsvm's dual_coef_ rows.
    assert_array_equal(ours.support_, ref.support_)
    assert ours.dual_coef_.shape == ref.dual_coef_.shape
    assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-3 * max(1.0, np.abs(ref.dual_coef_).max()))
    assert_array_equal(ours.n_support_, ref.n_support_)
    assert ours.n_iter_.shape == ref.n_iter_.shape and ours.fit_status_ == 0


@pytest.mark.parametrize("shape", ["ovr", "ovo"])
def test_decision_function_shapes_and_break_ties_match_sklearn(shape):
    X_train, X_test, y_train, _ = _split("synthetic3")
    kw = dict(decision_function_shape=shape, C=0.3)
    ours = SVC(device="cpu", **kw).fit(X_train, y_train)
    ref = sk_svm.SVC(**kw).fit(X_train, y_train)
    assert ours.decision_function(X_test).shape == ref.decision_function(X_test).shape
    assert_allclose(ours.decision_function(X_test), ref.decision_function(X_test), atol=1e-6)
    if shape == "ovr":
        ours.set_params(break_ties=True)
        ref.set_params(break_ties=True)
        assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    else:
        with pytest.raises(ValueError, match="break_ties must be False"):
            ours.set_params(break_ties=True).predict(X_test)


def test_binary_signs_match_sklearn():
    X, y = DATASETS["breast_cancer"]
    ours = SVC(device="cpu").fit(X, y)
    ref = sk_svm.SVC().fit(X, y)
    assert ours.dual_coef_.shape == (1, ours.support_.size)
    assert ours.intercept_.shape == (1,)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-8)
    assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-8)
    dec = ours.decision_function(X)
    assert dec.shape == (len(X),)
    assert_array_equal(ours.predict(X), ours.classes_[(dec >= 0).astype(int)])


@pytest.mark.parametrize("kernel", ["linear", "rbf"])
def test_precomputed_and_callable_kernels_give_the_feature_kernel_model(kernel):
    X_train, X_test, y_train, _ = _split("wine")
    gamma = 0.05
    func = linear_kernel if kernel == "linear" else (lambda A, B: rbf_kernel(A, B, gamma=gamma))
    plain = SVC(kernel=kernel, gamma=gamma, device="cpu").fit(X_train, y_train)
    pre = SVC(kernel="precomputed", device="cpu").fit(func(X_train, X_train), y_train)
    ref = sk_svm.SVC(kernel="precomputed").fit(func(X_train, X_train), y_train)
    called = SVC(kernel=func, device="cpu").fit(X_train, y_train)
    expected = plain.decision_function(X_test)
    assert_allclose(pre.decision_function(func(X_test, X_train)), expected, atol=1e-6)
    assert_allclose(ref.decision_function(func(X_test, X_train)), expected, atol=1e-6)
    assert_allclose(called.decision_function(X_test), expected, atol=1e-6)
    assert_array_equal(pre.support_, plain.support_)
    assert pre.support_vectors_.size == 0
    assert pre.__sklearn_tags__().input_tags.pairwise
    if kernel == "linear":
        assert_allclose(plain.coef_, ref_linear_coef(X_train, y_train), atol=1e-6)


def ref_linear_coef(X, y):
    return sk_svm.SVC(kernel="linear").fit(X, y).coef_


def test_pipeline_and_grid_search_find_sklearns_best_parameters():
    X, y = load_breast_cancer(return_X_y=True)
    grid = {"svc__C": [0.1, 1.0, 10.0], "svc__gamma": ["scale", 0.01], "svc__kernel": ["rbf", "linear"]}
    ours = GridSearchCV(make_pipeline(StandardScaler(), SVC(device="cpu")), grid, cv=3).fit(X, y)
    ref = GridSearchCV(make_pipeline(StandardScaler(), sk_svm.SVC()), grid, cv=3).fit(X, y)
    assert ours.best_params_ == ref.best_params_
    assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"], atol=0.005)


def test_pickle_round_trip_predicts_identically():
    X, y = DATASETS["iris"]
    model = SVC(device="cpu").fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.decision_function(X), model.decision_function(X))
    assert_array_equal(restored.predict(X), model.predict(X))


@pytest.mark.parametrize("dataset", ["breast_cancer", "synthetic3"])
@pytest.mark.parametrize("kernel", ["rbf", "poly"])
def test_blocked_torch_route_matches_the_cached_numba_route(monkeypatch, dataset, kernel):
    X_train, X_test, y_train, _ = _split(dataset)
    cached = SVC(kernel=kernel, device="cpu").fit(X_train, y_train)
    monkeypatch.setattr(svc_module, "choose_route", lambda device: "blocked")
    # Small working sets so several rounds run on these small problems.
    monkeypatch.setattr(svc_module, "_BLOCK_SIZE", 64)
    blocked = SVC(kernel=kernel, device="cpu").fit(X_train, y_train)
    assert blocked.fit_status_ == 0
    assert np.mean(blocked.predict(X_test) == cached.predict(X_test)) >= 0.99
    ours_obj, ref_obj = _dual_objectives(blocked), _dual_objectives(cached)
    assert np.all(np.abs(ours_obj - ref_obj) <= 1e-4 * np.abs(ref_obj))
    assert abs(blocked.n_support_.sum() - cached.n_support_.sum()) <= 0.02 * cached.n_support_.sum()
    # Both stop at m - M < tol; their intercepts (the mean of y G over the
    # free variables) differ by at most 2.4e-4 here, and by 3e-8 at tol=1e-8.
    assert_allclose(blocked.intercept_, cached.intercept_, rtol=0, atol=cached.tol)
    tight = dict(kernel=kernel, tol=1e-8, device="cpu")
    blocked_tight = SVC(**tight).fit(X_train, y_train)
    monkeypatch.setattr(svc_module, "choose_route", lambda device: "cached")
    cached_tight = SVC(**tight).fit(X_train, y_train)
    assert_allclose(blocked_tight.intercept_, cached_tight.intercept_, rtol=0, atol=1e-7)


def test_blocked_route_takes_a_precomputed_kernel(monkeypatch):
    X_train, X_test, y_train, _ = _split("iris")
    K = rbf_kernel(X_train, X_train, gamma=0.2)
    cached = SVC(kernel="precomputed", device="cpu").fit(K, y_train)
    monkeypatch.setattr(svc_module, "choose_route", lambda device: "blocked")
    blocked = SVC(kernel="precomputed", device="cpu").fit(K, y_train)
    K_test = rbf_kernel(X_test, X_train, gamma=0.2)
    assert np.mean(blocked.predict(K_test) == cached.predict(K_test)) >= 0.99
    assert_allclose(_pair_weights(blocked)[1], _pair_weights(cached)[1], atol=0.02)


def _random_problem(seed, n, kernel="rbf"):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
    if np.all(y == y[0]):
        y[0] = -y[0]
    C = rng.uniform(0.2, 3.0, size=n)
    K = {
        "rbf": rbf_kernel(X, X, gamma=0.5),
        "linear": X @ X.T,
        "poly": polynomial_kernel(X, X, degree=2, gamma=0.3, coef0=1.0),
    }[kernel]
    return X, y, C, K, (y[:, None] * y[None, :]) * K


@pytest.mark.parametrize("inline", [True, False], ids=["rows-in-loop", "rows-by-blas"])
@pytest.mark.parametrize("shrinking", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_cached_numba_smo_and_numpy_reference_reach_the_same_optimum(seed, shrinking, inline, monkeypatch):
    if not inline:
        monkeypatch.setattr(smo_cache, "_INLINE_WORK", 0)
    X, y, C, K, Q = _random_problem(seed, 150)
    ref = smo_reference(Q, y, C, tol=1e-8)
    # A cache of 3 rows: eviction, partial rows and their extension all run.
    for rows, cache_rows in [
        (FeatureRows(X, KernelSpec("rbf", gamma=0.5)), 3),
        (PrecomputedRows(K, np.arange(len(y))), 1000),
    ]:
        ours = solve_cached(
            rows,
            y,
            C,
            np.ones(len(y)),
            tol=1e-8,
            max_iter=-1,
            shrinking=shrinking,
            cache_rows=cache_rows,
            chunk_rows=16,
            cache_dtype=np.float64,
        )
        assert ours.converged and ref.converged
        assert_allclose(ours.objective, ref.objective, rtol=1e-9)
        assert_allclose(ours.alpha, ref.alpha, atol=1e-5 * C.max())
        assert_allclose(ours.rho, ref.rho, atol=1e-6)
    # The dense pair loop (the blocked route's subproblem solver) from zero.
    alpha, G = np.zeros(len(y)), -np.ones(len(y))
    smo_dense(Q, y, C, alpha, G, tol=1e-8)
    assert_allclose(dual_objective(alpha, G), ref.objective, rtol=1e-9)


@pytest.mark.parametrize("kernel", KERNELS)
def test_rows_computed_in_the_loop_or_by_blas_give_the_same_model(kernel, monkeypatch):
    X, y = DATASETS["wine"]
    in_loop = SVC(kernel=kernel, device="cpu").fit(X, y)
    monkeypatch.setattr(smo_cache, "_INLINE_WORK", 0)
    by_blas = SVC(kernel=kernel, device="cpu").fit(X, y)
    assert_allclose(in_loop.decision_function(X), by_blas.decision_function(X), atol=1e-6)
    assert_array_equal(in_loop.support_, by_blas.support_)


def test_reference_smo_follows_libsvm_iteration_by_iteration():
    # Same WSS2 rule, same ties: without shrinking the numba solver takes the
    # reference's steps, so the iteration counts agree exactly.
    X, y, C, K, Q = _random_problem(7, 80, "poly")
    ref = smo_reference(Q, y, C, tol=1e-3)
    ours = solve_cached(
        PrecomputedRows(K, np.arange(len(y))),
        y,
        C,
        np.diag(K).copy(),
        tol=1e-3,
        max_iter=-1,
        shrinking=False,
        cache_rows=100,
        chunk_rows=16,
        cache_dtype=np.float64,
    )
    assert ours.n_iter == ref.n_iter
    assert_allclose(ours.alpha, ref.alpha, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(4, 40), st.sampled_from(["rbf", "linear", "poly"]))
def test_dual_objective_only_improves_over_smo_iterations(seed, n, kernel):
    _, y, C, _, Q = _random_problem(seed, n, kernel)
    alpha, G = np.zeros(n), -np.ones(n)
    previous = dual_objective(alpha, G)
    for _ in range(3 * n):
        steps = smo_dense(Q, y, C, alpha, G, tol=1e-10, max_iter=1)
        value = dual_objective(alpha, G)
        # Each pair step decreases the objective (never increases it) and
        # keeps alpha feasible: in the box, on the hyperplane y . alpha = 0.
        assert value <= previous + 1e-12 * max(1.0, abs(previous))
        assert np.all(alpha >= 0) and np.all(alpha <= C)
        assert abs(y @ alpha) <= 1e-9 * max(1.0, C.sum())
        assert_allclose(G, Q @ alpha - 1.0, atol=1e-8 * max(1.0, np.abs(Q).sum()))
        previous = value
        if steps == 0:
            assert violation(y, G, alpha, C) < 1e-10
            break


def test_multiclass_ovr_matches_one_vs_rest_of_sklearn_svc():
    X_train, X_test, y_train, _ = _split("synthetic3")
    ours = SVC(multiclass="ovr", device="cpu").fit(X_train, y_train)
    ref = OneVsRestClassifier(sk_svm.SVC()).fit(X_train, y_train)
    assert ours.dual_coef_.shape == (3, ours.support_.size)
    assert ours.intercept_.shape == (3,) and ours.n_iter_.shape == (3,)
    # The problems are the same but their samples come in another order, so
    # the solvers stop at different points within tol.
    assert_allclose(ours.decision_function(X_test), ref.decision_function(X_test), atol=5e-3)
    assert np.mean(ours.predict(X_test) == ref.predict(X_test)) >= 0.995
    with pytest.raises(ValueError, match="decision_function_shape='ovo' needs multiclass='ovo'"):
        SVC(multiclass="ovr", decision_function_shape="ovo").fit(X_train, y_train)


def test_class_and_sample_weights_scale_C_as_in_sklearn():
    X, y = DATASETS["synthetic3"]
    rng = np.random.RandomState(0)
    sample_weight = rng.uniform(0.0, 2.0, size=len(y))
    sample_weight[:20] = 0.0
    kw = dict(class_weight={0: 2.0, 1: 0.5, 2: 1.0})
    ours = SVC(device="cpu", **kw).fit(X, y, sample_weight=sample_weight)
    ref = sk_svm.SVC(**kw).fit(X, y, sample_weight=sample_weight)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-6)
    assert_allclose(ours.class_weight_, ref.class_weight_)
    balanced = SVC(class_weight="balanced", device="cpu").fit(X[:400], y[:400])
    ref_bal = sk_svm.SVC(class_weight="balanced").fit(X[:400], y[:400])
    assert_allclose(balanced.decision_function(X), ref_bal.decision_function(X), atol=1e-6)
    # Samples of weight 0 are not support vectors; support_ numbers the others.
    assert_array_equal(ours.support_, ref.support_)
    assert_allclose(ours.support_vectors_, X[20:][ours.support_])


def test_weight_two_equals_two_copies_at_a_tight_tol():
    X, y = DATASETS["iris"]
    weight = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    repeated = np.repeat(np.arange(len(y)), weight.astype(int))
    # A fixed gamma: "scale" follows X.var(), which repeated rows change.
    kw = dict(tol=1e-10, gamma=0.25, device="cpu", decision_function_shape="ovo")
    weighted = SVC(**kw).fit(X, y, sample_weight=weight)
    copies = SVC(**kw).fit(X[repeated], y[repeated])
    assert_allclose(weighted.decision_function(X), copies.decision_function(X), atol=1e-6)


def test_a_class_zeroed_by_class_weight_gets_constant_machines():
    X, y = DATASETS["iris"]
    model = SVC(class_weight={0: 0.0}, device="cpu").fit(X, y)
    assert model.n_support_[0] == 0
    assert not np.any(model.predict(X) == 0)
    # The pairs with class 0 vote for the other class everywhere.
    dec = model.set_params(decision_function_shape="ovo").decision_function(X)
    assert_allclose(dec[:, :2], -1.0)


@pytest.mark.parametrize("multiclass", ["ovo", "ovr"])
def test_calibrated_probabilities_match_the_same_wrapper_around_sklearn(multiclass):
    X, y = DATASETS["synthetic3"] if multiclass == "ovo" else DATASETS["wine"]
    for data in [(X, y), DATASETS["breast_cancer"]]:
        X_train, X_test, y_train, _ = train_test_split(*data, test_size=0.3, random_state=0)
        ours = CalibratedClassifierCV(SVC(multiclass=multiclass, device="cpu"), method="sigmoid", ensemble=False).fit(
            X_train, y_train
        )
        ref_est = OneVsRestClassifier(sk_svm.SVC()) if multiclass == "ovr" else sk_svm.SVC()
        ref = CalibratedClassifierCV(ref_est, method="sigmoid", ensemble=False).fit(X_train, y_train)
        proba = ours.predict_proba(X_test)
        assert_allclose(proba.sum(axis=1), 1.0)
        assert np.abs(proba - ref.predict_proba(X_test)).mean() <= 0.02


def test_max_iter_warns_and_leaves_a_usable_model():
    X, y = DATASETS["digits"]
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        model = SVC(max_iter=5, device="cpu").fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = sk_svm.SVC(max_iter=5).fit(X, y)
    assert model.fit_status_ == 1 == ref.fit_status_
    assert np.all(model.n_iter_ <= 5)
    assert np.isfinite(model.decision_function(X)).all()
    assert np.mean(model.predict(X) == y) > 0.5


def test_shrinking_small_cache_and_float32_give_the_same_model():
    X, y = DATASETS["synthetic2"]
    base = SVC(device="cpu").fit(X, y)
    for model in [SVC(shrinking=False, device="cpu"), SVC(cache_size=0.01, device="cpu")]:
        model.fit(X, y)
        assert_allclose(model.decision_function(X), base.decision_function(X), atol=1e-3)
    low = SVC(device="cpu").fit(X.astype(np.float32), y)
    assert np.mean(low.predict(X.astype(np.float32)) == base.predict(X)) >= 0.99
    assert low.dual_coef_.dtype == np.float64


def test_verbose_prints_one_line_per_machine(capsys):
    X, y = DATASETS["iris"]
    SVC(verbose=1, device="cpu").fit(X, y)
    assert capsys.readouterr().out.count("[SVC]") == 3


def test_coef_only_for_the_linear_kernel():
    X, y = DATASETS["iris"]
    with pytest.raises(AttributeError, match="linear kernel"):
        SVC(device="cpu").fit(X, y).coef_
    ours = SVC(kernel="linear", device="cpu").fit(X, y)
    assert_allclose(ours.coef_, sk_svm.SVC(kernel="linear").fit(X, y).coef_, atol=1e-8)
    ours_ovr = SVC(kernel="linear", multiclass="ovr", device="cpu").fit(X, y)
    assert ours_ovr.coef_.shape == (3, X.shape[1])


@parametrize_with_checks(
    [SVC(kernel="precomputed", device="cpu"), SVC(multiclass="ovr", kernel="poly", device="cpu")],
    expected_failed_checks=expected_failed_checks,
)
def test_other_settings_pass_sklearn_checks(estimator, check):
    # The default (rbf, one-vs-one) runs in tests/test_common.py.
    check(estimator)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_a_value_error(value):
    X, y = DATASETS["iris"]
    X = X.copy()
    X[3, 1] = value
    with pytest.raises(ValueError, match="NaN|infinity"):
        SVC(device="cpu").fit(X, y)


def test_one_class_is_a_value_error():
    X, y = DATASETS["iris"]
    with pytest.raises(ValueError, match="at least 2 classes"):
        SVC(device="cpu").fit(X, np.zeros(len(X)))


def test_precomputed_kernel_must_be_square_and_match_at_predict():
    X, y = DATASETS["iris"]
    with pytest.raises(ValueError, match="square matrix"):
        SVC(kernel="precomputed").fit(X @ X[:100].T, y)
    model = SVC(kernel="precomputed", device="cpu").fit(X @ X.T, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:5] @ X[:100].T)


@pytest.mark.parametrize("params", [{"gamma": -1.0}, {"C": 0.0}, {"C": -1.0}])
def test_negative_gamma_or_non_positive_C_is_a_value_error(params):
    X, y = DATASETS["iris"]
    name = next(iter(params))
    with pytest.raises(ValueError, match=f"'{name}' parameter of SVC must be"):
        SVC(**params).fit(X, y)


def test_class_weight_zeroing_all_but_one_class_is_a_value_error():
    X, y = DATASETS["iris"]
    with pytest.raises(ValueError, match="positive weight .* belong to one class, 2"):
        SVC(class_weight={0: 0.0, 1: 0.0}).fit(X, y)
    with pytest.raises(ValueError, match="belong to no class"):
        SVC(class_weight={0: 0.0, 1: 0.0, 2: 0.0}).fit(X, y)
    with pytest.raises(ValueError, match="all samples have zero or negative weights"):
        SVC().fit(X, y, sample_weight=np.zeros(len(y)))


def test_values_whose_squares_overflow_are_a_value_error():
    X, y = DATASETS["iris"]
    with pytest.raises(ValueError, match="overflow"):
        SVC(device="cpu").fit(X * 1e300, y)
    model = SVC(device="cpu").fit(X, y)
    with pytest.raises(ValueError, match="overflow"):
        model.predict(X * 1e300)


def test_failed_fit_leaves_a_fitted_model_unchanged():
    X, y = DATASETS["iris"]
    model = SVC(device="cpu").fit(X, y)
    expected = model.decision_function(X)
    with pytest.raises(ValueError):
        model.fit(X, np.zeros(len(X)))
    assert_array_equal(model.decision_function(X), expected)


def test_model_fitted_with_torch_tensors_on_cpu_predicts_numpy():
    # Fitted attributes are NumPy arrays whatever the route.
    X, y = DATASETS["iris"]
    model = SVC(device="cpu").fit(X, y)
    for name in ("support_", "support_vectors_", "dual_coef_", "intercept_", "n_support_", "n_iter_"):
        assert isinstance(getattr(model, name), np.ndarray), name
    assert not any(isinstance(v, torch.Tensor) for v in vars(model).values())


# ------------------------------------------------ review fixes (kernels, solver)


def _one_row_kernel(A, B):
    return (A @ B.T)[:1]


def _one_column_kernel(A, B):
    return (A @ B.T)[:, 0]


def _transposed_kernel(A, B):
    # Right only when A and B have as many rows (the diagonal's square blocks).
    return (A @ B.T).T


@pytest.mark.parametrize("route", ["cached", "blocked"])
@pytest.mark.parametrize("bad", [_one_row_kernel, _one_column_kernel, _transposed_kernel])
def test_callable_kernel_of_the_wrong_shape_is_a_value_error(monkeypatch, route, bad):
    X, y = DATASETS["iris"]
    monkeypatch.setattr(svc_module, "choose_route", lambda device: route)
    # Working sets smaller than the problems: their kernel rows are not square.
    monkeypatch.setattr(svc_module, "_BLOCK_SIZE", 16)
    with pytest.raises(ValueError, match=rf"kernel {bad.__name__} returned .* must return"):
        SVC(kernel=bad, device="cpu").fit(X, y)
    model = SVC(kernel=linear_kernel, device="cpu").fit(X, y)
    model.set_params(kernel=bad)
    with pytest.raises(ValueError, match=rf"kernel {bad.__name__} returned"):
        model.predict(X[:7])


def test_a_stalled_blocked_solver_warns_with_its_cause_not_max_iter(monkeypatch):
    X, y = DATASETS["iris"]
    monkeypatch.setattr(svc_module, "choose_route", lambda device: "blocked")
    # A subproblem in which no pair moves (not expected from the real loop).
    monkeypatch.setattr(smo_module, "smo_dense", lambda *args, **kwargs: 0)
    with pytest.warns(ConvergenceWarning, match="stalled") as record:
        model = SVC(device="cpu").fit(X, y)
    assert model.fit_status_ == 1
    assert not any("max_iter=-1" in str(w.message) for w in record)


@pytest.mark.parametrize("kernel", KERNELS)
def test_feature_rows_allocate_for_the_problems_samples_only(kernel):
    X = np.random.RandomState(0).normal(size=(100, 3))
    index = np.arange(10, 30)
    rows = FeatureRows(X, KernelSpec(kernel, gamma=0.5), index)
    assert rows._row.shape[0] == rows.sq_perm.shape[0] == len(index)
    # A row over all the problem's positions still fills.
    assert rows.row(0, 0, len(index), np.arange(len(index))).shape == (len(index),)


@pytest.mark.parametrize("kernel", KERNELS + ["callable"])
def test_kernel_diagonal_of_arrays_and_tensors_is_that_of_the_kernel_matrix(kernel):
    X = np.random.RandomState(0).normal(size=(30, 4))
    spec = (
        KernelSpec("callable", function=lambda A, B: rbf_kernel(A, B, gamma=0.3))
        if kernel == "callable"
        else KernelSpec(kernel, gamma=0.3, coef0=0.5, degree=2)
    )
    expected = np.diag(pairwise(X, X, spec))
    assert_allclose(diagonal(X, spec, chunk_rows=7), expected, rtol=1e-12)
    assert_allclose(diagonal(torch.from_numpy(X), spec, chunk_rows=7).numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf", "sigmoid"])
@pytest.mark.parametrize("shrinking", [True, False])
def test_decision_function_is_libsvms_on_xor_data(kernel, shrinking):
    # The XOR data of scikit-learn's gallery (plot_svm_nonlinear). The CPU
    # solver makes libsvm's iterates: after shrinking, the gradient is
    # reconstructed from float32 Q values summed in libsvm's order (float64
    # values, or another order, end elsewhere within tol: 2.8e-3 here for
    # the polynomial kernel).
    rng = np.random.RandomState(0)
    X = rng.randn(300, 2)
    y = np.logical_xor(X[:, 0] > 0, X[:, 1] > 0)
    ours = SVC(kernel=kernel, shrinking=shrinking, device="cpu").fit(X, y)
    ref = sk_svm.SVC(kernel=kernel, shrinking=shrinking).fit(X, y)
    assert_array_equal(ours.n_iter_, ref.n_iter_)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), rtol=0, atol=1e-9)
