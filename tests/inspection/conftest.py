"""Small fitted skorch networks shared by the inspection tests.

The tools accept any skorch network, so they are tested on plain
``skorch.NeuralNetClassifier`` nets around modules defined here. The image
data has one informative region: class 1 images carry a bright square at
rows and columns 1-3 of an 8x8 image; everything else is noise.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetClassifier
from skorch.callbacks import EarlyStopping
from threadpoolctl import threadpool_limits

from skdl.utils._threads import one_torch_thread

SIGNAL = (slice(1, 4), slice(1, 4))  # the informative region: rows 1-3, cols 1-3
CPU = torch.device("cpu")


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny networks and data: thread pools (torch, BLAS, OpenMP in t-SNE) only
    cost time here, and oversubscribe the cores when pytest-xdist runs two
    workers."""
    with one_torch_thread(CPU), threadpool_limits(limits=1):
        yield


class TinyCNN(torch.nn.Module):
    """conv -> relu -> pool -> flat -> fc; takes flat rows or 1x8x8 images."""

    def __init__(self, n_maps=4):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, n_maps, 3, padding=1)
        self.relu = torch.nn.ReLU()
        self.pool = torch.nn.MaxPool2d(2)
        self.flat = torch.nn.Flatten()
        self.fc = torch.nn.Linear(n_maps * 4 * 4, 2)

    def forward(self, x):
        x = x.reshape(len(x), 1, 8, 8)
        return self.fc(self.flat(self.pool(self.relu(self.conv(x)))))


class ShapedNet(NeuralNetClassifier):
    """A skorch net that declares its input shape, as skdl's CNNClassifier does."""

    input_shape = (1, 8, 8)


def make_images(n=240, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(scale=0.5, size=(n, 1, 8, 8)).astype(np.float32)
    y = np.arange(n) % 2
    X[y == 1, 0, SIGNAL[0], SIGNAL[1]] += 2.0
    return X, y


def _cnn(net_class=NeuralNetClassifier, **params):
    torch.manual_seed(0)  # the skorch module's initial weights; tests only
    kw = dict(
        module=TinyCNN,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=0.02,
        max_epochs=15,
        batch_size=32,
        train_split=None,
        device="cpu",
        verbose=0,
    )
    kw.update(params)
    return net_class(**kw)


@pytest.fixture(scope="session")
def images():
    return make_images()


@pytest.fixture(scope="session")
def signal_region():
    """Boolean 8x8 mask of the informative region."""
    inside = np.zeros((8, 8), dtype=bool)
    inside[SIGNAL] = True
    return inside


@pytest.fixture(scope="session")
def cnn(images):
    """A TinyCNN net fitted on the synthetic images (4-D input)."""
    X, y = images
    with one_torch_thread(CPU):
        return _cnn().fit(X, y)


@pytest.fixture(scope="session")
def shaped_cnn(images):
    """The same network declaring input_shape=(1, 8, 8), fitted on flat rows."""
    X, y = images
    with one_torch_thread(CPU):
        return _cnn(ShapedNet).fit(X.reshape(len(X), -1), y)


@pytest.fixture()
def unfitted_cnn():
    return _cnn()


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return X[:400], y[:400]


@pytest.fixture(scope="session")
def digits_mlp(digits):
    """An MLP on flat 8x8 digits, with a validation split and early stopping."""
    X, y = digits
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    net = NeuralNetClassifier(
        module,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=25,
        batch_size=64,
        callbacks=[EarlyStopping(patience=4, load_best=True)],
        device="cpu",
        verbose=0,
    )
    with one_torch_thread(CPU):
        return net.fit(X, y)
