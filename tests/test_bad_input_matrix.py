"""The rest of issue 9's bad-input matrix, determinism, and property tests.

tests/test_skdl_checks.py covers NaN, inf, empty X, 3-D X, string X, a
mismatched y and a bad predict. This file adds, over every estimator of the
registry: one sample, one feature, one class, values near the float64 limits,
constant features and duplicated rows (each ends in a ValueError naming the
problem or in a correct, finite result, and a failed call leaves a fitted
estimator unchanged); ``random_state=None`` varying the result of estimators
whose result depends on randomness; and hypothesis property tests on
numerical cores not covered elsewhere.
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import tree as sk_tree
from sklearn.base import clone
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from test_skdl_checks import ESTIMATORS, _data, _fit, _ids, _is_sampler, _outputs, _with_random_state

from skdl.cluster import KMeans
from skdl.linear_model._losses import pointwise_loss_grad, predict_log_proba, predict_proba
from skdl.over_sampling import SMOTE
from skdl.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _kind(estimator):
    if _is_sampler(estimator):
        return "sampler"
    return estimator.__sklearn_tags__().estimator_type


def _fresh(estimator, seed=0):
    return _with_random_state(clone(estimator), seed)


def _quiet_fit(estimator, X, y):
    """Fit, ignoring warnings about convergence or degenerate data (the
    checks here are on the result, and sklearn warns in the same places)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _fit(estimator, X, y)


def _all_finite(arrays):
    return all(np.isfinite(np.asarray(a, dtype=np.float64)).all() for a in arrays)


def _results(estimator, X, y):
    """Fit and return every output as arrays (the resampled data for a sampler)."""
    out = _quiet_fit(estimator, X, y)
    if _is_sampler(estimator):
        return [np.asarray(a) for a in out]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _outputs(estimator, X, y)


# --------------------------------------------------------------------- one sample


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_one_sample_is_a_named_value_error_or_a_correct_fit(estimator):
    X, y = _data(estimator)
    X1, y1 = X[:1], y[:1]
    est = _fresh(estimator)
    try:
        _quiet_fit(est, X1, y1)
    except ValueError as error:
        # sklearn's words: "n_samples=1 should be >= n_clusters=8", "needs
        # samples of at least 2 classes", "needs to have more than 1 class".
        assert any(word in str(error) for word in ("sample", "class")), str(error)
        return
    if _is_sampler(est):
        pytest.fail("a sampler can not balance one sample of one class")
    # It fitted: it must reproduce its only training sample.
    if hasattr(est, "predict"):
        prediction = est.predict(X1)
        if _kind(est) == "regressor":
            assert_allclose(prediction, y1)
        else:
            assert_array_equal(prediction, y1)
    assert _all_finite(_outputs(est, X1, y1))


# -------------------------------------------------------------------- one feature


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_one_feature_gives_a_finite_result_that_uses_the_feature(estimator):
    X, y = _data(estimator)
    X1 = X[:, [2]] if X.shape[1] > 2 else X[:, :1]  # iris' petal length alone separates well
    est = _fresh(estimator)
    if type(est).__name__ == "SMOTENC":
        # SMOTE-NC needs numerical and categorical features; one feature can
        # not be both, and imbalanced-learn refuses it with the same error.
        with pytest.raises(ValueError, match="categorical_features names every feature"):
            _results(est, X1, y)
        return
    results = _results(est, X1, y)
    assert _all_finite(results)
    assert getattr(est, "n_features_in_", 1) == 1
    kind = _kind(est)
    if kind == "classifier":
        # Better than always predicting the majority class.
        majority = np.bincount(np.unique(y, return_inverse=True)[1]).max() / len(y)
        assert np.mean(est.predict(X1) == y) > majority
    elif kind == "regressor":
        assert est.score(X1, y) > 0
    elif kind == "sampler":
        X_res, y_res = results
        assert X_res.shape[1] == 1
        counts = np.unique(y_res, return_counts=True)[1]
        assert counts.min() == counts.max()  # "auto" balances the two classes


# ---------------------------------------------------------------------- one class


CLASSIFIERS_AND_SAMPLERS = [e for e in ESTIMATORS if _kind(e) in ("classifier", "sampler")]


