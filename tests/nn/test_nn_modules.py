"""The torch modules: every architecture builds, runs and trains a step on any
image size, the layer names follow the documented scheme, and the random
layers draw from the net's generator."""

import pytest
import torch
from torch import nn

from skdl.nn._layers import (
    CosineConv2d,
    Dropout,
    RandomizedReLU,
    SqueezeExcitation,
    WeightNormConv2d,
    noise_generator,
)
from skdl.nn._modules import ARCHITECTURES, CNN, MLP
from skdl.nn._presets import ACTIVATIONS


def _one_step(module, x, n_classes):
    y = torch.arange(len(x)) % n_classes
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    loss = nn.functional.cross_entropy(module(x), y)
    loss.backward()
    grads = [p.grad for p in module.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    optimizer.step()
    return loss


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 5, 7), (2, 1, 1), (1, 16, 12)])
def test_every_architecture_builds_and_trains_a_step_on_any_image_size(architecture, shape):
    torch.manual_seed(0)
    if architecture == "alexnet" and min(shape[1:]) < 8:
        with pytest.raises(ValueError, match="architecture='alexnet' needs images of at least 8x8"):
            CNN(shape, 3, architecture=architecture, width=4, depth=3)
        return
    module = CNN(shape, 3, architecture=architecture, width=4, depth=3, normalization="batch", se=True)
    x = torch.randn(6, *shape)
    assert module(x).shape == (6, 3)
    _one_step(module, x, 3)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_every_activation_works_in_every_architecture(architecture, activation):
    module = CNN((1, 8, 8), 2, architecture=architecture, width=4, depth=2, activation=activation)
    _one_step(module, torch.randn(4, 1, 8, 8), 2)


@pytest.mark.parametrize("normalization", ["batch", "layer", "group", "weight", "cosine", None])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_mlp_with_every_activation_and_normalisation_trains_a_step(activation, normalization):
    module = MLP(5, 3, (8, 6), activation=activation, normalization=normalization, dropout=0.2)
    _one_step(module, torch.randn(7, 5), 3)


@pytest.mark.parametrize("normalization", ["weight", "cosine"])
@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_weight_and_cosine_normalisation_in_every_architecture(architecture, normalization):
    module = CNN((1, 8, 8), 2, architecture=architecture, width=4, depth=2, normalization=normalization)
    kinds = {type(layer) for layer in module.modules() if isinstance(layer, nn.Conv2d)}
    expected = WeightNormConv2d if normalization == "weight" else CosineConv2d
    assert expected in kinds
    assert not any(isinstance(layer, (nn.BatchNorm2d, nn.GroupNorm)) for layer in module.modules())
    _one_step(module, torch.randn(4, 1, 8, 8), 2)


@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 32, 32), (3, 64, 48), (3, 224, 224)])
@pytest.mark.parametrize("depth", [1, 2, 4])
def test_alexnet_scales_with_width_depth_and_the_image(shape, depth):
    module = CNN(shape, 5, architecture="alexnet", width=8, depth=depth, normalization="lrn")
    convs = [layer for layer in module.modules() if isinstance(layer, nn.Conv2d)]
    assert len(convs) == depth + 3  # the paper's five at depth=2
    # The paper's channel ratios 96 : 256 : 384 : 384 : 256 with width for 96.
    assert [c.out_channels for c in convs][:2] == [8, 21] and convs[-1].out_channels == 21
    assert all(c.out_channels == 32 for c in convs[2:-1])
    # Large early kernels, shrunk with the image (11x11 of stride 4 at 224x224).
    expected = (11, 4) if shape[1] == 224 else (5, 1)
    assert (convs[0].kernel_size[0], convs[0].stride[0]) == expected
    assert convs[1].kernel_size[0] == (5 if shape[1] == 224 else 3)
    pools = [layer for layer in module.modules() if isinstance(layer, nn.MaxPool2d)]
    assert len(pools) == 3 and all(p.kernel_size == 3 and p.stride == 2 for p in pools)
    # Local response normalisation after the first two convolutions only.
    assert [name for name, layer in module.named_modules() if isinstance(layer, nn.LocalResponseNorm)] == [
        "block0.norm",
        "block1.norm",
    ]
    # Three dense layers: 16 x the last convolution's channels, twice, then the logits.
    dense = [layer for layer in module.modules() if isinstance(layer, nn.Linear)]
    assert [d.out_features for d in dense] == [16 * 21, 16 * 21, 5]
    assert module(torch.randn(2, *shape)).shape == (2, 5)


def test_alexnet_dropout_comes_before_each_hidden_dense_layer():
    module = CNN((1, 8, 8), 3, architecture="alexnet", width=4, dropout=0.5)
    names = [name for name, _ in module.named_children()]
    assert names[-8:] == ["flatten", "dropout0", "dense0", "act0", "dropout1", "dense1", "act1", "output"]


def test_mlp_layer_names():
    module = MLP(5, 3, (8, 6), normalization="batch", dropout=0.1)
    assert [name for name, _ in module.named_children()] == [
        "dense0",
        "norm0",
        "act0",
        "dropout0",
        "dense1",
        "norm1",
        "act1",
        "dropout1",
        "output",
    ]
    assert [name for name, _ in MLP(5, 3, ()).named_children()] == ["output"]
    assert module.get_submodule("dense1").in_features == 8


