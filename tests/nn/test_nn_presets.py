"""The preset tables: initialisation schemes against their definitions,
normalisations, activations, optimizers and learning-rate schedules."""

import math

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose
from torch import nn

from skdl.nn._layers import (
    CosineConv2d,
    CosineLinear,
    Maxout,
    RandomizedReLU,
    WeightNormConv2d,
    WeightNormLinear,
)
from skdl.nn._presets import (
    ACTIVATIONS,
    INITS,
    NORMALIZATIONS,
    OPTIMIZERS,
    SCHEDULES,
    activation_pieces,
    decayed_parameters,
    init_weights,
    lookup,
    make_activation,
    make_norm,
    n_groups,
    resolve_optimizer,
    schedule_factor,
)


@pytest.mark.parametrize(
    "table, what",
    [
        (ACTIVATIONS, "activation"),
        (INITS, "weight_init"),
        (OPTIMIZERS, "optimizer"),
        (SCHEDULES, "lr_schedule"),
        (NORMALIZATIONS, "normalization"),
    ],
)
def test_an_unknown_name_is_a_value_error_listing_the_valid_names(table, what):
    with pytest.raises(ValueError, match=f"Unknown {what} 'nope'") as error:
        lookup(table, "nope", what)
    for name in table:
        assert repr(name) in str(error.value)


# ------------------------------------------------------------------ initialisation

FAN_IN, FAN_OUT = 400, 300


def _initialised(name, shape=(FAN_OUT, FAN_IN), seed=0):
    layer = nn.Linear(shape[1], shape[0]) if len(shape) == 2 else nn.Conv2d(shape[1], shape[0], shape[2])
    nn.init.constant_(layer.bias, 1.0)
    init_weights(layer, name, torch.Generator().manual_seed(seed))
    return layer


# name -> (variance, bound or None) of the weights of a (FAN_OUT, FAN_IN) layer
_DEFINITIONS = {
    "xavier_uniform": (2 / (FAN_IN + FAN_OUT), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "xavier_normal": (2 / (FAN_IN + FAN_OUT), None),
    "he_uniform": (2 / FAN_IN, math.sqrt(6 / FAN_IN)),
    "he_normal": (2 / FAN_IN, None),
    "lecun_uniform": (1 / FAN_IN, math.sqrt(3 / FAN_IN)),
    "lecun_normal": (1 / FAN_IN, None),
}


@pytest.mark.parametrize("name", sorted(_DEFINITIONS))
def test_init_variance_and_bounds_follow_the_definition(name):
    layer = _initialised(name)
    weights = layer.weight.detach().numpy().ravel()
    variance, bound = _DEFINITIONS[name]
    # 120 000 draws: the sample variance is within 2% of the true one.
    assert_allclose(weights.var(), variance, rtol=0.02)
    assert abs(weights.mean()) < 0.01 * math.sqrt(variance) * 10
    if bound is not None:
        assert np.abs(weights).max() <= bound
        assert np.abs(weights).max() > 0.99 * bound
    assert (layer.bias.detach().numpy() == 0).all()


def test_conv_init_uses_the_fan_of_the_kernel():
    layer = _initialised("he_normal", shape=(32, 16, 3))
    assert_allclose(layer.weight.detach().numpy().var(), 2 / (16 * 9), rtol=0.05)


def test_orthogonal_init_gives_orthonormal_rows():
    layer = _initialised("orthogonal", shape=(50, 80))
    W = layer.weight.detach().numpy()
    assert_allclose(W @ W.T, np.eye(50), atol=1e-5)
    assert (layer.bias.detach().numpy() == 0).all()


@pytest.mark.parametrize("shape, k", [((30, 100), 15), ((8, 10), 10), ((16, 4, 3), 15)])
def test_sparse_init_gives_each_unit_at_most_15_nonzero_unit_gaussian_weights(shape, k):
    layer = _initialised("sparse", shape=shape)
    rows = layer.weight.detach().numpy().reshape(shape[0], -1)
    assert ((rows != 0).sum(axis=1) == k).all()
    values = _initialised("sparse", shape=(400, 200)).weight.detach().numpy()
    assert_allclose(values[values != 0].std(), 1.0, rtol=0.05)
    assert (layer.bias.detach().numpy() == 0).all()


@pytest.mark.parametrize("name", sorted(INITS))
def test_init_is_reproducible_from_the_generator(name):
    a, b, c = _initialised(name, seed=1), _initialised(name, seed=1), _initialised(name, seed=2)
    assert torch.equal(a.weight, b.weight)
    assert not torch.equal(a.weight, c.weight)


def test_init_leaves_normalisation_layers_at_one_and_zero():
    module = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.LayerNorm(8))
    init_weights(module, "xavier_normal", torch.Generator().manual_seed(0))
    for norm in module[1:]:
        assert (norm.weight == 1).all() and (norm.bias == 0).all()


