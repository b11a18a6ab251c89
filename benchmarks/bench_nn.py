"""Neural-network workloads: MLPClassifier and CNNClassifier.

Two kinds of workload:

- Epoch overhead (``*_epoch_overhead``): skdl's ``fit`` against a
  hand-written torch loop over the same module (built by
  ``skdl.nn._modules``, weights drawn the same way), the same data, batch
  size, optimizer (Adam, lr 1e-3), number of epochs and torch threads (one,
  skdl's default). The loop is what one writes without skorch: shuffle with
  ``randperm``, slice tensors, forward, cross-entropy, backward, step, sum the
  loss. The ratio skdl/peer is the cost of skorch's loop, callbacks and
  skdl's validation per epoch (target <= 1.15).
- Quality (``mlp_breast_cancer_cv5``, ``cnn_digits_gridsearch``): accuracy
  targets, next to scikit-learn's MLPClassifier (for the CNN on the
  flattened digits). Their times are whole searches.
- Prediction (``mlp_predict_*``): ``predict`` of skdl's and scikit-learn's
  MLPClassifier, both trained once (untimed) on the same 100,000 rows with
  (256, 256) hidden units for 10 epochs; timed on 100,000 held-out rows and
  as 200 single-row calls (the serving case).
- Sparse input (``mlp_sparse_tfidf_fit``): skdl's fit on a TF-IDF CSR matrix
  against the same fit on its dense copy (the same model results).
"""

import functools
import time
import warnings

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl.nn import CNNClassifier, MLPClassifier
from skdl.nn._modules import CNN, MLP
from skdl.nn._presets import init_weights

from _workload import Workload

EPOCHS = 5
BATCH_SIZE = 128


class _TorchModel:
    """A trained module with the ``score`` of a classifier (for the quality figure)."""

    def __init__(self, module):
        self.module = module

    def score(self, X, y):
        self.module.eval()
        with torch.no_grad():
            logits = self.module(torch.from_numpy(np.asarray(X, dtype=np.float32)))
        return float((logits.argmax(1).numpy() == y).mean())


def _hand_written_loop(module, X, y, *, epochs, batch_size, seed):
    """The plain torch training loop the overhead is measured against."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        generator = torch.Generator().manual_seed(seed)
        init_weights(module, "he_uniform", generator)
        optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
        X_t = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        y_t = torch.from_numpy(np.asarray(y, dtype=np.int64))
        n = len(X_t)
        for _ in range(epochs):
            module.train()
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, batch_size):
                rows = order[start : start + batch_size]
                optimizer.zero_grad()
                loss = torch.nn.functional.cross_entropy(module(X_t[rows]), y_t[rows])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(rows)
        return _TorchModel(module)
    finally:
        torch.set_num_threads(previous)


def _tabular(quick):
    n = 2_000 if quick else 20_000
    X, y = make_classification(n, 64, n_informative=32, n_classes=10, random_state=0)
    return {"X": StandardScaler().fit_transform(X), "y": y}


def _images(quick):
    X, y = load_digits(return_X_y=True)
    repeats = 1 if quick else 5
    return {"X": np.tile(X / 16.0, (repeats, 1)), "y": np.tile(y, repeats)}


def _train_score(model, data):
    return model.score(data["X"], data["y"])


_MLP_HIDDEN = (256, 256)
_CNN = {"architecture": "vgg", "width": 16, "depth": 2}

OVERHEAD = [
    Workload(
        name="mlp_epoch_overhead_20k_x64",
        estimators=("MLPClassifier",),
        make_data=_tabular,
        fit_skdl=lambda data, device: MLPClassifier(
            _MLP_HIDDEN, batch_size=BATCH_SIZE, max_epochs=EPOCHS, random_state=0, device=device
        ).fit(data["X"], data["y"]),
        fit_peer=lambda data: _hand_written_loop(
            MLP(64, 10, _MLP_HIDDEN), data["X"], data["y"], epochs=EPOCHS, batch_size=BATCH_SIZE, seed=0
        ),
        quality=_train_score,
        quality_name="training accuracy",
        target="ratio <= 1.15 (peer: hand-written torch loop, same module)",
    ),
    Workload(
        name="cnn_epoch_overhead_digits_x5",
        estimators=("CNNClassifier",),
        make_data=_images,
        fit_skdl=lambda data, device: CNNClassifier(
            input_shape=(1, 8, 8),
            normalization=None,
            batch_size=BATCH_SIZE,
            max_epochs=EPOCHS,
            random_state=0,
            device=device,
            **_CNN,
        ).fit(data["X"], data["y"]),
        fit_peer=lambda data: _hand_written_loop(
            CNN((1, 8, 8), 10, **_CNN),
            data["X"].reshape(-1, 1, 8, 8),
            data["y"],
            epochs=EPOCHS,
            batch_size=BATCH_SIZE,
            seed=0,
        ),
        quality=lambda model, data: model.score(
            data["X"] if isinstance(model, CNNClassifier) else data["X"].reshape(-1, 1, 8, 8), data["y"]
        ),
        quality_name="training accuracy",
        target="ratio <= 1.15 (peer: hand-written torch loop, same module)",
    ),
]


# ---------------------------------------------------------------- quality


class _Scores:
    """The result of a cross-validation or search, as the runner's 'model'."""

    def __init__(self, score, seconds):
        self.score_, self.seconds = score, seconds