@pytest.mark.parametrize("estimator", CLASSIFIERS_AND_SAMPLERS, ids=_ids)
def test_one_class_is_a_named_value_error_or_predicts_that_class(estimator):
    X, y = _data(estimator)
    y_one = np.full_like(y, y[0])
    est = _fresh(estimator)
    try:
        _quiet_fit(est, X, y_one)
    except ValueError as error:
        assert any(phrase in str(error) for phrase in ("2 classes", "two classes", "more than 1 class", "1 class")), (
            str(error)
        )
        return
    # sklearn's trees and AdaBoost fit one class and predict it everywhere.
    assert not _is_sampler(est), "a sampler can not balance a single class"
    assert_array_equal(est.predict(X), y_one)
    if hasattr(est, "predict_proba"):
        assert_allclose(est.predict_proba(X), 1.0)


# --------------------------------------------------------- values near float limits


@pytest.mark.parametrize("scale", [1e300, 1e-300], ids=["1e300", "1e-300"])
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_values_near_the_float64_limits_are_finite_or_a_value_error(estimator, scale):
    X, y = _data(estimator)
    X_scaled = X * scale
    est = _fresh(estimator)
    try:
        results = _results(est, X_scaled, y)
    except ValueError as error:
        # Named: float32 trees' "too large for dtype('float32')", the squared
        # products' "overflow", or, when 1e-300 underflows float32 to a constant
        # X, a boosting's "no better than chance" (sklearn: "worse than random").
        assert any(word in str(error) for word in ("too large", "overflow", "chance")), str(error)
        return
    assert _all_finite(results), "finite input gave NaN or inf output"


@pytest.mark.parametrize("scale", [1e300, 1e-300], ids=["1e300", "1e-300"])
@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if not _is_sampler(e)], ids=_ids)
def test_predicting_near_the_float64_limits_is_finite_or_a_value_error(estimator, scale):
    # Fitted on ordinary data, then asked about X near the float64 limits:
    # distances and linear scores of 1e300 overflow, so either every output is
    # finite or the call is refused with a message naming the problem, and the
    # refusal leaves the fitted outputs untouched.
    X, y = _data(estimator)
    est = _fresh(estimator)
    before = _results(est, X, y)
    try:
        with warnings.catch_warnings():
            # scikit-learn's own float32 cast warns before it raises
            warnings.simplefilter("ignore", RuntimeWarning)
            outputs = _outputs(est, X * scale, y)
    except ValueError as error:
        assert any(word in str(error) for word in ("too large", "overflow")), str(error)
        for old, new in zip(before, _outputs(est, X, y)):
            assert_array_equal(old, new)
        return
    assert _all_finite(outputs), "finite input gave NaN or inf output"


