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
- :class:`WeightNormLinear` / :class:`WeightNormConv2d` compute with
  ``w = g v / ||v||`` per output unit (weight normalisation, Salimans and
  Kingma, 2016); :class:`CosineLinear` / :class:`CosineConv2d` output the
  cosine between each input vector (patch) and each unit's weights (cosine
  normalisation, Luo et al., 2017). They subclass ``nn.Linear`` /
  ``nn.Conv2d`` (``weight`` is ``v``, resp. the weights whose cosine is
  taken), so the initialisation schemes draw them as any layer's weights,
  and they pickle as plain modules (torch's ``weight_norm`` parametrisation
  does not: its modules serialise only through ``state_dict``).
"""

from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

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
            seed = int(
                torch.randint(np.iinfo(np.int32).max, (1,), generator=self.generator, device=self.generator.device)
            )
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
        losses = nn.functional.cross_entropy(logits, target, reduction="none", label_smoothing=self.label_smoothing)
        return (losses * weight).mean()

    def extra_repr(self):
        return f"label_smoothing={self.label_smoothing}"


# ------------------------------------------------ weight and cosine normalisation


def _unit_norms(weight):
    """The Euclidean norm of each unit's incoming weights (dimension 0 indexes the units)."""
    return weight.flatten(1).norm(dim=1)


class _WeightNormalised:
    """``w = g v / ||v||`` per output unit; ``weight`` is ``v``, ``scale`` is ``g``.

    ``g`` starts at ``||v||`` (so ``w = v`` at initialisation, as torch's
    ``weight_norm`` does); :meth:`reset_scale` sets it again after the
    initialisation scheme has drawn ``v``.
    """

    def _init_scale(self):
        self.scale = nn.Parameter(torch.empty(self.weight.shape[0], dtype=self.weight.dtype))
        self.reset_scale()

    def reset_scale(self):
        """Set ``g = ||v||`` per unit, so the effective weights equal ``v``."""
        with torch.no_grad():
            self.scale.copy_(_unit_norms(self.weight))

    def effective_weight(self):
        """``g v / ||v||``, shaped like ``weight``."""
        factor = self.scale / _unit_norms(self.weight)
        return self.weight * factor.view(-1, *([1] * (self.weight.dim() - 1)))


class WeightNormLinear(_WeightNormalised, nn.Linear):
    """A linear layer with weight normalisation (Salimans and Kingma, 2016).

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default=True
    """

    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias=bias)
        self._init_scale()

    def forward(self, x):
        return F.linear(x, self.effective_weight(), self.bias)


class WeightNormConv2d(_WeightNormalised, nn.Conv2d):
    """A 2-D convolution with weight normalisation of each output channel's kernel.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, stride, padding : see ``nn.Conv2d``
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
        self._init_scale()

    def forward(self, x):
        return self._conv_forward(x, self.effective_weight(), self.bias)


#: Added to the norms of cosine normalisation (an all-zero weight vector).
COSINE_EPS = 1e-8


def _weight_norms_with_bias(layer):
    """``sqrt(||w_j||^2 + b_j^2)`` per unit: the bias is the weight of a constant input 1."""
    squared = layer.weight.flatten(1).square().sum(dim=1)
    if layer.bias is not None:
        squared = squared + layer.bias.square()
    return squared.sqrt() + COSINE_EPS


class CosineLinear(nn.Linear):
    """Cosine normalisation (Luo et al., 2017) of a linear layer.

    Unit ``j`` outputs ``cos(x~, w~_j) = (w_j . x + b_j) / (||(w_j, b_j)||
    ||(x, 1)||)``: the bias is the weight of a constant input 1, included in
    both vectors as in the paper, so the output lies in [-1, 1] and a zero
    input is defined.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default=True
    """

    def forward(self, x):
        dot = F.linear(x, self.weight, self.bias)
        constant = 1.0 if self.bias is not None else 0.0
        input_norm = (x.square().sum(dim=-1, keepdim=True) + constant).sqrt() + COSINE_EPS
        return dot / (input_norm * _weight_norms_with_bias(self))


class CosineConv2d(nn.Conv2d):
    """Cosine normalisation of a 2-D convolution: the cosine between each
    input patch (with a constant 1 for the bias) and each output channel's
    kernel (with its bias); zero padding adds nothing to a patch's norm.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, stride, padding : see ``nn.Conv2d``
    """

    def forward(self, x):
        dot = self._conv_forward(x, self.weight, self.bias)
        # Squared norm of every patch: the squares summed by an all-ones kernel.
        ones = torch.ones((1, *self.weight.shape[1:]), dtype=x.dtype, device=x.device)
        patch_squares = F.conv2d(x.square(), ones, None, self.stride, self.padding, self.dilation)
        constant = 1.0 if self.bias is not None else 0.0
        patch_norm = (patch_squares + constant).sqrt() + COSINE_EPS
        return dot / (patch_norm * _weight_norms_with_bias(self).view(1, -1, 1, 1))


class ScaledInputLinear(nn.Linear):
    """A linear layer applied to its input times a fixed ``input_scale``.

    The output layer after cosine-normalised layers: their outputs are
    cosines, about ``1 / sqrt(n)`` in size at the start for ``n`` inputs per
    unit (random directions), where a dot-product layer under the scaled
    initialisations gives values of order 1. Multiplying them by
    ``sqrt(n)`` gives the output layer inputs of the size its
    initialisation assumes, so its logits start, and Adam's steps of its
    weights move them, as in the other networks. The scale is a constant,
    not a parameter: the function class is that of a plain ``nn.Linear``.

    Parameters
    ----------
    in_features, out_features : int
    input_scale : float, default=1.0
    bias : bool, default=True
    """

    def __init__(self, in_features, out_features, input_scale=1.0, bias=True):
        super().__init__(in_features, out_features, bias=bias)
        self.input_scale = float(input_scale)

    def forward(self, x):
        return F.linear(x * self.input_scale, self.weight, self.bias)

    def extra_repr(self):
        return f"{super().extra_repr()}, input_scale={self.input_scale:.4g}"