def _cv5(estimator):
    def fit(data, *device):
        if device:
            estimator.set_params(device=device[0])
        start = time.perf_counter()
        scores = cross_val_score(make_pipeline(StandardScaler(), estimator), data["X"], data["y"], cv=5)
        return _Scores(scores.mean(), time.perf_counter() - start)

    return fit


def _breast_cancer(quick):
    X, y = load_breast_cancer(return_X_y=True)
    return {"X": X, "y": y}


def _digits_split(quick):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test, "quick": quick}


# The searched CNN: batch normalisation, a cosine schedule; the grid varies
# the architecture and the width (4 candidates x 3 folds + the refit).
CNN_SEARCH = {
    "input_shape": (1, 8, 8),
    "depth": 2,
    "normalization": "batch",
    "lr_schedule": "cosine",
    "learning_rate": 3e-3,
    "batch_size": 64,
    "max_epochs": 30,
    "random_state": 0,
}
CNN_GRID = {"architecture": ["lenet", "vgg"], "width": [16, 24]}


def _search(estimator, grid):
    def fit(data, *device):
        if device:
            estimator.set_params(device=device[0])
        quick = data["quick"]
        chosen = {key: values[:1] for key, values in grid.items()} if quick else grid
        search = GridSearchCV(estimator, chosen, cv=3, n_jobs=2)
        start = time.perf_counter()
        search.fit(data["X_train"], data["y_train"])
        seconds = time.perf_counter() - start
        return _Scores(search.score(data["X_test"], data["y_test"]), seconds)

    return fit


QUALITY = [
    Workload(
        name="mlp_breast_cancer_cv5",
        estimators=("MLPClassifier",),
        make_data=_breast_cancer,
        fit_skdl=_cv5(MLPClassifier(random_state=0)),
        fit_peer=_cv5(SklearnMLPClassifier(random_state=0, max_iter=1000)),
        quality=lambda result, data: result.score_,
        quality_name="5-fold CV accuracy (StandardScaler first)",
        target="skdl >= 0.96",
    ),
    Workload(
        name="cnn_digits_gridsearch",
        estimators=("CNNClassifier",),
        make_data=_digits_split,
        fit_skdl=_search(CNNClassifier(**CNN_SEARCH), CNN_GRID),
        fit_peer=_search(
            SklearnMLPClassifier(random_state=0, max_iter=500),
            {"hidden_layer_sizes": [(100,), (200,)], "alpha": [1e-4, 1e-3]},
        ),
        quality=lambda result, data: result.score_,
        quality_name="held-out accuracy (GridSearchCV, 4 candidates, cv=3, n_jobs=2)",
        target="skdl >= 0.98 with the whole search < 180 s on 2 cores (peer: sklearn MLP, flat pixels)",
    ),
]


# ---------------------------------------------------------------- prediction

PREDICT_ROWS = 100_000
SINGLE_ROW_CALLS = 200