@pytest.mark.parametrize("scale", [1e300, 1e-300], ids=["1e300", "1e-300"])
@pytest.mark.parametrize("Tree", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_trees_at_the_float64_limits_behave_like_sklearns(Tree, scale):
    # Both cast X to float32: 1e300 is "too large for dtype('float32')" and
    # 1e-300 underflows to 0, so both fit the same constant tree.
    X, y = _data(Tree())
    ours, theirs = Tree(random_state=0), getattr(sk_tree, Tree.__name__)(random_state=0)
    try:
        theirs.fit(X * scale, y)
    except ValueError as error:
        with pytest.raises(ValueError, match="too large for dtype"):
            ours.fit(X * scale, y)
        assert "too large" in str(error)
        return
    ours.fit(X * scale, y)
    assert_allclose(ours.predict(X * scale), theirs.predict(X * scale))


@pytest.mark.parametrize("scale", [1e300, 1e-300], ids=["1e300", "1e-300"])
@pytest.mark.parametrize("name", ["AdaBoostClassifier", "AdaBoostRegressor"])
def test_boosting_at_the_float64_limits_refuses_what_sklearn_refuses(name, scale):
    # The members are float32 trees: 1e300 overflows float32 (an error, not a
    # silent inf) and 1e-300 underflows to a constant X.
    import sklearn.ensemble

    import skdl.ensemble

    X, y = _data(getattr(skdl.ensemble, name)())
    ours = getattr(skdl.ensemble, name)(n_estimators=5, random_state=0)
    theirs = getattr(sklearn.ensemble, name)(n_estimators=5, random_state=0)
    try:
        _quiet_fit(theirs, X * scale, y)
    except ValueError:
        with pytest.raises(ValueError, match="too large for dtype|no better than chance"):
            _quiet_fit(ours, X * scale, y)
        return
    _quiet_fit(ours, X * scale, y)
    # Constant X: both predict one value for every sample.
    assert np.unique(ours.predict(X * scale)).size == np.unique(theirs.predict(X * scale)).size == 1


def test_kmeans_refuses_squared_distances_that_overflow_where_sklearn_gives_nan():
    X, _ = _data(KMeans())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = SkKMeans(n_clusters=3, n_init=1, random_state=0).fit(X * 1e300)
    assert not np.isfinite(reference.cluster_centers_).all() or not np.isfinite(reference.inertia_)
    with pytest.raises(ValueError, match="squared distances between samples overflow float64"):
        KMeans(n_clusters=3, n_init=1, random_state=0, device="cpu").fit(X * 1e300)
    # Just below the limit it fits, and the clustering is the unscaled one.
    big = 0.2 * np.sqrt(np.finfo(np.float64).max / X.shape[1]) / np.abs(X).max()
    scaled = KMeans(n_clusters=3, n_init=1, random_state=0, device="cpu").fit(X * big)
    plain = KMeans(n_clusters=3, n_init=1, random_state=0, device="cpu").fit(X)
    assert_array_equal(scaled.labels_, plain.labels_)
    assert np.isfinite(scaled.transform(X * big)).all()


# --------------------------------------------------------------- constant features


def _check_better_than_baseline(estimator, X, y):
    """A fitted classifier beats the majority class; a regressor the mean."""
    if _kind(estimator) == "regressor":
        assert estimator.score(X, y) > 0
    else:
        majority = np.unique(y, return_counts=True)[1].max() / len(y)
        assert np.mean(estimator.predict(X) == y) > majority


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_an_added_constant_feature_gives_the_same_model(estimator):
    X, y = _data(estimator)
    X_const = np.hstack([X, np.full((len(X), 1), 3.0)])
    kind, params = _kind(estimator), estimator.get_params()
    with_const = _fresh(estimator)
    # liblinear-style models penalise the intercept (LogisticRegression only with
    # solver="liblinear", whose intercept_scaling the other solvers ignore).
    liblinear_style = "intercept_scaling" in params and params.get("solver", "liblinear") == "liblinear"
    if "tol" in params and "C" in params and not liblinear_style:
        with_const.set_params(tol=1e-8, max_iter=1000)  # compare optima, not stopping points
    results = _results(with_const, X_const, y)
    assert _all_finite(results)
    if kind == "sampler":
        assert_array_equal(results[0][:, -1], 3.0)  # synthetic samples keep the constant
        return
    if kind == "clusterer":
        # Distances do not change: the same clustering, centers keep the constant.
        plain = _fresh(estimator).fit(X)
        assert_array_equal(with_const.labels_, plain.labels_)
        assert_allclose(with_const.cluster_centers_[:, -1], 3.0)
        return
    if liblinear_style:
        # liblinear-style: the intercept is the weight of a synthetic feature
        # of value s, penalised like the others, so a constant column c joins
        # it: the model equals one with intercept_scaling = sqrt(s**2 + c**2).
        s = params["intercept_scaling"]
        plain = _fresh(estimator).set_params(intercept_scaling=np.hypot(s, 3.0)).fit(X, y)
        assert_allclose(with_const.decision_function(X_const), plain.decision_function(X), atol=1e-8)
        return
    if "kernel" in params:
        # Kernel SVM (rbf): distances, hence the kernel, ignore a constant column;
        # only gamma="scale" (from X.var()) would change, so fix gamma.
        gamma = 1.0 / (X.shape[1] * X.var())
        ours = _fresh(estimator).set_params(gamma=gamma, tol=1e-8)
        _quiet_fit(ours, X_const, y)
        plain = _fresh(estimator).set_params(gamma=gamma, tol=1e-8).fit(X, y)
        assert_allclose(ours.decision_function(X_const), plain.decision_function(X), atol=1e-6)
        return
    if "C" in params:
        # The intercept is free: the constant column's weight is 0 at the optimum.
        plain = _fresh(estimator).set_params(tol=1e-8, max_iter=1000).fit(X, y)
        assert_allclose(with_const.coef_[:, -1], 0.0, atol=1e-4)
        assert_allclose(with_const.predict_proba(X_const), plain.predict_proba(X), atol=1e-4)
        return
    if not _random_and_why(estimator)[0]:
        # Trees never split on a constant feature: the same tree(s).
        plain = _fresh(estimator)
        _quiet_fit(plain, X, y)
        assert_array_equal(with_const.predict(X_const), plain.predict(X))
        return
    # Randomised ensembles: a constant column shifts the members' feature
    # draws, so only the quality of the fit is comparable.
    _check_better_than_baseline(with_const, X_const, y)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_all_features_constant_gives_a_constant_finite_prediction(estimator):
    X, y = _data(estimator)
    X_const = np.full_like(X, 2.5)
    est = _fresh(estimator)
    try:
        results = _results(est, X_const, y)
    except ValueError as error:
        # A boosting whose first learner is no better than chance, as sklearn's.
        assert "chance" in str(error), str(error)
        return
    assert _all_finite(results)
    if hasattr(est, "predict") and not _is_sampler(est):
        prediction = est.predict(X_const)
        assert np.unique(prediction).size == 1
        if _kind(est) == "regressor":
            # The mean of y for a tree; a boosting's median of bootstrap means.
            assert y.min() <= prediction[0] <= y.max()
            if isinstance(est, DecisionTreeRegressor):
                assert_allclose(prediction, y.mean(), rtol=1e-12)


# ----------------------------------------------------------------- duplicated rows


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_duplicated_rows_give_a_correct_result(estimator):
    X, y = _data(estimator)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    kind, params = _kind(estimator), estimator.get_params()
    est = _fresh(estimator)
    if "tol" in params and "C" in params:
        est.set_params(tol=1e-8, max_iter=1000)  # compare optima, not stopping points
    results = _results(est, X2, y2)
    assert _all_finite(results)
    if kind == "sampler":
        X_res, y_res = results
        if len(X_res) >= len(X2):  # over-sampling keeps the originals first
            assert_array_equal(X_res[: len(X2)], X2)
        else:  # under-sampling keeps a subset of the rows
            rows = {tuple(row) for row in X}
            assert all(tuple(row) in rows for row in X_res)
        counts = np.unique(y_res, return_counts=True)[1]
        assert counts.min() == counts.max()
        return
    if kind == "clusterer":
        # Both copies of a row fall in the same cluster, and the centers are
        # the means of their members (duplicates counted twice).
        assert_array_equal(est.labels_[: len(X)], est.labels_[len(X) :])
        for k in np.unique(est.labels_):
            assert_allclose(est.cluster_centers_[k], X2[est.labels_ == k].mean(axis=0), rtol=1e-6, atol=1e-9)
        return
    if "C" in params:
        # The objective is C * sum of losses + penalty (as sklearn's): every
        # row twice is the same problem with C doubled.
        plain = _fresh(estimator).set_params(C=2 * params["C"], tol=1e-8, max_iter=1000).fit(X, y)
        expected = plain.decision_function(X)
        # Both stop at tol=1e-8: equal to 1e-5 of the decision values' scale.
        assert_allclose(est.decision_function(X), expected, rtol=0, atol=1e-5 * np.abs(expected).max())
        return
    if not _random_and_why(estimator)[0]:
        # Counts double in every node and leaf: the same trees and weights.
        plain = _fresh(estimator)
        _quiet_fit(plain, X, y)
        assert_array_equal(est.predict(X), plain.predict(X))
        return
    _check_better_than_baseline(est, X, y)


# ------------------------------------------------- failed calls change nothing

FAILING_CASES = {
    "one sample": lambda X, y: (X[:1], y[:1]),
    "one class": lambda X, y: (X, np.full_like(y, y[0])),
    "1e300": lambda X, y: (X * 1e300, y),
}


@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if not _is_sampler(e)], ids=_ids)
def test_a_refused_case_leaves_the_fitted_state_untouched(estimator):
    X, y = _data(estimator)
    fitted = _fresh(estimator)
    _quiet_fit(fitted, X, y)
    expected = _outputs(fitted, X, y)
    refused = []
    for case, make in FAILING_CASES.items():
        bad_X, bad_y = make(X, y)
        try:
            _quiet_fit(fitted, bad_X, bad_y)
        except ValueError:
            refused.append(case)
            for a, b in zip(_outputs(fitted, X, y), expected):
                assert_array_equal(a, b, err_msg=f"a refused fit on {case} data changed the model")
        else:  # accepted (a correct result, checked above): start again from X
            _quiet_fit(fitted, X, y)
    # Trees and boosting accept one sample and one class (as sklearn's), but
    # every estimator refuses at least X at 1e300 or one class/sample.
    assert refused, type(estimator).__name__