def test_weight_decay_applies_to_linear_and_conv_weights_only():
    module = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.PReLU(4), nn.Flatten(), nn.Linear(4, 2))
    decayed = {id(p) for p in decayed_parameters(module)}
    assert decayed == {id(module[0].weight), id(module[4].weight)}


# -------------------------------------------------------- normalisation / activation


@pytest.mark.parametrize("name", ["batch", "layer", "group", None])
@pytest.mark.parametrize("kind, shape", [("dense", (6, 12)), ("conv", (6, 12, 3, 3))])
def test_normalisations_normalise(name, kind, shape):
    # In float64: a dense group holds two values, and in float32 two nearly
    # equal ones (variance << eps) leave a rounding residual of their mean
    # amplified by 1 / sqrt(eps), up to 1e-4 on one draw in ten.
    norm = make_norm(name, 12, kind).double().train()
    x = torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) * 5 + 3
    out = norm(x)
    assert out.shape == x.shape
    if name is None:
        assert torch.equal(out, x)
        return
    # batch: over the samples per channel; layer: over the features of a sample;
    # group: over the channels of a group of a sample.
    if name == "batch":
        reduce = (0,) if kind == "dense" else (0, 2, 3)
        centred = out.mean(dim=reduce)
    elif name == "layer":
        centred = out.reshape(len(out), -1).mean(dim=1)
    else:
        centred = out.reshape(len(out), n_groups(12), -1).mean(dim=2)
    assert_allclose(centred.detach().numpy(), 0, atol=1e-5)