@functools.lru_cache(maxsize=2)
def _trained_pair(quick):
    """skdl's and scikit-learn's MLP trained on the same rows (both workloads share them)."""
    n = 4_000 if quick else PREDICT_ROWS
    X, y = make_classification(2 * n, 100, n_classes=5, n_informative=20, random_state=0)
    epochs = 2 if quick else 10
    skdl = MLPClassifier(_MLP_HIDDEN, max_epochs=epochs, random_state=0, device="cpu").fit(X[:n], y[:n])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter=10 epochs on purpose
        peer = SklearnMLPClassifier(_MLP_HIDDEN, max_iter=epochs, random_state=0).fit(X[:n], y[:n])
    return {"skdl": skdl, "peer": peer, "X_test": X[n:], "y_test": y[n:]}


def _predict_all(side):
    def predict(data, device=None):
        model = data[side]
        data[f"{side}_pred"] = model.predict(data["X_test"])
        return model

    return predict


def _predict_rows(side):
    def predict(data, device=None):
        model = data[side]
        X = data["X_test"]
        data[f"{side}_pred"] = np.concatenate([model.predict(X[i : i + 1]) for i in range(SINGLE_ROW_CALLS)])
        return model

    return predict


def _held_out_accuracy(model, data):
    side = "skdl" if isinstance(model, MLPClassifier) else "peer"
    predicted = data[f"{side}_pred"]
    return float(np.mean(predicted == data["y_test"][: len(predicted)]))


def _prediction(name, predict, what):
    return Workload(
        name=name,
        estimators=("MLPClassifier",),
        make_data=lambda quick: dict(_trained_pair(quick)),
        fit_skdl=predict("skdl"),
        fit_peer=predict("peer"),
        quality=_held_out_accuracy,
        quality_name=f"held-out accuracy of the predicted {what}",
        target="ratio <= 1.0 (peer: sklearn MLPClassifier, same data, (256, 256), 10 epochs)",
    )


PREDICTION = [
    _prediction("mlp_predict_100k_x100", _predict_all, "100,000 rows"),
    _prediction("mlp_predict_single_row_x200", _predict_rows, "200 single rows (one call each)"),
]


# ---------------------------------------------------------------- sparse


def tfidf_matrix(quick):
    """A TF-IDF matrix of generated documents: 100 words each, Zipf-distributed over
    20,000 terms, a third of them from a band of terms of the document's class."""
    n_documents = n_terms = 2_000 if quick else 20_000
    rng = np.random.RandomState(0)
    y = rng.randint(0, 5, n_documents)
    words = 100
    common = np.minimum(rng.zipf(1.3, (n_documents, words)) - 1, n_terms - 1)
    band = n_terms // 5
    topical = y[:, None] * band + np.minimum(rng.zipf(1.5, (n_documents, words)) - 1, band - 1)
    terms = np.where(rng.uniform(size=(n_documents, words)) < 1 / 3, topical, common)
    rows = np.repeat(np.arange(n_documents), words)
    counts = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, terms.ravel())), shape=(n_documents, n_terms))
    return TfidfTransformer().fit_transform(counts).astype(np.float32), y


def _tfidf(quick):
    X, y = tfidf_matrix(quick)
    return {"X": X, "X_dense": X.toarray(), "y": y}


_SPARSE_MLP = {"hidden_layer_sizes": (64,), "max_epochs": 2, "random_state": 0}

SPARSE = [
    Workload(
        name="mlp_sparse_tfidf_fit_20k_x20k",
        estimators=("MLPClassifier",),
        make_data=_tfidf,
        fit_skdl=lambda data, device: MLPClassifier(**_SPARSE_MLP, device=device).fit(data["X"], data["y"]),
        fit_peer=lambda data: MLPClassifier(**_SPARSE_MLP, device="cpu").fit(data["X_dense"], data["y"]),
        quality=lambda model, data: model.score(data["X"], data["y"]),
        quality_name="training accuracy",
        target="ratio <= 1.0, the same model (peer: skdl's fit on the dense copy)",
    ),
]

WORKLOADS = OVERHEAD + QUALITY + PREDICTION + SPARSE