# -------------------------------------------------------------------- determinism


def _random_and_why(estimator):
    """Whether the estimator's result depends on its random_state, and why.

    Derived from its parameters, so a new setting is classified by the same
    rule as the estimator's docs; ``test_declared_deterministic_...`` checks
    each "deterministic" claim with two different seeds.
    """
    params = estimator.get_params()
    name = type(estimator).__name__
    if "random_state" not in params:
        return False, "no random_state parameter"
    if "splitter" in params and "max_features" in params:
        if params["splitter"] == "best" and params["max_features"] is None:
            # As in sklearn, the seed only orders the feature search, which
            # decides ties between equally good splits; checked on the test data.
            return False, "every feature is searched at every node; the seed only breaks exact ties"
        return True, "features are drawn at random at each node"
    if name in ("AdaBoostClassifier", "AdaCostClassifier") and params["estimator"] is None:
        return False, "the seed only seeds the members, and the default stump searches every feature"
    if "solver" in params and "optimizer" in params:
        if params["solver"] == "sgd":
            return True, "mini-batches are shuffled"
        return False, f"solver={params['solver']!r} is a deterministic full-batch method"
    if "kernel" in params and "shrinking" in params:
        return False, "SMO is deterministic; the seed is unused (as in scikit-learn's SVC)"
    if "loss" in params and "penalty" in params and "C" in params:
        if params["penalty"] == "l2" and params["loss"] == "hinge":
            return True, "the dual coordinate descent visits samples in a random order"
        return False, "the primal Newton solver is deterministic"
    return True, "draws samples, bootstraps or initial centers at random"


