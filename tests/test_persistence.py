"""Fitted estimators persist through ``skops.io``, a format loaded without running code.

pickle and joblib round trips are checked in tests/test_skdl_checks.py. Here
every estimator of the registry goes through ``skops.io.dump``/``load`` with an
explicit ``trusted=`` list, and the test pins what that list may contain: only
skdl, scikit-learn, imbalanced-learn and NumPy types. An estimator that starts
storing something else (a torch tensor or module, a numba function, a lambda)
fails here, which is the point: such a model cannot be shared safely.
"""

import doctest
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris, make_classification

skops_io = pytest.importorskip("skops.io")

from skdl.cluster import KMeans  # noqa: E402
from skdl.utils._testing import all_fast_instances  # noqa: E402

# Top-level packages whose types a saved skdl model may ask the loader to trust.
TRUSTED_ROOTS = {"skdl", "sklearn", "imblearn", "numpy"}

ESTIMATORS = all_fast_instances()

_METHODS = ("predict", "predict_proba", "decision_function", "transform", "score_samples")


def _ids(estimator):
    return type(estimator).__name__


def _is_sampler(estimator):
    return hasattr(estimator, "fit_resample")


def _is_torch_net(estimator):
    # skorch networks hold torch modules and optimizers, which skops can not load
    # without trusting arbitrary code. They are shared with save_params (tensors only,
    # loaded with torch's weights_only=True) plus their constructor parameters: see
    # tests/nn/test_nn_persistence.py and docs/user_guide/neural_networks.rst.
    from skorch import NeuralNet

    return isinstance(estimator, NeuralNet)


def _data(estimator):
    if _is_sampler(estimator):
        return make_classification(300, 5, weights=[0.8], random_state=0)
    tags = estimator.__sklearn_tags__()
    if tags.estimator_type == "regressor":
        X, y = load_diabetes(return_X_y=True)
        return X[:200], y[:200]
    X, y = load_iris(return_X_y=True)
    if getattr(tags.classifier_tags, "multi_class", True) is False:
        return X[y < 2], y[y < 2]
    return X, y


def _outputs(estimator, X):
    return [np.asarray(getattr(estimator, method)(X)) for method in _METHODS if hasattr(estimator, method)]


def _fitted(estimator):
    estimator = clone(estimator)  # the parametrized instances are shared between tests
    X, y = _data(estimator)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    if _is_sampler(estimator):
        estimator.fit_resample(X, y)
    else:
        estimator.fit(X, y)
    return estimator, X


def _dump_and_trusted_types(estimator, tmp_path):
    path = tmp_path / "model.skops"
    skops_io.dump(estimator, path)
    trusted = skops_io.get_untrusted_types(file=path)
    odd = [t for t in trusted if t.split(".")[0] not in TRUSTED_ROOTS]
    assert not odd, f"{type(estimator).__name__} saves types a user should not have to trust: {odd}"
    return path, trusted


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if not _is_sampler(e) and not _is_torch_net(e)], ids=_ids)
def test_skops_round_trip_predicts_identically(estimator, tmp_path):
    fitted, X = _fitted(estimator)
    expected = _outputs(fitted, X)
    assert expected, "nothing to compare"
    path, trusted = _dump_and_trusted_types(fitted, tmp_path)
    # The estimator's own class is the one type the loader must always be told to trust.
    assert f"{type(fitted).__module__}.{type(fitted).__qualname__}" in trusted
    restored = skops_io.load(path, trusted=trusted)
    assert type(restored) is type(fitted)
    assert restored.get_params() == fitted.get_params()
    for got, want in zip(_outputs(restored, X), expected, strict=True):
        assert_array_equal(got, want)


@pytest.mark.parametrize("estimator", [e for e in ESTIMATORS if _is_sampler(e)], ids=_ids)
def test_skops_round_trip_of_a_fitted_sampler(estimator, tmp_path):
    # A sampler's output comes from fit_resample, which refits; what persists is
    # its parameters and the resolved sampling strategy.
    fitted, _ = _fitted(estimator)
    path, trusted = _dump_and_trusted_types(fitted, tmp_path)
    restored = skops_io.load(path, trusted=trusted)
    assert type(restored) is type(fitted)
    assert restored.get_params() == fitted.get_params()
    assert restored.sampling_strategy_ == fitted.sampling_strategy_
    X, y = _data(estimator)
    for got, want in zip(restored.fit_resample(X, y), fitted.fit_resample(X, y), strict=True):
        assert_array_equal(got, want)


def test_skops_refuses_to_load_skdl_types_nobody_trusted(tmp_path):
    X, _ = load_iris(return_X_y=True)
    path = tmp_path / "kmeans.skops"
    skops_io.dump(KMeans(n_clusters=3, n_init=1, random_state=0, device="cpu").fit(X), path)
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException, match="KMeans"):
        skops_io.load(path)
    assert skops_io.get_untrusted_types(file=path) == ["skdl.cluster._kmeans.KMeans"]


def test_the_persistence_docs_page_examples_run():
    # The ``>>>`` examples of docs/user_guide/persistence_and_scale.rst.
    page = Path(__file__).resolve().parents[1] / "docs/user_guide/persistence_and_scale.rst"
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(page), module_relative=False, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0


_LOAD_ON_CPU = r"""
import sys
import numpy as np
import skops.io as sio
import torch

assert not torch.cuda.is_available()
path, X_path, out_path = sys.argv[1:]
model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
X = np.load(X_path)
model.set_params(device="cpu")
methods = ("predict", "predict_proba", "decision_function", "transform", "score_samples")
outputs = [np.asarray(getattr(model, method)(X)) for method in methods if hasattr(model, method)]
np.savez(out_path, *outputs)
"""


@pytest.mark.gpu
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "estimator",
    [e for e in ESTIMATORS if "device" in e.get_params() and not _is_sampler(e) and not _is_torch_net(e)],
    ids=_ids,
)
def test_a_model_fitted_on_gpu_loads_and_predicts_in_a_cpu_only_process(estimator, tmp_path):
    fitted, X = _fitted(estimator.set_params(device="cuda"))
    path, _ = _dump_and_trusted_types(fitted, tmp_path)
    np.save(tmp_path / "X.npy", X)
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    out = tmp_path / "out.npz"
    command = [sys.executable, "-c", _LOAD_ON_CPU, str(path), str(tmp_path / "X.npy"), str(out)]
    subprocess.run(command, env=env, check=True)
    on_cpu = np.load(out)
    # The same fitted attributes, predicting on the CPU in this process.
    expected = _outputs(pickle.loads(pickle.dumps(fitted)).set_params(device="cpu"), X)
    assert len(on_cpu.files) == len(expected)
    for i, want in enumerate(expected):
        assert_array_equal(on_cpu[f"arr_{i}"], want)
