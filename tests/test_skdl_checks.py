"""skdl's own common checks, run over every estimator in the registry.

scikit-learn's ``parametrize_with_checks`` (tests/test_common.py) covers the
estimator API. These add what skdl promises on top: bad input ends in a clear
ValueError and leaves a fitted estimator untouched, the same ``random_state``
gives bit-identical results, fitted models round-trip through pickle and
joblib, and a model whose ``device`` names CUDA still predicts on a machine
without it.
"""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.datasets import load_diabetes, load_iris, make_classification

from skdl.utils._testing import all_fast_instances


def _ids(estimator):
    return type(estimator).__name__


ESTIMATORS = all_fast_instances()


def _is_sampler(estimator):
    return hasattr(estimator, "fit_resample")


def _data(estimator):
    """Small data that suits the estimator's kind."""
    if _is_sampler(estimator):
        return make_classification(300, 5, weights=[0.8], random_state=0)
    kind = estimator.__sklearn_tags__().estimator_type
    if kind == "regressor":
        X, y = load_diabetes(return_X_y=True)
        return X[:200], y[:200]
    X, y = load_iris(return_X_y=True)
    if getattr(estimator.__sklearn_tags__().classifier_tags, "multi_class", True) is False:
        keep = y < 2
        return X[keep], y[keep]
    return X, y


def _outputs(estimator, X, y):
    """Everything the fitted estimator computes on X, as a list of arrays."""
    if _is_sampler(estimator):
        return list(estimator.fit_resample(X, y))
    outputs = []
    for method in ("predict", "predict_proba", "decision_function", "transform"):
        if hasattr(estimator, method):
            outputs.append(np.asarray(getattr(estimator, method)(X)))
    return outputs


def _fit(estimator, X, y):
    return estimator.fit_resample(X, y) if _is_sampler(estimator) else estimator.fit(X, y)


def _with_random_state(estimator, seed):
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=seed)
    return estimator


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_same_random_state_gives_identical_results(estimator):
    X, y = _data(estimator)
    first = _with_random_state(estimator.__class__(**estimator.get_params()), 0)
    second = _with_random_state(estimator.__class__(**estimator.get_params()), 0)
    _fit(first, X, y)
    _fit(second, X, y)
    for a, b in zip(_outputs(first, X, y), _outputs(second, X, y)):
        assert_array_equal(a, b)


@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if not _is_sampler(e)], ids=_ids)
def test_pickle_and_joblib_round_trips_predict_identically(estimator):
    X, y = _data(estimator)
    fitted = _with_random_state(estimator, 0).fit(X, y)
    expected = _outputs(fitted, X, y)
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    for restored in (pickle.loads(pickle.dumps(fitted)), joblib.load(buffer)):
        for a, b in zip(_outputs(restored, X, y), expected):
            assert_array_equal(a, b)


BAD_X = {
    "nan": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X), "NaN"),
    "inf": (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 3, np.inf, X), "infinity"),
    "empty": (lambda X: X[:0], "0 sample"),
    "3d": (lambda X: X[:, :, None], "dim 3"),
    "strings": (lambda X: X.astype(str).astype(object) + "x", "string|could not convert|dtype"),
}


def _accepts(estimator, case):
    """True if the estimator's tags say it takes this input (e.g. random samplers
    only index rows, so imbalanced-learn lets them take NaN and strings)."""
    input_tags = estimator.__sklearn_tags__().input_tags
    return (case in ("nan", "inf") and input_tags.allow_nan) or (case == "strings" and input_tags.string)


@pytest.mark.parametrize("case", sorted(BAD_X))
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_ids)
def test_bad_training_input_is_a_value_error_or_declared_and_handled(estimator, case):
    X, y = _data(estimator)
    corrupt, message = BAD_X[case]
    bad_X = corrupt(X)
    bad_y = y[: len(bad_X)]
    if case not in ("empty", "3d") and _accepts(estimator, case):
        X_out, _ = estimator.fit_resample(bad_X, bad_y) if _is_sampler(estimator) else (None, None)
        if X_out is not None:  # a sampler that takes such X keeps its rows unchanged
            assert np.asarray(X_out).dtype == np.asarray(bad_X).dtype
        return
    with pytest.raises(ValueError, match=message):
        _fit(estimator, bad_X, bad_y)


SUPERVISED = [e for e in ESTIMATORS if _is_sampler(e) or e.__sklearn_tags__().target_tags.required]


@pytest.mark.parametrize("estimator", SUPERVISED, ids=_ids)
def test_mismatched_y_length_is_a_value_error(estimator):
    X, y = _data(estimator)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fit(estimator, X, y[:-1])


@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if not _is_sampler(e)], ids=_ids)
def test_failed_fit_and_bad_predict_leave_the_fitted_state_untouched(estimator):
    X, y = _data(estimator)
    fitted = _with_random_state(estimator, 0).fit(X, y)
    expected = _outputs(fitted, X, y)
    with pytest.raises(ValueError):
        fitted.fit(np.full((len(X), X.shape[1] + 1), np.inf), y)
    with pytest.raises(ValueError, match=f"X has {X.shape[1] - 1} features"):
        fitted.predict(X[:, :-1]) if hasattr(fitted, "predict") else fitted.transform(X[:, :-1])
    assert fitted.n_features_in_ == X.shape[1]
    for a, b in zip(_outputs(fitted, X, y), expected):
        assert_array_equal(a, b)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU fallback without CUDA")
@pytest.mark.parametrize(
    "estimator", [e for e in ESTIMATORS if "device" in e.get_params() and not _is_sampler(e)], ids=_ids
)
def test_model_naming_cuda_predicts_on_a_cpu_only_machine(estimator):
    X, y = _data(estimator)
    fitted = _with_random_state(estimator, 0).fit(X, y)
    expected = _outputs(fitted, X, y)
    moved = pickle.loads(pickle.dumps(fitted)).set_params(device="cuda")
    with warnings.catch_warnings():
        # Estimators that compute on the device warn that they fall back to the CPU.
        warnings.filterwarnings("ignore", message=".*computing on the CPU instead")
        outputs = _outputs(moved, X, y)
    for a, b in zip(outputs, expected):
        assert_array_equal(a, b)
