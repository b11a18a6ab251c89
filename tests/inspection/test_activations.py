"""layer_activations and max_activating_inputs against a manual forward pass."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetClassifier

from skdl.inspection import layer_activations, max_activating_inputs
from skdl.utils._sklearn_compat import InvalidParameterError


def _manual(net, X):
    """Every layer of TinyCNN, computed by hand."""
    m = net.module_
    with torch.no_grad():
        x = torch.from_numpy(np.asarray(X, dtype=np.float32)).reshape(len(X), 1, 8, 8)
        conv = m.conv(x)
        relu = torch.relu(conv)
        pool = torch.nn.functional.max_pool2d(relu, 2)
        flat = pool.flatten(1)
        fc = m.fc(flat)
    layers = dict(conv=conv, relu=relu, pool=pool, flat=flat, fc=fc)
    return {name: values.numpy() for name, values in layers.items()}


def test_activations_match_manual_forward_pass(cnn, images):
    X, _ = images
    acts = layer_activations(cnn, X, layers=["conv", "relu", "pool", "fc"])
    expected = _manual(cnn, X)
    assert list(acts) == ["conv", "relu", "pool", "fc"]
    for name, values in acts.items():
        assert isinstance(values, np.ndarray)
        assert values.dtype == np.float32
        assert_allclose(values, expected[name], rtol=1e-5, atol=1e-6)
    assert acts["conv"].shape == (len(X), 4, 8, 8)
    assert acts["pool"].shape == (len(X), 4, 4, 4)
    assert acts["fc"].shape == (len(X), 2)


def test_default_layers_are_the_leaves(cnn, images):
    X, _ = images
    acts = layer_activations(cnn, X[:10])
    assert list(acts) == ["conv", "relu", "pool", "flat", "fc"]
    assert acts["flat"].shape == (10, 64)


def test_one_layer_by_name_and_nested_names(digits_mlp, digits):
    X, _ = digits
    acts = layer_activations(digits_mlp, X, "1")
    assert list(acts) == ["1"] and acts["1"].shape == (len(X), 32)
    with torch.no_grad():
        hidden = torch.relu(digits_mlp.module_[0](torch.from_numpy(X))).numpy()
    assert_allclose(acts["1"], hidden, rtol=1e-5, atol=1e-6)


def test_batches_are_concatenated_in_order(cnn, images):
    X, _ = images
    cnn_small_batches = cnn.set_params(batch_size=7)
    try:
        acts = layer_activations(cnn_small_batches, X[:50], "fc")["fc"]
    finally:
        cnn.set_params(batch_size=32)
    assert_allclose(acts, _manual(cnn, X[:50])["fc"], rtol=1e-5, atol=1e-6)


def test_float64_and_flat_input(shaped_cnn, images):
    X, _ = images
    flat = X.reshape(len(X), -1).astype(np.float64)
    from_flat = layer_activations(shaped_cnn, flat, "conv")["conv"]
    from_images = layer_activations(shaped_cnn, X, "conv")["conv"]
    assert_allclose(from_flat, from_images)
    assert_allclose(from_flat, _manual(shaped_cnn, X)["conv"], rtol=1e-5, atol=1e-6)


def test_hooks_are_removed_even_on_error(cnn, images):
    X, _ = images
    layer_activations(cnn, X[:5], ["conv", "fc"])
    with pytest.raises(ValueError):
        layer_activations(cnn, X[:5, :, :6, :6], ["conv", "fc"])
    assert all(not m._forward_hooks for m in cnn.module_.modules())


@pytest.mark.parametrize("layer", ["conv", "pool", "fc"])
@pytest.mark.parametrize("reduce", ["max", "mean"])
def test_max_activating_inputs_are_the_top_k(cnn, images, layer, reduce):
    X, _ = images
    unit = 1
    acts = _manual(cnn, X)[layer][:, unit]
    if acts.ndim > 1:
        acts = acts.reshape(len(X), -1)
        acts = acts.max(axis=1) if reduce == "max" else acts.mean(axis=1)
    indices, values = max_activating_inputs(cnn, X, layer, unit, k=7, reduce=reduce)
    assert indices.shape == values.shape == (7,)
    assert_allclose(values, np.sort(acts)[::-1][:7], rtol=1e-5, atol=1e-6)
    assert_allclose(acts[indices], values, rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(values) <= 0)


def test_max_activating_ties_keep_input_order(cnn, images):
    X, _ = images
    X_repeated = np.repeat(X[:3], 3, axis=0)  # each input three times
    indices, values = max_activating_inputs(cnn, X_repeated, "fc", 0, k=9)
    assert_array_equal(np.sort(indices), np.arange(9))
    for group in indices.reshape(3, 3):
        assert list(group) == sorted(group)
        assert len({i // 3 for i in group}) == 1


def test_max_activating_signal_unit_picks_class_one(cnn, images):
    # the output unit for class 1 is most active on class-1 images
    X, y = images
    indices, _ = max_activating_inputs(cnn, X, "fc", unit=1, k=20)
    assert np.all(y[indices] == 1)


# -- bad input --------------------------------------------------------------


def test_unknown_layer_lists_available_names(cnn, images):
    X, _ = images
    with pytest.raises(ValueError, match=r"Unknown layer.*'conv', 'relu', 'pool', 'flat', 'fc'"):
        layer_activations(cnn, X, ["conv", "conv2"])
    with pytest.raises(ValueError, match="'conv2'"):
        max_activating_inputs(cnn, X, "conv2", 0)


@pytest.mark.parametrize("shape", [(10, 1, 6, 6), (10, 5), (10, 2, 8, 8)], ids=["small-image", "flat", "channels"])
def test_wrong_shape_is_a_value_error(cnn, shape):
    X = np.zeros(shape, dtype=np.float32)
    with pytest.raises(ValueError, match="does not fit the network") as info:
        layer_activations(cnn, X)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_input_shape_mismatch_is_caught_before_the_forward_pass(shaped_cnn):
    with pytest.raises(ValueError, match=r"input_shape is \(1, 8, 8\)"):
        layer_activations(shaped_cnn, np.zeros((3, 60)))


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros(64), "Expected 2D array"),
        (np.zeros((0, 1, 8, 8)), "0 sample"),
        (np.full((2, 1, 8, 8), np.nan), "NaN"),
    ],
    ids=["1d", "empty", "nan"],
)
def test_bad_X(cnn, X, match):
    with pytest.raises(ValueError, match=match):
        layer_activations(cnn, X)


def test_unfitted_net(unfitted_cnn, images):
    X, _ = images
    with pytest.raises(NotFittedError, match="not fitted"):
        layer_activations(unfitted_cnn, X)
    with pytest.raises(NotFittedError):
        max_activating_inputs(unfitted_cnn, X, "fc", 0)


def test_not_a_net(images, cnn):
    X, y = images
    flat = X.reshape(len(X), -1)
    expected = (
        r"The 'net' parameter of layer_activations must be an instance of "
        r"'skorch.net.NeuralNet'. Got {}"
    )
    with pytest.raises(TypeError, match=expected.format(r"LogisticRegression\(\) instead")):
        layer_activations(LogisticRegression().fit(flat, y), flat)
    with pytest.raises(TypeError, match=expected.format(r"Pipeline\(")):
        layer_activations(make_pipeline(StandardScaler(), cnn), X)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(layer="fc", unit=2), r"unit must be between 0 and 1 for layer 'fc' \(2 units\)"),
        (dict(layer="conv", unit=4), r"unit must be between 0 and 3 for layer 'conv'"),
        (dict(layer="fc", unit=0, k=1000), "k must be between 1 and n_samples=240; got k=1000"),
    ],
)
def test_max_activating_data_dependent_bounds(cnn, images, kwargs, match):
    """The bounds that depend on the net and X are checked by hand, with a clear message."""
    X, _ = images
    with pytest.raises(ValueError, match=match):
        max_activating_inputs(cnn, X, **kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(layer="conv", unit=-1), r"'unit' parameter .* an int in the range \[0, inf\)"),
        (dict(layer="fc", unit=0, k=0), r"'k' parameter .* an int in the range \[1, inf\)"),
        (dict(layer="fc", unit=0, reduce="median"), r"'reduce' parameter .* a str among"),
        (dict(layer="fc", unit=0.5), r"'unit' parameter .* an int in the range"),
        (dict(layer=["fc"], unit=0), r"'layer' parameter .* an instance of 'str'"),
    ],
)
def test_max_activating_bad_parameters(cnn, images, kwargs, match):
    X, _ = images
    with pytest.raises(InvalidParameterError, match=match):
        max_activating_inputs(cnn, X, **kwargs)


def test_module_without_layers(images):
    X, y = images
    flat = X.reshape(len(X), -1)
    net = NeuralNetClassifier(
        torch.nn.Linear(64, 2),
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=1,
        train_split=None,
        verbose=0,
    ).fit(flat, y)
    with pytest.raises(ValueError, match="no named sub-modules"):
        layer_activations(net, flat)
