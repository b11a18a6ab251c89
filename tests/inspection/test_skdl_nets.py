"""The inspection tools on skdl's own networks (flat rows with input_shape, device="auto")."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import softmax
from sklearn.datasets import load_digits

from skdl.inspection import (
    diagnose_fit,
    hidden_embedding,
    layer_activations,
    max_activating_inputs,
    occlusion_sensitivity,
    plot_filters,
    plot_learning_curves,
)
from skdl.inspection._diagnostics import learning_curves
from skdl.nn import CNNClassifier, MLPClassifier


@pytest.fixture(scope="module")
def digits_flat():
    X, y = load_digits(return_X_y=True)
    return (X[:300] / 16.0).astype(np.float32), y[:300]


@pytest.fixture(scope="module")
def skdl_cnn(digits_flat):
    X, y = digits_flat
    params = dict(width=4, max_epochs=6, early_stopping=True, patience=2, random_state=0)
    return CNNClassifier(input_shape=(1, 8, 8), **params).fit(X, y)


@pytest.fixture(scope="module")
def skdl_mlp(digits_flat):
    X, y = digits_flat
    return MLPClassifier((16,), max_epochs=5, random_state=0).fit(X, y)


def test_cnn_flat_rows_and_images_agree(skdl_cnn, digits_flat):
    X, _ = digits_flat
    flat = layer_activations(skdl_cnn, X[:40])
    images = layer_activations(skdl_cnn, X[:40].reshape(40, 1, 8, 8))
    assert list(flat) == list(images)
    for name in flat:
        assert_allclose(flat[name], images[name])
    # the output layer's logits give the net's probabilities
    assert_allclose(
        softmax(flat["output"].astype(np.float64), axis=1),
        skdl_cnn.predict_proba(X[:40]),
        rtol=1e-5,
        atol=1e-6,
    )


def test_mlp_hidden_layer(skdl_mlp, digits_flat):
    X, _ = digits_flat
    acts = layer_activations(skdl_mlp, X, "act0")["act0"]
    assert acts.shape == (len(X), 16) and (acts >= 0).all()
    indices, values = max_activating_inputs(skdl_mlp, X, "act0", 3, k=4)
    assert_allclose(values, np.sort(acts[:, 3])[::-1][:4])
    assert hidden_embedding(skdl_mlp, X, "act0", method="pca").shape == (len(X), 2)


def test_occlusion_on_flat_rows(skdl_cnn, digits_flat):
    X, y = digits_flat
    maps = occlusion_sensitivity(skdl_cnn, X[:5], y[:5], patch=3)
    assert maps.shape == (5, 8, 8)
    images = X[:5].reshape(5, 1, 8, 8)
    assert_allclose(maps, occlusion_sensitivity(skdl_cnn, images, y[:5], patch=3))
    with pytest.raises(ValueError, match=r"input_shape is \(1, 8, 8\)"):
        occlusion_sensitivity(skdl_cnn, X[:5, :60], y[:5])


def test_kept_epoch_of_skdl_early_stopping(skdl_cnn, tmp_path):
    matplotlib = pytest.importorskip("matplotlib", reason="plot_* needs matplotlib")
    matplotlib.use("Agg")
    history = skdl_cnn.history_
    flags = history[:, "valid_loss_best"]
    expected = history[len(flags) - 1 - flags[::-1].index(True), "epoch"]
    curves = learning_curves(skdl_cnn)
    assert curves.restored and curves.best_epoch == expected
    assert diagnose_fit(skdl_cnn).best_epoch == expected
    fig = plot_learning_curves(skdl_cnn)
    (marker,) = [line for line in fig.axes[0].get_lines() if line.get_gid() == "best_epoch"]
    assert marker.get_label() == f"weights kept (epoch {expected})"
    fig.savefig(tmp_path / "curves.png")
    fig = plot_filters(skdl_cnn)
    fig.savefig(tmp_path / "filters.png")
    assert (tmp_path / "filters.png").stat().st_size > 0
    matplotlib.pyplot.close("all")


@pytest.mark.gpu
def test_network_on_cuda(digits_flat):
    X, y = digits_flat
    net = CNNClassifier(input_shape=(1, 8, 8), width=4, max_epochs=2, random_state=0, device="cuda").fit(X, y)
    acts = layer_activations(net, X[:40])
    assert all(isinstance(values, np.ndarray) for values in acts.values())
    assert_allclose(
        softmax(acts["output"].astype(np.float64), axis=1),
        net.predict_proba(X[:40]),
        rtol=1e-4,
        atol=1e-5,
    )
    assert occlusion_sensitivity(net, X[:3], y[:3], patch=3).shape == (3, 8, 8)
    assert hidden_embedding(net, X[:40], "pool", method="pca").shape == (40, 2)