RANDOM = [e for e in ESTIMATORS if _random_and_why(e)[0]]
DETERMINISTIC = [e for e in ESTIMATORS if not _random_and_why(e)[0]]


@pytest.mark.parametrize("estimator", RANDOM, ids=_ids)
def test_random_state_none_varies_the_result(estimator):
    X, y = _data(estimator)
    if _kind(estimator) == "classifier":
        # Imbalanced classes: on balanced ones an under-sampling ensemble
        # keeps every sample and has nothing left to draw.
        X, y = make_classification(300, 5, weights=[0.8], random_state=0)
    if type(estimator).__name__ == "SMOTEN":
        # Categorical data: on all-distinct float values every pair of samples
        # is equally far and every vote ties the same way, so SMOTEN (as
        # imbalanced-learn's) makes the same samples whatever the seed.
        X = np.round(X).astype(int)
    runs = []
    for _ in range(3):
        est = clone(estimator)
        if "random_state" in est.get_params():
            est.set_params(random_state=None)
        runs.append(_results(est, X, y))

    def same(a, b):
        return len(a) == len(b) and all(np.shape(p) == np.shape(q) and np.array_equal(p, q) for p, q in zip(a, b))

    assert not (same(runs[0], runs[1]) and same(runs[1], runs[2])), _random_and_why(estimator)[1]


@pytest.mark.parametrize("estimator", DETERMINISTIC, ids=_ids)
def test_declared_deterministic_estimators_ignore_the_seed(estimator):
    X, y = _data(estimator)
    first = _results(_fresh(estimator, 0), X, y)
    second = _results(_fresh(estimator, 12345), X, y)
    for a, b in zip(first, second):
        assert_array_equal(a, b, err_msg=_random_and_why(estimator)[1])


# ------------------------------------------------------------ property tests


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**31 - 1),
    st.integers(2, 60),
    st.integers(1, 4),
    st.sampled_from([None, 1, 2, 3]),
    st.integers(1, 5),
)
def test_regression_tree_leaf_values_are_means_of_their_samples(seed, n, d, max_depth, min_leaf):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d)).round(1)  # rounding makes ties
    y = rng.normal(size=n) * 10
    reg = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_leaf, random_state=0).fit(X, y)
    leaves = reg.apply(X)
    value = reg.tree_.value[:, 0, 0]
    for leaf in np.unique(leaves):
        assert_allclose(value[leaf], y[leaves == leaf].mean(), rtol=1e-9, atol=1e-9)
        # min_samples_leaf binds splits; a root with fewer samples stays one leaf.
        assert (leaves == leaf).sum() >= min(min_leaf, n)


