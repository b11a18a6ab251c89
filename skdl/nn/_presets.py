"""Name -> object tables behind the networks' string parameters.

Each table maps the value of one constructor parameter (``activation``,
``normalization``, ``weight_init``, ``optimizer``, ``lr_schedule``) to what
it builds, so adding a variant is one line. :func:`lookup` turns an unknown
name into a ValueError that lists the valid ones.
"""

import math
from functools import partial

import torch
from torch import nn

from ._layers import (
    CosineConv2d,
    CosineLinear,
    Maxout,
    RandomizedReLU,
    WeightNormConv2d,
    WeightNormLinear,
)


def lookup(table, name, what):
    """``table[name]``, or a ValueError naming ``what`` and the valid names."""
    try:
        return table[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(key) for key in table)
        raise ValueError(f"Unknown {what} {name!r}; valid names are {valid}.") from None


# ----------------------------------------------------------------- activations

#: Number of channels a layer produces per unit before the activation.
MAXOUT_PIECES = 2

# name -> factory(channels) -> module. ``channels`` is the number of values the
# activation receives per position (PReLU learns one slope per channel).
ACTIVATIONS = {
    "relu": lambda channels: nn.ReLU(),
    "leaky_relu": lambda channels: nn.LeakyReLU(0.01),
    "prelu": lambda channels: nn.PReLU(channels),
    "rrelu": lambda channels: RandomizedReLU(),
    "elu": lambda channels: nn.ELU(),
    "tanh": lambda channels: nn.Tanh(),
    "sigmoid": lambda channels: nn.Sigmoid(),
    "softplus": lambda channels: nn.Softplus(),
    "maxout": lambda channels: Maxout(MAXOUT_PIECES),
}


def activation_pieces(name):
    """How many channels the layer before ``name`` produces per output unit."""
    lookup(ACTIVATIONS, name, "activation")
    return MAXOUT_PIECES if name == "maxout" else 1


def make_activation(name, channels):
    """The activation module ``name`` for ``channels`` input channels."""
    return lookup(ACTIVATIONS, name, "activation")(channels)


# -------------------------------------------------------------- normalisations


def n_groups(channels, largest=8):
    """Group count of group normalisation: the largest divisor of ``channels`` <= ``largest``."""
    return max(g for g in range(1, min(largest, channels) + 1) if channels % g == 0)


# name -> {"dense": factory(channels), "conv": factory(channels)}; layer
# normalisation of an image normalises over (C, H, W): one group.
NORMALIZATIONS = {
    None: {"dense": lambda c: nn.Identity(), "conv": lambda c: nn.Identity()},
    "batch": {"dense": nn.BatchNorm1d, "conv": nn.BatchNorm2d},
    "layer": {"dense": nn.LayerNorm, "conv": lambda c: nn.GroupNorm(1, c)},
    "group": {"dense": lambda c: nn.GroupNorm(n_groups(c), c), "conv": lambda c: nn.GroupNorm(n_groups(c), c)},
}


# Normalisations that change the linear map itself instead of adding a layer
# after it: name -> {"dense": Linear class, "conv": Conv2d class}.
REPARAMETRISATIONS = {
    "weight": {"dense": WeightNormLinear, "conv": WeightNormConv2d},
    "cosine": {"dense": CosineLinear, "conv": CosineConv2d},
}
NORMALIZATIONS.update({name: {"dense": None, "conv": None} for name in REPARAMETRISATIONS})
# Local response normalisation (Krizhevsky et al., 2012): each channel divided
# by (k + alpha * sum of squares over 5 neighbouring channels)^beta with the
# paper's k=2, alpha=1e-4, beta=0.75 (torch divides alpha by the size).
LRN_SIZE = 5
NORMALIZATIONS["lrn"] = {
    "conv": lambda c: nn.LocalResponseNorm(LRN_SIZE, alpha=1e-4 * LRN_SIZE, beta=0.75, k=2.0),
}

