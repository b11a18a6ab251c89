"""The torch modules behind :class:`MLPClassifier` and :class:`CNNClassifier`.

Every module is an ``nn.Sequential`` of named layers, so a forward hook can
be attached by name (``net.module_.get_submodule("block1.act")``):

- :class:`MLP`: ``dense0, norm0, act0, dropout0, dense1, ..., output``
  (``norm<i>`` only with a normalisation, ``dropout<i>`` only with dropout).
- :class:`CNN`: ``[stem,] block0, ..., block<depth-1>, pool, [dropout,]
  output``; ``stem`` (a 3x3 unit) for resnet, inception and densenet;
  ``pool`` is the global average pooling. Inside a block: lenet ``conv, norm,
  act``; vgg ``conv1, norm1, act1, conv2, norm2, act2``; resnet ``conv1,
  norm1, act1, conv2, norm2, se, shortcut, act2``; inception ``branch1x1,
  branch3x3, branch5x5, branch_pool``; densenet ``layer0, layer1, layer2,
  transition``. A block ends with ``se`` (squeeze-and-excitation, when asked
  for) and the downsampling (``downsample``; densenet's ``transition.pool``;
  resnet's stride-2 ``conv1``), on every block but the last while the image
  is at least 2x2. AlexNet: ``block0, ..., block<depth+2>, flatten,
  [dropout0,] dense0, [norm0,] act0, [dropout1,] dense1, [norm1,] act1,
  output`` (no global pooling: its dense layers see the flattened image).

A convolution, its normalisation and its activation form a *unit*
(``conv``, ``norm``, ``act``). With ``activation="maxout"`` every linear map
followed by an activation produces twice the channels and the maxout keeps
the larger of each pair.
"""

import math
from collections import OrderedDict

import torch
from torch import nn

from ._layers import CosineConv2d, CosineLinear, Dropout, GlobalAvgPool, ScaledInputLinear, SqueezeExcitation
from ._presets import (
    activation_pieces,
    has_norm_layer,
    lookup,
    make_activation,
    make_conv,
    make_linear,
    make_norm,
)


