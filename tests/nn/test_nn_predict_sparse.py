"""The networks' direct prediction path and sparse input to MLPClassifier."""

import re

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_classification
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from skorch import NeuralNet

from skdl.nn import CNNClassifier, MLPClassifier, _base, _data

FAST = {"max_epochs": 2, "batch_size": 32, "device": "cpu", "random_state": 0}


def _skorch_proba(clf, X):
    """The probabilities of skorch's own prediction route (Dataset, iterator, infer)."""
    X, _ = clf._check_X(X, "no_validation", reset=False)
    with clf._device_scope(training=False):
        proba = NeuralNet.predict_proba(clf, X).astype(np.float64)
    return proba / proba.sum(axis=1, keepdims=True)


def _tabular(n=600, sparsity=0.5):
    X, y = make_classification(n, 20, n_classes=3, n_informative=8, random_state=0)
    X[np.abs(X) < sparsity] = 0
    return X, y


# ------------------------------------------------------------- direct path


@pytest.mark.parametrize("n", [1, 2, 129, 257, 2049, 4100])
def test_direct_prediction_is_skorchs_prediction_bit_for_bit(n):
    X, y = _tabular(4100)
    clf = MLPClassifier((32, 16), dropout=0.3, normalization="batch", **FAST).fit(X[:600], y[:600])
    assert clf._predicts_directly()
    assert_array_equal(clf.predict_proba(X[:n]), _skorch_proba(clf, X[:n]))


def test_direct_prediction_of_a_cnn_is_skorchs_prediction():
    X, y = load_digits(return_X_y=True)
    clf = CNNClassifier(input_shape=(1, 8, 8), width=4, dropout=0.5, **FAST).fit(X[:300] / 16, y[:300])
    assert clf._predicts_directly()
    for n in (1, 5, 300):
        assert_array_equal(clf.predict_proba(X[:n] / 16), _skorch_proba(clf, X[:n] / 16))


def test_prediction_batches_are_bounded_and_follow_the_merge_rule(monkeypatch):
    sizes = []
    original = _base.batch_rows

    def recording(X, rows):
        batch = original(X, rows)
        sizes.append(len(batch))
        return batch

    X, y = _tabular(4097)
    clf = MLPClassifier((8,), **FAST).fit(X[:300], y[:300])
    monkeypatch.setattr(_base, "batch_rows", recording)
    clf.predict(X)
    assert sizes == [2048, 2049]  # a last batch of one row joins the one before (skorch's rule)


def test_overridden_skorch_steps_keep_the_skorch_route():
    class Recording(MLPClassifier):
        def infer(self, x, **fit_params):
            self.inferred_ = getattr(self, "inferred_", 0) + 1
            return super().infer(x, **fit_params)

    X, y = _tabular()
    clf = Recording((8,), **FAST).fit(X, y)
    clf.inferred_ = 0
    assert not clf._predicts_directly()
    proba = clf.predict_proba(X)
    assert clf.inferred_ == 19  # ceil(600 / 32) batches of batch_size rows
    assert_array_equal(proba, MLPClassifier((8,), **FAST).fit(X, y).predict_proba(X))


def test_prediction_leaves_no_autograd_state_and_the_net_trains_on():
    X, y = _tabular()
    clf = MLPClassifier((8,), warm_start=True, **FAST).fit(X, y)
    clf.predict_proba(X)
    assert all(p.grad is None or p.requires_grad for p in clf.module_.parameters())
    assert all(p.requires_grad for p in clf.module_.parameters())
    before = clf.module_.dense0.weight.detach().clone()
    clf.fit(X, y)  # training after a prediction (inference_mode tensors must not leak into it)
    assert not torch.equal(before, clf.module_.dense0.weight.detach())


def test_threads_are_restored_after_prediction():
    X, y = _tabular()
    clf = MLPClassifier((8,), **FAST).fit(X, y)
    previous = torch.get_num_threads()
    clf.predict(X)
    assert torch.get_num_threads() == previous


# ------------------------------------------------------------ sparse input


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.coo_array, sp.lil_matrix])
@pytest.mark.parametrize("params", [{}, {"early_stopping": True, "validation_fraction": 0.2}])
def test_sparse_input_trains_the_model_of_the_dense_copy(container, params):
    X, y = _tabular()
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    dense = MLPClassifier((16,), dropout=0.2, **FAST, **params).fit(X, y, sample_weight=weights)
    sparse = MLPClassifier((16,), dropout=0.2, **FAST, **params).fit(container(X), y, sample_weight=weights)
    for name, value in dense.module_.state_dict().items():
        assert torch.equal(value, sparse.module_.state_dict()[name]), name
    assert_array_equal(sparse.predict_proba(container(X)), dense.predict_proba(X))
    assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))
    assert_array_equal(dense.predict(container(X)), dense.predict(X))