#: The normalisations of dense layers (local response normalisation needs channels).
DENSE_NORMALIZATIONS = [name for name, kinds in NORMALIZATIONS.items() if "dense" in kinds]
_PLAIN = {"dense": nn.Linear, "conv": nn.Conv2d}


def has_norm_layer(name):
    """Whether normalisation ``name`` is a layer of its own after the linear map."""
    lookup(NORMALIZATIONS, name, "normalization")
    return name is not None and name not in REPARAMETRISATIONS


def make_norm(name, channels, kind):
    """The normalisation ``name`` of ``channels`` channels for a ``kind`` ("dense"/"conv") layer.

    An identity for None and for the normalisations of the linear map itself
    (``"weight"``, ``"cosine"``).
    """
    kinds = lookup(NORMALIZATIONS, name, "normalization")
    if kind not in kinds:
        valid = ", ".join(repr(n) for n, k in NORMALIZATIONS.items() if kind in k)
        raise ValueError(f"normalization={name!r} does not apply to {kind} layers; valid ones are {valid}.")
    factory = kinds[kind]
    return nn.Identity() if factory is None else factory(channels)


def make_linear(name, in_features, out_features):
    """The hidden dense layer under normalisation ``name`` (a plain ``nn.Linear`` for most)."""
    return REPARAMETRISATIONS.get(name, _PLAIN)["dense"](in_features, out_features)


def make_conv(name, in_channels, out_channels, kernel, stride=1, padding=0):
    """The convolution under normalisation ``name`` (a plain ``nn.Conv2d`` for most)."""
    return REPARAMETRISATIONS.get(name, _PLAIN)["conv"](
        in_channels, out_channels, kernel, stride=stride, padding=padding
    )


# -------------------------------------------------------------- initialisation


#: Non-zero incoming weights per unit of the sparse initialisation (Martens, 2010).
SPARSE_NONZERO = 15


def sparse_init(weight, generator=None, nonzero=SPARSE_NONZERO):
    """Sparse initialisation (Martens, 2010, section 5).

    Each unit (row of the weight viewed as ``(units, fan_in)``) gets
    ``min(nonzero, fan_in)`` incoming weights drawn from N(0, 1) (unit
    variance, not scaled by the fan-in) at positions drawn uniformly without
    replacement; the others are zero. A unit's input then does not shrink
    as the layer widens, and units differ in which inputs they see.
    """
    rows = weight.view(weight.shape[0], -1)
    units, fan_in = rows.shape
    k = min(nonzero, fan_in)
    # The first k of a random permutation of each row: argsort of uniform keys.
    where = torch.rand((units, fan_in), generator=generator).argsort(dim=1)[:, :k]
    values = torch.randn((units, k), generator=generator)
    with torch.no_grad():
        rows.zero_()
        rows.scatter_(1, where.to(rows.device), values.to(rows.device, rows.dtype))
    return weight


# name -> init_(weight, generator); biases always start at zero. The lecun
# and he schemes are torch's kaiming schemes with the gain of a linear unit
# (variance 1 / fan_in) and of a ReLU (variance 2 / fan_in).
INITS = {
    "xavier_uniform": nn.init.xavier_uniform_,
    "xavier_normal": nn.init.xavier_normal_,
    "he_uniform": partial(nn.init.kaiming_uniform_, nonlinearity="relu"),
    "he_normal": partial(nn.init.kaiming_normal_, nonlinearity="relu"),
    "lecun_uniform": partial(nn.init.kaiming_uniform_, nonlinearity="linear"),
    "lecun_normal": partial(nn.init.kaiming_normal_, nonlinearity="linear"),
    "orthogonal": nn.init.orthogonal_,
    "sparse": sparse_init,
}
# The schemes skdl ships (each draws every unit's weights), named in error messages.
_BUILTIN_INITS = tuple(INITS)