def test_maxout_doubles_the_units_of_the_layer_before_it():
    module = MLP(5, 3, (8,), activation="maxout")
    assert module.dense0.out_features == 16 and module.output.in_features == 8


def test_cnn_layer_names():
    lenet = CNN((1, 8, 8), 10, "lenet", width=4, depth=2, normalization="batch", dropout=0.5, se=True)
    assert [name for name, _ in lenet.named_children()] == ["block0", "block1", "pool", "dropout", "output"]
    assert [name for name, _ in lenet.block0.named_children()] == ["conv", "norm", "act", "se", "downsample"]
    assert [name for name, _ in lenet.block1.named_children()] == ["conv", "norm", "act", "se"]
    vgg = CNN((1, 8, 8), 10, "vgg", width=4, depth=1)
    assert [name for name, _ in vgg.block0.named_children()] == ["conv1", "act1", "conv2", "act2"]
    resnet = CNN((1, 8, 8), 10, "resnet", width=4, depth=2)
    assert [name for name, _ in resnet.named_children()] == ["stem", "block0", "block1", "pool", "output"]
    assert [name for name, _ in resnet.block1.named_children()] == [
        "conv1",
        "norm1",
        "act1",
        "conv2",
        "norm2",
        "shortcut",
        "se",
        "act2",
    ]
    inception = CNN((1, 8, 8), 10, "inception", width=4, depth=1)
    assert {"branch1x1", "branch3x3", "branch5x5", "branch_pool"} <= dict(inception.block0.named_children()).keys()
    densenet = CNN((1, 8, 8), 10, "densenet", width=4, depth=2)
    assert {"layer0", "layer1", "layer2", "transition"} <= dict(densenet.block0.named_children()).keys()


def test_a_forward_hook_by_name_sees_the_layer_output():
    module = CNN((1, 8, 8), 10, "lenet", width=4, depth=2)
    seen = {}

    def hook(layer, inputs, output):
        seen["act"] = output.shape

    handle = module.get_submodule("block0.act").register_forward_hook(hook)
    module(torch.randn(2, 1, 8, 8))
    handle.remove()
    assert seen["act"] == (2, 4, 8, 8)


def test_blocks_but_the_last_halve_the_image():
    module = CNN((1, 8, 8), 10, "vgg", width=2, depth=3)
    shapes = []
    x = torch.randn(1, 1, 8, 8)
    for name in ("block0", "block1", "block2"):
        x = getattr(module, name)(x)
        shapes.append(tuple(x.shape))
    assert shapes == [(1, 2, 4, 4), (1, 4, 2, 2), (1, 8, 2, 2)]


def test_resnet_shortcut_is_identity_when_the_shape_is_kept():
    module = CNN((1, 8, 8), 10, "resnet", width=4, depth=2)
    assert isinstance(module.block0.shortcut, nn.Identity)
    assert isinstance(module.block1.shortcut, nn.Conv2d) and module.block1.shortcut.stride == (2, 2)


def test_squeeze_excitation_gates_channels():
    se = SqueezeExcitation(8)
    x = torch.randn(3, 8, 4, 4)
    out = se(x)
    ratio = out / x
    # one gate per (sample, channel), in (0, 1)
    assert torch.allclose(ratio, ratio[:, :, :1, :1].expand_as(ratio), atol=1e-5)
    assert ((ratio > 0) & (ratio < 1)).all()


@pytest.mark.parametrize("layer", [Dropout(0.5), RandomizedReLU()])
def test_random_layers_draw_from_the_net_generator_and_not_the_global_one(layer):
    x = -torch.ones(50, 20)
    layer.train()
    outputs = []
    for _ in range(2):
        with noise_generator(torch.Generator().manual_seed(3)):
            state = torch.get_rng_state()
            outputs.append(layer(x))
            assert torch.equal(torch.get_rng_state(), state)  # the global stream did not move
    assert torch.equal(outputs[0], outputs[1])
    with noise_generator(torch.Generator().manual_seed(4)):
        assert not torch.equal(layer(x), outputs[0])
    assert torch.equal(layer.eval()(x), Dropout(0.5).eval()(x) if isinstance(layer, Dropout) else layer(x))


def test_dropout_keeps_the_expected_value():
    layer = Dropout(0.25).train()
    with noise_generator(torch.Generator().manual_seed(0)):
        out = layer(torch.ones(200_000))
    assert abs((out == 0).float().mean().item() - 0.25) < 0.01
    assert abs(out.mean().item() - 1.0) < 0.01


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a second device type (a CUDA GPU)")
@pytest.mark.parametrize("layer", [Dropout(0.5), RandomizedReLU()])
def test_random_layers_on_another_device_type_draw_from_a_generator_seeded_by_the_net(layer):
    x = -torch.ones(50, 20, device="cuda")
    layer.train()
    outputs = []
    for _ in range(2):
        with noise_generator(torch.Generator().manual_seed(3)):  # a CPU generator
            state, cuda_state = torch.get_rng_state(), torch.cuda.get_rng_state()
            outputs.append(layer(x))
            outputs[-1] = torch.cat([outputs[-1], layer(x)])  # a second draw goes on the same stream
            assert torch.equal(torch.get_rng_state(), state)
            assert torch.equal(torch.cuda.get_rng_state(), cuda_state)  # not the global CUDA stream
    assert torch.equal(outputs[0], outputs[1])
    assert not torch.equal(outputs[0][:50], outputs[0][50:])