@pytest.mark.parametrize("layer", [WeightNormLinear(5, 4), WeightNormConv2d(3, 4, 3, padding=1)])
def test_weight_normalisation_computes_with_g_v_over_norm_v(layer):
    generator = torch.Generator().manual_seed(0)
    init_weights(layer, "he_normal", generator)
    v = layer.weight.detach().reshape(4, -1)
    # At the start w = v (g = ||v||), as torch's weight_norm.
    assert_allclose(layer.scale.detach().numpy(), v.norm(dim=1).numpy(), rtol=1e-6)
    with torch.no_grad():
        layer.scale.copy_(torch.tensor([0.5, 1.0, 2.0, -3.0]))
        layer.bias.normal_(generator=generator)
    effective = (layer.scale[:, None] * v / v.norm(dim=1, keepdim=True)).reshape(layer.weight.shape)
    assert_allclose(layer.effective_weight().detach().reshape(4, -1).norm(dim=1).numpy(), [0.5, 1, 2, 3], rtol=1e-6)
    if isinstance(layer, nn.Linear):
        x = torch.randn(6, 5, generator=generator)
        expected = nn.functional.linear(x, effective, layer.bias)
    else:
        x = torch.randn(2, 3, 5, 5, generator=generator)
        expected = nn.functional.conv2d(x, effective, layer.bias, padding=1)
    assert_allclose(layer(x).detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    # The output does not depend on the scale of v.
    with torch.no_grad():
        before = layer(x)
        layer.weight.mul_(7.0)
        assert_allclose(layer(x).numpy(), before.numpy(), rtol=1e-5, atol=1e-6)
    assert {id(p) for p in decayed_parameters(layer)} == {id(layer.scale)}


def test_cosine_normalisation_outputs_the_cosine_with_the_bias_as_a_constant_input():
    generator = torch.Generator().manual_seed(0)
    dense = CosineLinear(5, 4)
    conv = CosineConv2d(3, 4, 3, padding=1)
    for layer in (dense, conv):
        with torch.no_grad():
            layer.weight.normal_(generator=generator)
            layer.bias.normal_(generator=generator)
    x = torch.randn(6, 5, generator=generator) * 3
    extended_x = torch.cat([x, torch.ones(6, 1)], dim=1).double()
    extended_w = torch.cat([dense.weight, dense.bias[:, None]], dim=1).detach().double()
    expected = nn.functional.cosine_similarity(extended_x[:, None, :], extended_w[None, :, :], dim=2)
    assert_allclose(dense(x).detach().numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    # A convolution: the cosine between each zero-padded 3x3 patch (and 1) and each kernel (and bias).
    images = torch.randn(2, 3, 5, 5, generator=generator)
    patches = nn.functional.unfold(images, 3, padding=1).transpose(1, 2).double()  # (2, 25, 27)
    patches = torch.cat([patches, torch.ones(2, 25, 1, dtype=torch.float64)], dim=2)
    kernels = torch.cat([conv.weight.reshape(4, -1), conv.bias[:, None]], dim=1).detach().double()
    expected = nn.functional.cosine_similarity(patches[:, :, None, :], kernels[None, None], dim=3)
    out = conv(images).detach()
    assert_allclose(out.permute(0, 2, 3, 1).reshape(2, 25, 4).numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    assert out.abs().max() <= 1.0 + 1e-6
    # A zero input gives the cosine with (0, 1): defined, no division by zero.
    assert torch.isfinite(dense(torch.zeros(1, 5))).all()


@pytest.mark.parametrize("name", ["weight", "cosine"])
def test_weight_and_cosine_normalisation_are_no_layer_of_their_own(name):
    assert isinstance(make_norm(name, 12, "dense"), nn.Identity)
    assert isinstance(make_norm(name, 12, "conv"), nn.Identity)


def test_group_count_divides_the_channels():
    assert [n_groups(c) for c in (1, 4, 12, 16, 7, 30)] == [1, 4, 6, 8, 7, 6]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_are_nonlinear_and_keep_the_unit_count(name):
    pieces = activation_pieces(name)
    act = make_activation(name, 6 * pieces).eval()
    generator = torch.Generator().manual_seed(0)
    a, b = (torch.randn(5, 6 * pieces, generator=generator) for _ in range(2))
    assert act(a).shape == (5, 6)
    # Not linear: f(a + b) != f(a) + f(b).
    assert not torch.allclose(act(a + b), act(a) + act(b), atol=1e-3)


def test_maxout_takes_the_max_of_consecutive_pairs():
    x = torch.tensor([[1.0, 5.0, -2.0, -3.0]])
    assert torch.equal(Maxout(2)(x), torch.tensor([[5.0, -2.0]]))
    images = torch.arange(16.0).reshape(1, 4, 2, 2)
    assert torch.equal(Maxout(2)(images), images[:, [1, 3]])


def test_rrelu_slopes_lie_in_range_and_eval_uses_their_mean():
    act = RandomizedReLU()
    x = -torch.ones(1000)
    slopes = -act.train()(x)
    assert (slopes >= 1 / 8).all() and (slopes <= 1 / 3).all() and slopes.std() > 0.03
    assert_allclose(-act.eval()(x).numpy(), (1 / 8 + 1 / 3) / 2, rtol=1e-6)


# ------------------------------------------------------------------- optimizers


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_presets_take_a_step_that_lowers_a_quadratic(name):
    cls, options, lr = resolve_optimizer(name, None)
    w = nn.Parameter(torch.tensor([3.0, -2.0]))
    optimizer = cls([w], lr=lr, **options)
    before = (w**2).sum().item()
    for _ in range(3):
        optimizer.zero_grad()
        (w**2).sum().backward()
        optimizer.step()
    assert (w**2).sum().item() < before


def test_optimizer_presets_are_the_named_rules():
    assert resolve_optimizer("momentum", None)[1] == {"momentum": 0.9}
    assert resolve_optimizer("nesterov", 0.1)[1:] == ({"momentum": 0.9, "nesterov": True}, 0.1)
    assert resolve_optimizer("adadelta", None)[2] == 1.0
    assert resolve_optimizer(torch.optim.SGD, None) == (torch.optim.SGD, {}, 0.01)


# -------------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    "name, formula",
    [
        ("constant", lambda t, T: 1.0),
        ("step", lambda t, T: 1.0 if t < T / 2 else (0.1 if t < 3 * T / 4 else 0.01)),
        ("exponential", lambda t, T: 0.01 ** (t / T)),
        ("inverse_time", lambda t, T: 1 / (1 + 9 * t / T)),
        ("cosine", lambda t, T: 0.5 * (1 + math.cos(math.pi * t / T))),
    ],
)
def test_schedules_follow_their_formulas(name, formula):
    T = 40
    for t in range(T):
        assert_allclose(schedule_factor(name, t, T), formula(t, T), rtol=1e-12)
    assert schedule_factor(name, T + 5, T) == schedule_factor(name, T - 1, T)


def test_warmup_cosine_rises_linearly_then_decays():
    T = 100
    factors = [schedule_factor("warmup_cosine", t, T) for t in range(T)]
    assert_allclose(factors[:10], np.arange(1, 11) / 10)
    assert factors[10] == 1.0
    assert all(a >= b for a, b in zip(factors[10:], factors[11:]))
    assert factors[-1] < 0.01


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_every_init_applies_to_weight_normalised_layers(name, kind):
    # Each scheme draws v, then g = ||v||: the network starts as the scheme drew it.
    layer = WeightNormLinear(20, 6) if kind == "dense" else WeightNormConv2d(3, 6, 3)
    init_weights(layer, name, torch.Generator().manual_seed(0))
    assert torch.isfinite(layer.effective_weight()).all()
    assert_allclose(layer.effective_weight().detach().numpy(), layer.weight.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_an_init_leaving_a_weight_normalised_unit_all_zero_is_a_value_error(monkeypatch):
    # No shipped scheme does; a zero unit's direction v / ||v|| would make every step NaN.
    monkeypatch.setitem(INITS, "zeros", lambda weight, generator=None: nn.init.zeros_(weight))
    layer = WeightNormLinear(4, 3)
    with pytest.raises(ValueError, match=r"weight_init='zeros' leaves units .* all-zero.*'sparse'.*normalization"):
        init_weights(layer, "zeros", torch.Generator().manual_seed(0))
    plain = init_weights(nn.Linear(4, 3), "zeros", torch.Generator().manual_seed(0))
    assert (plain.weight == 0).all()
