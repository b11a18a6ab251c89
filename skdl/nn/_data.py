"""Batches and image augmentation for skdl's networks.

:class:`BatchIterator` is the default ``iterator_train`` / ``iterator_valid``
of the networks: for a skorch ``Dataset`` of NumPy arrays it slices whole
batches out of tensors (one indexing operation per batch) instead of
collating samples one by one as torch's ``DataLoader`` does, which costs
more than a small network's forward pass. A SciPy sparse ``X`` is sliced
the same way and each batch densified on its own (:func:`batch_rows`), so
the whole matrix is never dense and the batches hold the values the dense
copy's batches hold. Other datasets go through a ``DataLoader``.

The augmentation functions take a batch of images ``(n, C, H, W)`` and a
:class:`torch.Generator` on the batch's device, and return a new batch.
"""

import math

import numpy as np
import scipy.sparse as sp
import torch
from skorch.dataset import Dataset
from torch.utils.data import DataLoader

from .._device import to_tensor
from ._presets import lookup


def n_batches(n_samples, batch_size):
    """Number of batches :class:`BatchIterator` makes of ``n_samples``.

    A last batch of a single sample is merged into the one before it
    (batch normalisation can not train on one sample).
    """
    if n_samples == 0:
        return 0
    batch_size = n_samples if batch_size == -1 else max(1, min(batch_size, n_samples))
    count = math.ceil(n_samples / batch_size)
    if count > 1 and n_samples % batch_size == 1:
        count -= 1
    return count


def batch_bounds(n_samples, batch_size):
    """``(start, stop)`` of each of the :func:`n_batches` consecutive batches of ``n_samples``."""
    count = n_batches(n_samples, batch_size)
    size = n_samples if batch_size == -1 else max(1, min(batch_size, n_samples))
    for b in range(count):
        yield b * size, n_samples if b == count - 1 else (b + 1) * size


def batch_rows(X, rows):
    """The rows ``rows`` (a slice or an index tensor) of ``X`` as a dense tensor.

    ``X`` is a tensor or a SciPy sparse matrix (CSR); only the selected rows
    of a sparse matrix are densified, into the values its dense copy has.
    """
    if not sp.issparse(X):
        return X[rows]
    if isinstance(rows, torch.Tensor):
        rows = rows.numpy()
    return torch.from_numpy(X[rows].toarray())


def _as_tensor(values):
    if values is None:
        return None
    if isinstance(values, dict):
        return {key: _as_tensor(value) for key, value in values.items()}
    if isinstance(values, torch.Tensor) or sp.issparse(values):
        return values
    return to_tensor(values, torch.device("cpu"), dtype=np.asarray(values).dtype)


def _index(values, rows):
    if values is None:
        return None
    if isinstance(values, dict):
        return {key: _index(value, rows) for key, value in values.items()}
    return batch_rows(values, rows)


class BatchIterator:
    """Mini-batches of a skorch ``Dataset`` of arrays, sliced from tensors.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset or torch Dataset
        A skorch ``Dataset`` whose ``X`` is an array or a SciPy CSR matrix
        and ``y`` an array, a dict of arrays or None takes the fast route; any other dataset is
        read by a :class:`torch.utils.data.DataLoader`.
    batch_size : int, default=128
        ``-1`` for one batch of everything.
    shuffle : bool, default=False
        Visit the samples in a new random order at each pass.
    generator : torch.Generator, default=None
        Draws the order when shuffling (a CPU generator).
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, generator=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        fast = isinstance(dataset, Dataset) and (
            isinstance(dataset.X, (np.ndarray, torch.Tensor)) or sp.issparse(dataset.X)
        )
        y = getattr(dataset, "y", None)
        fast = fast and (
            y is None
            or isinstance(y, (np.ndarray, torch.Tensor))
            or (isinstance(y, dict) and all(isinstance(v, (np.ndarray, torch.Tensor)) for v in y.values()))
        )
        if fast:
            self._X, self._y = _as_tensor(dataset.X), _as_tensor(y)
            self._n = self._X.shape[0]
            self._loader = None
        else:
            size = len(dataset) if batch_size == -1 else batch_size
            self._loader = DataLoader(dataset, batch_size=size, shuffle=shuffle, generator=generator)

    def __len__(self):
        if self._loader is not None:
            return len(self._loader)
        return n_batches(self._n, self.batch_size)

    def __iter__(self):
        if self._loader is not None:
            yield from self._loader
            return
        if not self._n:
            return
        order = torch.randperm(self._n, generator=self.generator) if self.shuffle else None
        for start, stop in batch_bounds(self._n, self.batch_size):
            rows = slice(start, stop) if order is None else order[start:stop]
            yield _index(self._X, rows), _index(self._y, rows)


# --------------------------------------------------------------- augmentation


def random_flip(X, generator):
    """Flip each image left-right with probability 1/2."""
    flip = torch.rand(len(X), generator=generator, device=X.device) < 0.5
    return torch.where(flip[:, None, None, None], X.flip(-1), X)


def random_shift(X, generator):
    """Shift each image by up to 1/8 of its size (at least one pixel) in each
    direction, filling with zeros (a random crop of the zero-padded image)."""
    n, channels, height, width = X.shape
    pad_h, pad_w = max(1, round(height / 8)), max(1, round(width / 8))
    padded = torch.nn.functional.pad(X, (pad_w, pad_w, pad_h, pad_h))
    dy = torch.randint(0, 2 * pad_h + 1, (n,), generator=generator, device=X.device)
    dx = torch.randint(0, 2 * pad_w + 1, (n,), generator=generator, device=X.device)
    rows = dy[:, None] + torch.arange(height, device=X.device)
    cols = dx[:, None] + torch.arange(width, device=X.device)
    batch = torch.arange(n, device=X.device)[:, None, None, None]
    channel = torch.arange(channels, device=X.device)[None, :, None, None]
    return padded[batch, channel, rows[:, None, :, None], cols[:, None, None, :]]


def gaussian_noise(X, generator, scale=0.1):
    """Add Gaussian noise of ``scale`` times the batch's standard deviation."""
    noise = torch.randn(X.shape, generator=generator, device=X.device, dtype=X.dtype)
    return X + scale * X.std() * noise


AUGMENTATIONS = {"flip": random_flip, "shift": random_shift, "noise": gaussian_noise}


def parse_augmentation(spec):
    """The augmentation functions named in ``spec`` ("flip+shift", ...), in order."""
    if spec is None:
        return ()
    return tuple(lookup(AUGMENTATIONS, name.strip(), "augmentation") for name in spec.split("+"))


def augment(X, functions, generator):
    """Apply each of ``functions`` to the batch ``X`` in turn."""
    for function in functions:
        X = function(X, generator)
    return X