def _segment_residual(new, starts, ends):
    """Distance of each new point to its closest segment, and the gap there."""
    direction = ends - starts
    length2 = np.einsum("ij,ij->i", direction, direction)
    best_res = np.full(len(new), np.inf)
    best_u = np.zeros(len(new))
    for i, point in enumerate(new):
        rel = point - starts
        u = np.where(length2 > 0, np.einsum("ij,ij->i", rel, direction) / np.where(length2 > 0, length2, 1), 0)
        u_clip = np.clip(u, 0, 1)
        residual = np.linalg.norm(rel - u_clip[:, None] * direction, axis=1)
        j = np.argmin(residual)
        best_res[i], best_u[i] = residual[j], u[j]
    return best_res, best_u


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(6, 25), st.integers(1, 4), st.integers(1, 5))
def test_smote_samples_lie_on_segments_between_minority_neighbours(seed, n_minority, d, k):
    rng = np.random.RandomState(seed)
    k = min(k, n_minority - 1)
    X = np.vstack([rng.normal(size=(3 * n_minority, d)), rng.normal(2, 1, size=(n_minority, d))])
    y = np.repeat([0, 1], [3 * n_minority, n_minority])
    X_res, y_res = SMOTE(k_neighbors=k, random_state=seed, device="cpu").fit_resample(X, y)
    assert_array_equal(X_res[: len(X)], X)
    new = X_res[len(X) :]
    assert (y_res[len(X) :] == 1).all() and len(new) == 2 * n_minority
    minority = X[y == 1]
    # Segments from every minority sample to each of its k nearest minority neighbours.
    dist = ((minority[:, None] - minority[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    neighbours = np.argsort(dist, axis=1, kind="stable")[:, :k]
    starts = np.repeat(minority, k, axis=0)
    ends = minority[neighbours.ravel()]
    residual, _ = _segment_residual(new, starts, ends)
    assert residual.max() < 1e-9 * (1 + np.abs(X).max())


finite_logits = st.lists(st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False), min_size=2, max_size=6)


@settings(max_examples=100, deadline=None)
@given(st.lists(finite_logits, min_size=1, max_size=5).filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_softmax_and_log_sum_exp_stay_finite_for_any_finite_logits(rows):
    Z = torch.tensor(rows, dtype=torch.float64)
    n_classes = Z.shape[1]
    y = torch.arange(Z.shape[0]) % n_classes
    loss, dZ = pointwise_loss_grad(Z, y, binary=False)
    assert torch.isfinite(loss).all() and (loss >= 0).all()
    assert torch.isfinite(dZ).all()
    assert_allclose(dZ.sum(dim=1), 0.0, atol=1e-12)  # softmax - onehot sums to 0
    proba, log_proba = predict_proba(Z, binary=False), predict_log_proba(Z, binary=False)
    assert torch.isfinite(proba).all() and torch.isfinite(log_proba).all()
    assert_allclose(proba.sum(dim=1), 1.0, rtol=1e-12)
    # Binary: sigmoid / softplus forms on the first column.
    y_bin = (torch.arange(Z.shape[0]) % 2).to(torch.float64)
    loss_b, dZ_b = pointwise_loss_grad(Z[:, :1], y_bin, binary=True)
    assert torch.isfinite(loss_b).all() and torch.isfinite(dZ_b).all() and (loss_b >= 0).all()
    assert torch.isfinite(predict_log_proba(Z[:, :1], binary=True)).all()


@pytest.mark.parametrize("Model", ["LogisticRegression", "LinearSVC"])
def test_linear_models_refuse_values_whose_products_overflow(Model):
    # scikit-learn's LogisticRegression returns a chance-level model on iris
    # times 1e300, and its LinearSVC (liblinear) does not return at all.
    from skdl.linear_model import LogisticRegression
    from skdl.svm import LinearSVC

    cls = {"LogisticRegression": LogisticRegression, "LinearSVC": LinearSVC}[Model]
    X, y = _data(cls())
    with pytest.raises(ValueError, match=r"X has values up to 7\.9e\+300: products of X"):
        cls(device="cpu").fit(X * 1e300, y)
    # At 1e-300 the penalty dominates: the correct model is (almost) intercept
    # only, and predicts one class, as scikit-learn's does.
    tiny = cls(device="cpu").fit(X * 1e-300, y)
    assert np.unique(tiny.predict(X * 1e-300)).size == 1
    assert np.abs(tiny.coef_).max() < 1e-250
