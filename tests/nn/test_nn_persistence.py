"""Persistence of the networks: pickle and joblib, skorch's save_params /
load_params (tensors only, loaded with torch's weights_only=True), and a
model fitted on a GPU predicting in a CPU-only process."""

import io
import os
import pickle
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris

from skdl.nn import CNNClassifier, MLPClassifier


def _fitted(kind, **params):
    if kind == "mlp":
        X, y = load_iris(return_X_y=True)
        names = np.array(["a", "b", "c"])[y]
        clf = MLPClassifier(
            (8,),
            **{"max_epochs": 5, "normalization": "batch", "dropout": 0.2, "random_state": 0, "device": "cpu", **params},
        )
        return clf.fit(X, names), X, names
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    clf = CNNClassifier("resnet", width=4, input_shape=(1, 8, 8), max_epochs=2, random_state=0, device="cpu", **params)
    return clf.fit(X, y), X, y


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_pickle_and_joblib_round_trip(kind):
    clf, X, _ = _fitted(kind, early_stopping=True)
    expected = clf.predict_proba(X)
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    buffer.seek(0)
    for restored in (pickle.loads(pickle.dumps(clf)), joblib.load(buffer)):
        assert_array_equal(restored.predict_proba(X), expected)
        assert_array_equal(restored.classes_, clf.classes_)
        assert restored.get_params(deep=False) == clf.get_params(deep=False)
        assert restored.history_[:, "valid_loss"] == clf.history_[:, "valid_loss"]
    # An unpickled net trains on: partial_fit draws new generators from random_state.
    restored.partial_fit(X, clf.classes_[np.arange(len(X)) % len(clf.classes_)])


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
@pytest.mark.parametrize("normalization", ["weight", "cosine"])
def test_weight_and_cosine_normalised_nets_pickle(kind, normalization):
    # (torch's weight_norm parametrisation would refuse to pickle.)
    clf, X, _ = _fitted(kind, normalization=normalization)
    assert_array_equal(pickle.loads(pickle.dumps(clf)).predict_proba(X), clf.predict_proba(X))


def test_pickled_device_parameter_is_kept():
    clf, X, _ = _fitted("mlp")
    clf.set_params(device="auto")
    assert pickle.loads(pickle.dumps(clf)).device == "auto"


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_save_params_and_load_params_round_trip(kind, tmp_path):
    clf, X, y = _fitted(kind)
    clf.save_params(f_params=tmp_path / "params.pt", f_history=tmp_path / "history.json")
    # The receiver builds the same estimator from its parameters, sizes the
    # network on a little data (one epoch), then loads the weights.
    receiver = clone(clf).set_params(max_epochs=1).fit(X, y)
    assert not np.array_equal(receiver.predict_proba(X), clf.predict_proba(X))
    receiver.load_params(f_params=tmp_path / "params.pt", f_history=tmp_path / "history.json")
    assert_array_equal(receiver.predict_proba(X), clf.predict_proba(X))
    assert len(receiver.history_) == len(clf.history_)


def test_load_params_refuses_pickled_code(tmp_path):
    # torch.load(weights_only=True), skorch's default here, loads tensors only.
    clf, X, y = _fitted("mlp")
    path = tmp_path / "evil.pt"
    torch.save({"dense0.weight": warnings.WarningMessage("x", UserWarning, "f", 1)}, path)
    with pytest.raises(pickle.UnpicklingError, match="[Ww]eights only load failed"):
        clf.load_params(f_params=path)


def test_a_net_naming_cuda_unpickles_and_predicts_on_the_cpu():
    clf, X, _ = _fitted("mlp")
    expected = clf.predict_proba(X)
    clf.set_params(device="cuda")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*computing on the CPU instead")
        restored = pickle.loads(pickle.dumps(clf))
        assert_array_equal(restored.predict_proba(X), expected)
    assert restored.device == "cuda"


_LOAD_ON_CPU = r"""
import pickle, sys, warnings
import numpy as np
import torch

assert not torch.cuda.is_available()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with open(sys.argv[1], "rb") as f:
        model = pickle.load(f)
    np.save(sys.argv[3], model.predict_proba(np.load(sys.argv[2])))
"""


@pytest.mark.gpu
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_a_net_fitted_on_gpu_predicts_in_a_cpu_only_process(kind, tmp_path):
    clf, X, y = _fitted(kind)
    gpu = clone(clf).set_params(device="cuda").fit(X, y)
    assert next(gpu.module_.parameters()).is_cuda
    with open(tmp_path / "model.pkl", "wb") as f:
        pickle.dump(gpu, f)
    np.save(tmp_path / "X.npy", X)
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run(
        [
            sys.executable,
            "-c",
            _LOAD_ON_CPU,
            str(tmp_path / "model.pkl"),
            str(tmp_path / "X.npy"),
            str(tmp_path / "out.npy"),
        ],
        env=env,
        check=True,
    )
    expected = pickle.loads(pickle.dumps(gpu)).set_params(device="cpu").predict_proba(X)
    assert_array_equal(np.load(tmp_path / "out.npy"), expected)