def _unit(in_channels, out_channels, kernel, activation, normalization, prefix="", stride=1):
    """``[(conv, ...), (norm, ...), (act, ...)]``: a convolution unit's named layers."""
    pieces = activation_pieces(activation)
    produced = out_channels * pieces
    layers = [(f"{prefix}conv", make_conv(normalization, in_channels, produced, kernel, stride, kernel // 2))]
    if has_norm_layer(normalization):
        layers.append((f"{prefix}norm", make_norm(normalization, produced, "conv")))
    layers.append((f"{prefix}act", make_activation(activation, produced)))
    return layers


def _halved(size):
    return tuple(math.ceil(s / 2) for s in size)


def _can_downsample(size):
    return min(size) >= 2


class Block(nn.Sequential):
    """A plain block: its named layers applied in order (LeNet, VGG)."""


class ResidualBlock(nn.Module):
    """Basic residual block (He et al., 2016).

    ``act2(se(norm2(conv2(act1(norm1(conv1(x)))))) + shortcut(x))``; the
    shortcut is the identity, or a strided 1x1 convolution when the shape
    changes. Layers: ``conv1, norm1, act1, conv2, norm2, se, shortcut, act2``
    (``norm*`` and ``se`` are identities when not asked for).
    """

    def __init__(self, in_channels, out_channels, activation, normalization, stride, se):
        super().__init__()
        produced = out_channels * activation_pieces(activation)
        self.conv1 = make_conv(normalization, in_channels, produced, 3, stride, 1)
        self.norm1 = make_norm(normalization, produced, "conv")
        self.act1 = make_activation(activation, produced)
        self.conv2 = make_conv(normalization, out_channels, produced, 3, 1, 1)
        self.norm2 = make_norm(normalization, produced, "conv")
        if stride != 1 or in_channels != produced:
            self.shortcut = nn.Conv2d(in_channels, produced, 1, stride=stride)
        else:
            self.shortcut = nn.Identity()
        self.se = SqueezeExcitation(produced) if se else nn.Identity()
        self.act2 = make_activation(activation, produced)

    def forward(self, x):
        out = self.act1(self.norm1(self.conv1(x)))
        out = self.se(self.norm2(self.conv2(out)))
        return self.act2(out + self.shortcut(x))


class InceptionBlock(nn.Module):
    """Inception module (Szegedy et al., 2015) with 1x1 bottlenecks.

    Four branches concatenated along the channels: ``branch1x1`` (1x1),
    ``branch3x3`` (1x1 then 3x3), ``branch5x5`` (1x1 then 5x5) and
    ``branch_pool`` (3x3 max-pooling then 1x1); then ``se`` and ``downsample``.
    """

    def __init__(self, in_channels, base, activation, normalization, se, downsample):
        super().__init__()
        half, quarter = max(1, base // 2), max(1, base // 4)

        def seq(*units):
            return nn.Sequential(OrderedDict(layer for unit in units for layer in unit))

        self.branch1x1 = seq(_unit(in_channels, base, 1, activation, normalization))
        self.branch3x3 = seq(
            _unit(in_channels, half, 1, activation, normalization, "reduce_"),
            _unit(half, base, 3, activation, normalization),
        )
        self.branch5x5 = seq(
            _unit(in_channels, quarter, 1, activation, normalization, "reduce_"),
            _unit(quarter, half, 5, activation, normalization),
        )
        self.branch_pool = nn.Sequential(
            OrderedDict(
                [("pool", nn.MaxPool2d(3, stride=1, padding=1))]
                + _unit(in_channels, half, 1, activation, normalization)
            )
        )
        self.out_channels = 2 * base + 2 * half
        self.se = SqueezeExcitation(self.out_channels) if se else nn.Identity()
        self.downsample = nn.MaxPool2d(2, ceil_mode=True) if downsample else nn.Identity()

    def forward(self, x):
        branches = [self.branch1x1(x), self.branch3x3(x), self.branch5x5(x), self.branch_pool(x)]
        return self.downsample(self.se(torch.cat(branches, dim=1)))


class DenseBlock(nn.Module):
    """Dense block (Huang et al., 2017): each layer sees all earlier outputs.

    ``layer<j>`` (a 3x3 unit of ``growth`` channels) takes the concatenation
    of the block's input and every earlier layer's output; the block returns
    the concatenation of all of them, then ``se`` and ``transition`` (a 1x1
    unit halving the channels, then 2x2 average pooling) when it is not the
    last block.
    """

    def __init__(self, in_channels, growth, n_layers, activation, normalization, se, transition, downsample):
        super().__init__()
        channels = in_channels
        for j in range(n_layers):
            self.add_module(
                f"layer{j}",
                nn.Sequential(OrderedDict(_unit(channels, growth, 3, activation, normalization))),
            )
            channels += growth
        self.n_layers = n_layers
        self.se = SqueezeExcitation(channels) if se else nn.Identity()
        if transition:
            out = max(1, channels // 2)
            layers = _unit(channels, out, 1, activation, normalization)
            if downsample:
                layers.append(("pool", nn.AvgPool2d(2, ceil_mode=True)))
            self.transition = nn.Sequential(OrderedDict(layers))
            channels = out
        else:
            self.transition = nn.Identity()
        self.out_channels = channels

    def forward(self, x):
        features = [x]
        for j in range(self.n_layers):
            features.append(getattr(self, f"layer{j}")(torch.cat(features, dim=1)))
        return self.transition(self.se(torch.cat(features, dim=1)))


# ------------------------------------------------------------ architectures
#
# Each builder returns ``(blocks, out_channels)`` where ``blocks`` is a list
# of ``(name, module)``; block ``i`` has ``width * 2**i`` channels (densenet:
# grows by ``width`` per layer) and all but the last halve the image while
# it is at least 2x2.


def _plain_blocks(in_channels, size, width, depth, activation, normalization, se, kernel, units):
    blocks, channels = [], in_channels
    for i in range(depth):
        out = width * 2**i
        layers = []
        for u in range(units):
            suffix = "" if units == 1 else str(u + 1)
            unit = _unit(channels if u == 0 else out, out, kernel, activation, normalization)
            layers += [(name + suffix, layer) for name, layer in unit]
        if se:
            layers.append(("se", SqueezeExcitation(out)))
        if i < depth - 1 and _can_downsample(size):
            layers.append(("downsample", nn.MaxPool2d(2, ceil_mode=True)))
            size = _halved(size)
        blocks.append((f"block{i}", Block(OrderedDict(layers))))
        channels = out
    return blocks, channels


def _lenet(in_channels, size, width, depth, activation, normalization, se):
    """LeNet-style: 5x5 convolution units, max-pooling between blocks."""
    return _plain_blocks(in_channels, size, width, depth, activation, normalization, se, kernel=5, units=1)


def _vgg(in_channels, size, width, depth, activation, normalization, se):
    """VGG-style: two stacked 3x3 convolution units per block (conv1.., conv2..)."""
    return _plain_blocks(in_channels, size, width, depth, activation, normalization, se, kernel=3, units=2)


def _resnet(in_channels, size, width, depth, activation, normalization, se):
    """A 3x3 stem unit then ``depth`` residual blocks; blocks after the first
    downsample by a stride-2 convolution while the image is at least 2x2."""
    blocks = [("stem", Block(OrderedDict(_unit(in_channels, width, 3, activation, normalization))))]
    channels = width
    for i in range(depth):
        out = width * 2**i
        stride = 2 if i > 0 and _can_downsample(size) else 1
        if stride == 2:
            size = _halved(size)
        blocks.append((f"block{i}", ResidualBlock(channels, out, activation, normalization, stride, se)))
        channels = out
    return blocks, channels


def _inception(in_channels, size, width, depth, activation, normalization, se):
    """A 3x3 stem unit then ``depth`` inception modules."""
    blocks = [("stem", Block(OrderedDict(_unit(in_channels, width, 3, activation, normalization))))]
    channels = width
    for i in range(depth):
        down = i < depth - 1 and _can_downsample(size)
        block = InceptionBlock(channels, width * 2**i, activation, normalization, se, down)
        if down:
            size = _halved(size)
        blocks.append((f"block{i}", block))
        channels = block.out_channels
    return blocks, channels


def _densenet(in_channels, size, width, depth, activation, normalization, se):
    """A 3x3 stem unit then ``depth`` dense blocks of 3 layers of ``width`` channels each."""
    blocks = [("stem", Block(OrderedDict(_unit(in_channels, width, 3, activation, normalization))))]
    channels = width
    for i in range(depth):
        last = i == depth - 1
        down = not last and _can_downsample(size)
        block = DenseBlock(channels, width, 3, activation, normalization, se, transition=not last, downsample=down)
        if down:
            size = _halved(size)
        blocks.append((f"block{i}", block))
        channels = block.out_channels
    return blocks, channels


# AlexNet (Krizhevsky et al., 2012) on 224x224 images: 96 11x11 filters of
# stride 4, 256 5x5, then 384, 384 and 256 3x3; 3x3 max-pooling of stride 2
# after the first, second and last convolution; 4096, 4096 dense units.
_ALEXNET_CHANNELS = (96, 256, 384, 384, 256)
_ALEXNET_KERNELS = (11, 5)
_ALEXNET_SIZE = 224
_ALEXNET_POOLS = 3
#: Dense units of the head per channel of the last convolution (4096 / 256).
ALEXNET_HEAD_RATIO = 16


def _odd_at_least(value, smallest):
    """The odd integer nearest to ``value``, at least ``smallest``."""
    return max(smallest, 2 * int(round((value - 1) / 2)) + 1)


def alexnet_min_size():
    """The smallest image side AlexNet takes: each of its poolings halves the image."""
    return 2**_ALEXNET_POOLS


def _alexnet(in_channels, size, width, depth, activation, normalization, se):
    """AlexNet's five-convolution body scaled to ``width``, ``depth`` and the image size.

    Channels follow the paper's ratios with ``width`` for the first
    convolution's 96; the third stage has ``depth + 1`` 3x3 convolutions (3
    at the default ``depth=2``, the paper's five in all); the first two
    kernels and the first stride shrink with the image side ``s`` as
    ``11 s / 224``, ``5 s / 224`` (at least 5 and 3) and ``4 s / 224`` (at
    least 1). ``block0`` and ``block1`` (large kernels) and the last block
    end with a 3x3 max-pooling of stride 2. ``normalization="lrn"`` puts
    local response normalisation after the first two convolutions only, as
    the paper; any other normalisation follows every convolution.
    """
    smallest = min(size)
    if smallest < alexnet_min_size():
        raise ValueError(
            f"architecture='alexnet' needs images of at least {alexnet_min_size()}x{alexnet_min_size()} "
            f"(its {_ALEXNET_POOLS} max-poolings halve the image); got {'x'.join(map(str, size))}. "
            "Use architecture='lenet', 'vgg', 'resnet', 'inception' or 'densenet' (they stop "
            "downsampling at 1x1), or larger images."
        )
    scale = smallest / _ALEXNET_SIZE
    channels = [max(1, round(width * c / _ALEXNET_CHANNELS[0])) for c in _ALEXNET_CHANNELS]
    kernels = [_odd_at_least(_ALEXNET_KERNELS[0] * scale, 5), _odd_at_least(_ALEXNET_KERNELS[1] * scale, 3)]
    stride = max(1, round(4 * scale))
    n_third = depth + 1
    # (out channels, kernel, stride, pool after, local response normalisation after)
    plan = [(channels[0], kernels[0], stride, True, True), (channels[1], kernels[1], 1, True, True)]
    third = [channels[2]] * (n_third - 1) + [channels[4]]  # 384, ..., 384, 256
    plan += [(c, 3, 1, j == n_third - 1, False) for j, c in enumerate(third)]
    unit_norm = None if normalization == "lrn" else normalization
    blocks, current = [], in_channels
    for i, (out, kernel, unit_stride, pool, lrn) in enumerate(plan):
        layers = _unit(current, out, kernel, activation, unit_norm, stride=unit_stride)
        if lrn and normalization == "lrn":
            layers.insert(1, ("norm", make_norm("lrn", out * activation_pieces(activation), "conv")))
        if se:
            layers.append(("se", SqueezeExcitation(out)))
        if pool:
            layers.append(("downsample", nn.MaxPool2d(3, stride=2, padding=1)))
        blocks.append((f"block{i}", Block(OrderedDict(layers))))
        current = out
    return blocks, current


def output_layer(layers, in_features, n_classes):
    """The output layer after the named ``layers``: a plain ``nn.Linear``, or,
    after cosine-normalised layers, one that scales its input by the square
    root of the last such layer's fan-in (see :class:`ScaledInputLinear`)."""
    cosine = [m for _, layer in layers for m in layer.modules() if isinstance(m, (CosineLinear, CosineConv2d))]
    if not cosine:
        return nn.Linear(in_features, n_classes)
    return ScaledInputLinear(in_features, n_classes, input_scale=math.sqrt(cosine[-1].weight[0].numel()))


def alexnet_head(in_features, n_classes, channels, activation, normalization, dropout):
    """AlexNet's classifier: flatten, two dense layers of ``ALEXNET_HEAD_RATIO * channels``
    units (each after dropout, as the paper), then the output layer."""
    hidden = ALEXNET_HEAD_RATIO * channels
    dense_norm = None if normalization == "lrn" else normalization
    layers, width_in = [("flatten", nn.Flatten())], in_features
    pieces = activation_pieces(activation)
    for i in range(2):
        if dropout > 0:
            layers.append((f"dropout{i}", Dropout(dropout)))
        layers.append((f"dense{i}", make_linear(dense_norm, width_in, hidden * pieces)))
        if has_norm_layer(dense_norm):
            layers.append((f"norm{i}", make_norm(dense_norm, hidden * pieces, "dense")))
        layers.append((f"act{i}", make_activation(activation, hidden * pieces)))
        width_in = hidden
    layers.append(("output", output_layer(layers, width_in, n_classes)))
    return layers


def _alexnet_out_size(size):
    """The image side after AlexNet's body (each stride and pooling divides it, rounding up)."""
    scale = min(size) / _ALEXNET_SIZE
    stride = max(1, round(4 * scale))
    out = tuple(math.ceil(s / stride) for s in size)
    for _ in range(_ALEXNET_POOLS):
        out = _halved(out)
    return out


ARCHITECTURES = {
    "alexnet": _alexnet,
    "lenet": _lenet,
    "vgg": _vgg,
    "resnet": _resnet,
    "inception": _inception,
    "densenet": _densenet,
}


def conv_blocks(architecture, in_channels, size, width, depth, activation, normalization, se):
    """The named blocks of ``architecture`` and their output channel count."""
    build = lookup(ARCHITECTURES, architecture, "architecture")
    return build(in_channels, tuple(size), width, depth, activation, normalization, se)


# ------------------------------------------------------------------ modules


class MLP(nn.Sequential):
    """Multi-layer perceptron returning one logit per class.

    Parameters
    ----------
    n_features : int
    n_classes : int
    hidden_layer_sizes : tuple of int, default=(100,)
    activation : str, default="relu"
    normalization : {"batch", "layer", "group", "weight", "cosine"} or None, default=None
        Applied between each hidden linear layer and its activation; ``"weight"``
        and ``"cosine"`` change the hidden linear layers themselves.
    dropout : float, default=0.0
        Dropout after each hidden activation.
    """

    def __init__(
        self, n_features, n_classes, hidden_layer_sizes=(100,), activation="relu", normalization=None, dropout=0.0
    ):
        layers = []
        width_in = n_features
        pieces = activation_pieces(activation)
        for i, width in enumerate(hidden_layer_sizes):
            layers.append((f"dense{i}", make_linear(normalization, width_in, width * pieces)))
            if has_norm_layer(normalization):
                layers.append((f"norm{i}", make_norm(normalization, width * pieces, "dense")))
            layers.append((f"act{i}", make_activation(activation, width * pieces)))
            if dropout > 0:
                layers.append((f"dropout{i}", Dropout(dropout)))
            width_in = width
        layers.append(("output", output_layer(layers, width_in, n_classes)))
        super().__init__(OrderedDict(layers))


class CNN(nn.Sequential):
    """Convolutional network on (n, C, H, W) images returning one logit per class.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C, H, W)``.
    n_classes : int
    architecture : {"lenet", "vgg", "resnet", "inception", "densenet"}, default="lenet"
    width : int, default=16
        Channels of the first block.
    depth : int, default=2
        Number of blocks.
    activation, normalization : see :class:`MLP`
    dropout : float, default=0.0
        Dropout before the output layer.
    se : bool, default=False
        Squeeze-and-excitation at the end of every block.
    """

    def __init__(
        self,
        input_shape,
        n_classes,
        architecture="lenet",
        width=16,
        depth=2,
        activation="relu",
        normalization=None,
        dropout=0.0,
        se=False,
    ):
        in_channels, *size = input_shape
        blocks, channels = conv_blocks(architecture, in_channels, size, width, depth, activation, normalization, se)
        if architecture == "alexnet":  # flattened features into its dense layers
            features = channels * math.prod(_alexnet_out_size(size))
            layers = blocks + alexnet_head(features, n_classes, channels, activation, normalization, dropout)
        else:
            layers = blocks + [("pool", GlobalAvgPool())]
            if dropout > 0:
                layers.append(("dropout", Dropout(dropout)))
            layers.append(("output", output_layer(layers, channels, n_classes)))
        super().__init__(OrderedDict(layers))
