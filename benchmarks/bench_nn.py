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
- Quality (``mlp_breast_cancer_cv5``, ``cnn_digits_gridsearch``): the
  issue's accuracy targets, next to scikit-learn's MLPClassifier (for the
  CNN on the flattened digits). Their times are whole searches.
"""

import time

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
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
                rows = order[start:start + batch_size]
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
            input_shape=(1, 8, 8), normalization=None, batch_size=BATCH_SIZE, max_epochs=EPOCHS,
            random_state=0, device=device, **_CNN,
        ).fit(data["X"], data["y"]),
        fit_peer=lambda data: _hand_written_loop(
            CNN((1, 8, 8), 10, **_CNN), data["X"].reshape(-1, 1, 8, 8), data["y"],
            epochs=EPOCHS, batch_size=BATCH_SIZE, seed=0,
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
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test, "quick": quick}


# The searched CNN: batch normalisation, a cosine schedule; the grid varies
# the architecture and the width (4 candidates x 3 folds + the refit).
CNN_SEARCH = {
    "input_shape": (1, 8, 8), "depth": 2, "normalization": "batch", "lr_schedule": "cosine",
    "learning_rate": 3e-3, "batch_size": 64, "max_epochs": 30, "random_state": 0,
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

WORKLOADS = OVERHEAD + QUALITY
