"""Small torch layers the presets need and torch does not ship in the needed form.

- :class:`Maxout` takes the maximum over groups of ``pieces`` consecutive
  channels (Goodfellow et al., 2013): the layer before it produces ``pieces``
  times the channels it would otherwise produce.
- :class:`Dropout` and :class:`RandomizedReLU` are torch's dropout and RReLU,
  but they draw their random numbers from the generator of
  :func:`noise_generator` (the one a skdl network seeds from its
  ``random_state``) instead of torch's global generator, so two fits with the
  same ``random_state`` are identical. Outside such a block (a module used on
  its own) they use torch's global generator.
- :class:`SqueezeExcitation` rescales channels by a gate computed from their
  global averages (Hu et al., 2018).
- :class:`GlobalAvgPool` averages each channel over the image.
"""

from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import torch
from torch import nn

from .._device import torch_generator

_NOISE_GENERATOR = ContextVar("skdl_noise_generator", default=None)


class _NoiseSource:
    """The generator of a :func:`noise_generator` block, and ones derived from it for other device types."""

    def __init__(self, generator):
        self.generator = generator
        self.derived = {}

    def on(self, device):
        """A generator on ``device``'s type: the block's own, or one seeded from it (made once)."""
        if self.generator.device.type == device.type:
            return self.generator
        if device.type not in self.derived:
            seed = int(torch.randint(np.iinfo(np.int32).max, (1,), generator=self.generator,
                                     device=self.generator.device))
            self.derived[device.type] = torch_generator(np.random.RandomState(seed), device)
        return self.derived[device.type]


@contextmanager
def noise_generator(generator):
    """Make the stochastic layers draw from ``generator`` inside the block.

    A layer computing on another device type than ``generator``'s draws from
    a generator on its device seeded from ``generator`` (never from torch's
    global one).

    Parameters
    ----------
    generator : torch.Generator or None
        On the device the layers compute on. ``None`` means torch's global
        generator.
    """
    token = _NOISE_GENERATOR.set(None if generator is None else _NoiseSource(generator))
    try:
        yield
    finally:
        _NOISE_GENERATOR.reset(token)


def _uniform(x):
    """Uniform [0, 1) numbers shaped like ``x`` from the current noise generator."""
    source = _NOISE_GENERATOR.get()
    generator = None if source is None else source.on(x.device)
    return torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype)


class Maxout(nn.Module):
    """Maximum over groups of ``pieces`` consecutive channels (dimension 1).

    Parameters
    ----------
    pieces : int, default=2
        Number of linear pieces per unit; the input has ``pieces * units``
        channels.
    """

    def __init__(self, pieces=2):
        super().__init__()
        self.pieces = pieces

    def forward(self, x):
        n, channels = x.shape[:2]
        return x.reshape(n, channels // self.pieces, self.pieces, *x.shape[2:]).amax(dim=2)

    def extra_repr(self):
        return f"pieces={self.pieces}"


class Dropout(nn.Module):
    """Inverted dropout: zero each value with probability ``p`` while training.

    Parameters
    ----------
    p : float, default=0.5
        Probability of zeroing a value; kept values are scaled by ``1 / (1 - p)``.
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = _uniform(x) >= self.p
        return x * keep / (1.0 - self.p)

    def extra_repr(self):
        return f"p={self.p}"


class RandomizedReLU(nn.Module):
    """Randomized leaky ReLU (Xu et al., 2015).

    While training, each negative value is multiplied by a slope drawn
    uniformly from ``[lower, upper]``; in evaluation by their mean.

    Parameters
    ----------
    lower, upper : float, default=1/8, 1/3
        The range of the slopes (torch's defaults).
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3):
        super().__init__()
        self.lower = lower
        self.upper = upper

    def forward(self, x):
        if self.training:
            slope = self.lower + (self.upper - self.lower) * _uniform(x)
        else:
            slope = (self.lower + self.upper) / 2
        return torch.where(x >= 0, x, x * slope)

    def extra_repr(self):
        return f"lower={self.lower:.4g}, upper={self.upper:.4g}"


class GlobalAvgPool(nn.Module):
    """Average each channel over the image: (n, C, H, W) -> (n, C)."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation: rescale channels by a learned gate.

    ``x * sigmoid(W2 relu(W1 mean_hw(x)))`` with ``W1`` reducing the
    channels by ``reduction`` (Hu et al., 2018).

    Parameters
    ----------
    channels : int
    reduction : int, default=4
    """

    def __init__(self, channels, reduction=4):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.squeeze = GlobalAvgPool()
        self.reduce = nn.Linear(channels, hidden)
        self.act = nn.ReLU()
        self.expand = nn.Linear(hidden, channels)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        scale = self.gate(self.expand(self.act(self.reduce(self.squeeze(x)))))
        return x * scale[:, :, None, None]


class WeightedCrossEntropy(nn.Module):
    """Cross-entropy of logits, weighted per sample, with label smoothing.

    ``mean_i(w_i * CE_i)`` over the batch, where ``CE_i`` is the
    cross-entropy of sample i against its label smoothed by
    ``label_smoothing`` (torch's definition) and ``w_i`` its weight (1
    without weights). skdl scales the weights to mean 1 over the training
    data, so a batch's loss estimates the weighted mean loss.

    Parameters
    ----------
    label_smoothing : float, default=0.0
    """

    def __init__(self, label_smoothing=0.0):
        super().__init__()
        self.label_smoothing = label_smoothing

    def forward(self, logits, target, weight=None):
        if weight is None:
            return nn.functional.cross_entropy(logits, target, label_smoothing=self.label_smoothing)
        losses = nn.functional.cross_entropy(
            logits, target, reduction="none", label_smoothing=self.label_smoothing
        )
        return (losses * weight).mean()

    def extra_repr(self):
        return f"label_smoothing={self.label_smoothing}"