#: Layers whose weights ``weight_init`` draws (and whose weights ``weight_decay`` decays).
WEIGHTED_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def init_weights(module, name, generator):
    """Draw the weights of every Linear/Conv layer of ``module`` with scheme ``name``.

    Biases are set to zero; normalisation layers keep torch's (1, 0).
    The layers are visited in ``module.modules()`` order.
    """
    init = lookup(INITS, name, "weight_init")
    for layer in module.modules():
        if isinstance(layer, WEIGHTED_LAYERS):
            with torch.no_grad():
                init(layer.weight, generator=generator)
                if layer.bias is not None:
                    layer.bias.zero_()
            if hasattr(layer, "reset_scale"):  # weight normalisation: w = v at the start
                if not bool((layer.weight.flatten(1) != 0).any(dim=1).all()):
                    # v / ||v|| of an all-zero unit is 0/0: every step would be NaN.
                    raise ValueError(
                        f"weight_init={name!r} leaves units of a weight-normalised layer with all-zero "
                        "weights, whose direction v / ||v|| is undefined; use a scheme that draws every "
                        "unit's weights (any of " + ", ".join(repr(n) for n in _BUILTIN_INITS) + ") or "
                        "another normalization."
                    )
                layer.reset_scale()
    return module


def decayed_parameters(module):
    """The parameters weight decay applies to: weights of Linear/Conv layers.

    Under weight normalisation the scales ``g``: since ``||w_j|| = |g_j|``,
    decaying them is the L2 penalty on the effective weights (decaying the
    directions ``v`` would not change the map). Biases, normalisation
    parameters and PReLU slopes are not decayed.
    """
    return [getattr(layer, "scale", layer.weight) for layer in module.modules() if isinstance(layer, WEIGHTED_LAYERS)]


# ----------------------------------------------------------------- optimizers

# name -> (optimizer class, fixed options, default learning rate)
OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {}, 0.01),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}, 0.01),
    "nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}, 0.01),
    "adagrad": (torch.optim.Adagrad, {}, 0.01),
    "adadelta": (torch.optim.Adadelta, {}, 1.0),
    "rmsprop": (torch.optim.RMSprop, {}, 0.001),
    "adam": (torch.optim.Adam, {}, 0.001),
    "adamw": (torch.optim.AdamW, {}, 0.001),
}


def resolve_optimizer(optimizer, learning_rate):
    """``(class, options, learning rate)`` for a name or a torch optimizer class.

    ``learning_rate=None`` takes the preset's default (0.01 for a class).
    """
    if isinstance(optimizer, str) or optimizer is None:
        cls, options, default_lr = lookup(OPTIMIZERS, optimizer, "optimizer")
    else:
        cls, options, default_lr = optimizer, {}, 0.01
    return cls, dict(options), default_lr if learning_rate is None else learning_rate


# ------------------------------------------------------------------ schedules


def _warmup_cosine(step, total, warmup=0.1):
    n_warm = max(1, round(warmup * total))
    if step < n_warm:
        return (step + 1) / n_warm
    return 0.5 * (1.0 + math.cos(math.pi * (step - n_warm) / max(1, total - n_warm)))


# name -> factor(step, total): the learning rate of step ``step`` (0-based) of
# ``total`` optimisation steps is ``learning_rate * factor``.
SCHEDULES = {
    "constant": lambda step, total: 1.0,
    "step": lambda step, total: 0.1 ** ((step >= total / 2) + (step >= 3 * total / 4)),
    "exponential": lambda step, total: 0.01 ** (step / total),
    "inverse_time": lambda step, total: 1.0 / (1.0 + 9.0 * step / total),
    "cosine": lambda step, total: 0.5 * (1.0 + math.cos(math.pi * step / total)),
    "warmup_cosine": _warmup_cosine,
}


def schedule_factor(name, step, total):
    """Learning-rate multiplier of schedule ``name`` at ``step`` of ``total``.

    Past ``total`` the schedule keeps its last value.
    """
    total = max(1, total)
    return lookup(SCHEDULES, name, "lr_schedule")(min(step, total - 1), total)