def test_partial_fit_takes_sparse_batches():
    X, y = _tabular()
    dense, sparse = MLPClassifier((16,), **FAST), MLPClassifier((16,), **FAST)
    for rows in (slice(0, 300), slice(300, 600)):
        dense.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
        sparse.partial_fit(sp.csr_matrix(X[rows]), y[rows], classes=[0, 1, 2])
    assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))


def test_sparse_input_is_densified_one_batch_at_a_time(monkeypatch):
    X, y = _tabular()
    shapes = []
    original = _data.batch_rows

    def recording(values, rows):
        batch = original(values, rows)
        if sp.issparse(values):
            shapes.append(tuple(batch.shape))
        return batch

    monkeypatch.setattr(_data, "batch_rows", recording)
    monkeypatch.setattr(_base, "batch_rows", recording)
    monkeypatch.setattr(_base, "_PREDICT_BATCH_ROWS", 100)
    monkeypatch.setattr(sp.csr_matrix, "toarray", _refuse_whole(sp.csr_matrix.toarray, len(X)))
    clf = MLPClassifier((16,), **FAST).fit(sp.csr_matrix(X), y)
    clf.predict(sp.csr_matrix(X))
    assert shapes and max(n for n, _ in shapes) <= 100
    assert len(shapes) == 2 * 19 + 6  # two epochs of 32-row batches, then 6 batches of 100


def _refuse_whole(toarray, n_rows):
    def guarded(self, *args, **kwargs):
        assert self.shape[0] < n_rows, "the whole sparse matrix was densified"
        return toarray(self, *args, **kwargs)

    return guarded


def test_a_pipeline_of_tfidf_and_the_mlp_fits_text():
    documents = [f"word{i % 7} word{i % 5} common text topic{i % 3}" for i in range(120)]
    y = np.arange(120) % 3
    pipe = make_pipeline(TfidfVectorizer(), MLPClassifier((16,), learning_rate=0.01, **{**FAST, "max_epochs": 30}))
    assert pipe.fit(documents, y).score(documents, y) > 0.9


def test_float32_range_is_checked_on_the_stored_values_of_sparse_input():
    X, y = _tabular()
    X = sp.csr_matrix(X)
    X.data[0] = 1e39
    with pytest.raises(ValueError, match="too large for dtype"):
        MLPClassifier((8,), **FAST).fit(X, y)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.coo_array])
def test_cnn_refuses_sparse_input_naming_what_works_and_stays_fitted(container):
    X, y = load_digits(return_X_y=True)
    clf = CNNClassifier(input_shape=(1, 8, 8), width=4, **FAST).fit(X[:200] / 16, y[:200])
    expected = clf.predict_proba(X[:50] / 16)
    for method in (clf.fit, clf.partial_fit):
        with pytest.raises(TypeError, match=r"sparse data .*toarray\(\).*input_shape.*MLPClassifier"):
            method(container(X[:200]), y[:200])
    with pytest.raises(TypeError, match="sparse"):
        clf.predict(container(X[:50]))
    assert_array_equal(clf.predict_proba(X[:50] / 16), expected)


@pytest.mark.parametrize(
    "bad",
    [
        lambda X: X[:, :5],
        lambda X: np.where(np.arange(X.shape[1]) == 3, np.nan, X),
        lambda X: np.where(np.arange(X.shape[1]) == 3, np.inf, X).astype(np.float32),
    ],
)
def test_the_fast_check_of_a_float_matrix_raises_validate_datas_error(bad):
    from skdl.utils._sklearn_compat import validate_data

    X, y = _tabular()
    clf = MLPClassifier((8,), **FAST).fit(X, y)
    X_bad = bad(X[:3])
    with pytest.raises(ValueError) as expected:
        validate_data(clf, X_bad, reset=False)
    with pytest.raises(ValueError, match=re.escape(str(expected.value))):
        clf.predict(X_bad)


def test_feature_names_still_warn_on_the_fast_path():
    import pandas as pd

    X, y = _tabular()
    clf = MLPClassifier((8,), **FAST).fit(pd.DataFrame(X, columns=[f"f{i}" for i in range(20)]), y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X[:1])
