"""Every plot_* function renders to a PNG with the Agg backend."""

import sys

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from skorch import NeuralNetClassifier
from skorch.history import History

from skdl.inspection import (
    diagnose_fit,
    hidden_embedding,
    occlusion_sensitivity,
    plot_activations,
    plot_embedding,
    plot_filters,
    plot_learning_curves,
    plot_occlusion,
)

matplotlib = pytest.importorskip("matplotlib", reason="the plot_* functions need matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _saved(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.exists() and path.stat().st_size > 0
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    return path


@pytest.mark.parametrize("layer", ["conv", "relu", "pool", "fc"])
def test_plot_activations(cnn, images, tmp_path, layer):
    X, _ = images
    fig = plot_activations(cnn, X, layer, sample=1)
    _saved(fig, tmp_path, layer)
    if layer == "fc":  # a vector: the input and a bar chart
        assert len(fig.axes) == 2 and fig.axes[1].get_xlabel() == "unit"
    else:  # the input and four feature maps
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert titles == ["input", "map 0", "map 1", "map 2", "map 3"]


def test_plot_activations_flat_input_and_max_maps(shaped_cnn, images, tmp_path):
    X, _ = images
    fig = plot_activations(shaped_cnn, X.reshape(len(X), -1), "conv", max_maps=2)
    _saved(fig, tmp_path, "flat")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["input", "map 0", "map 1"]
    assert "2 of 4 maps" in fig.get_suptitle()


def test_plot_filters_conv_and_linear(cnn, digits_mlp, tmp_path):
    fig = plot_filters(cnn)
    _saved(fig, tmp_path, "conv")
    assert fig.get_suptitle() == "Filters of layer 'conv': 4 of 4"
    fig = plot_filters(digits_mlp, max_filters=16)  # rows of Linear(64, 32) as 8x8 images
    _saved(fig, tmp_path, "linear")
    assert fig.get_suptitle() == "Filters of layer '0': 16 of 32"
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    assert len(images) == 16 and images[0].get_array().shape == (8, 8)


def test_plot_filters_rgb(tmp_path):
    module = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 5), torch.nn.Flatten(), torch.nn.Linear(6 * 4 * 4, 2))
    net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss).initialize()
    fig = plot_filters(net, "0")
    _saved(fig, tmp_path, "rgb")
    first = [ax.get_images()[0] for ax in fig.axes if ax.get_images()][0]
    assert first.get_array().shape == (5, 5, 3)


def test_plot_embedding(digits_mlp, digits, tmp_path):
    X, y = digits
    embedding = hidden_embedding(digits_mlp, X, "1", method="pca", random_state=0)
    fig = plot_embedding(embedding, y, title="hidden layer")
    _saved(fig, tmp_path, "embedding")
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [str(k) for k in range(10)]
    fig, ax = plt.subplots()
    assert plot_embedding(embedding, ax=ax) is fig
    _saved(fig, tmp_path, "embedding-no-labels")


def test_plot_occlusion(cnn, images, tmp_path):
    X, y = images
    maps = occlusion_sensitivity(cnn, X[:6], y[:6], patch=3, stride=1)
    fig = plot_occlusion(X[:6], maps, titles=[f"class {k}" for k in y[:6]], max_images=4)
    _saved(fig, tmp_path, "occlusion")
    assert len(fig.axes) == 2 * 4 + 1  # images, maps, colour bar
    flat = plot_occlusion(X[:6].reshape(6, -1), maps)
    _saved(flat, tmp_path, "occlusion-flat")


def test_plot_learning_curves_marks_the_kept_epoch(digits_mlp, tmp_path):
    history = digits_mlp.history_
    flags = history[:, "valid_loss_best"]
    expected = history[len(flags) - 1 - flags[::-1].index(True), "epoch"]
    fig = plot_learning_curves(digits_mlp)
    _saved(fig, tmp_path, "curves")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    for ax in fig.axes:
        (marker,) = [line for line in ax.get_lines() if line.get_gid() == "best_epoch"]
        assert list(marker.get_xdata()) == [expected, expected]
        assert marker.get_label() == f"weights kept (epoch {expected})"
    assert fig.get_suptitle() == f"Diagnosis: {diagnose_fit(digits_mlp).label}"


def test_plot_learning_curves_without_validation(cnn, tmp_path):
    fig = plot_learning_curves(cnn)
    _saved(fig, tmp_path, "train-only")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss"]
    assert not [line for line in fig.axes[0].get_lines() if line.get_gid() == "best_epoch"]
    assert fig.get_suptitle() == ""


def test_plot_learning_curves_of_a_history(tmp_path):
    history = History()
    for epoch, (train, valid) in enumerate([(1.0, 0.9), (0.5, 0.6), (0.3, 0.7), (0.2, 0.8)], 1):
        history.new_epoch()
        history.record("epoch", epoch)
        history.record("train_loss", train)
        history.record("valid_loss", valid)
        history.record("valid_loss_best", epoch <= 2)
    fig = plot_learning_curves(history)
    _saved(fig, tmp_path, "history")
    (marker,) = [line for line in fig.axes[0].get_lines() if line.get_gid() == "best_epoch"]
    assert marker.get_label() == "lowest validation loss (epoch 2)"
    assert fig.get_suptitle() == "Diagnosis: over-fitting"


# -- bad input --------------------------------------------------------------


def test_missing_matplotlib_is_a_clear_import_error(monkeypatch, cnn, images):
    X, y = images
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    calls = [
        lambda: plot_activations(cnn, X, "conv"),
        lambda: plot_filters(cnn),
        lambda: plot_embedding(np.zeros((3, 2))),
        lambda: plot_occlusion(X[:2], np.zeros((2, 8, 8))),
        lambda: plot_learning_curves(cnn),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=r"need matplotlib.*pip install 'skdl\[inspection\]'"):
            call()


def test_plot_bad_input(cnn, unfitted_cnn, images):
    X, _ = images
    with pytest.raises(ValueError, match="Unknown layer"):
        plot_activations(cnn, X, "conv9")
    with pytest.raises(ValueError, match="sample must be a row of X"):
        plot_activations(cnn, X, "conv", sample=len(X))
    with pytest.raises(ValueError, match="does not fit the network"):
        plot_activations(cnn, X[:, :, :5, :5], "conv")
    with pytest.raises(ValueError, match="no weight matrix"):
        plot_filters(cnn, "relu")
    with pytest.raises(NotFittedError):
        plot_filters(unfitted_cnn)
    with pytest.raises(NotFittedError):
        plot_activations(unfitted_cnn, X, "conv")
    with pytest.raises(NotFittedError):
        plot_learning_curves(unfitted_cnn)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        plot_embedding(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        plot_embedding(np.zeros((5, 2)), [0, 1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        plot_occlusion(X[:3], np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="not images of 5x5"):
        plot_occlusion(X[:2], np.zeros((2, 5, 5)))
    with pytest.raises(ValueError, match=r"sensitivity must have shape"):
        plot_occlusion(X[:2], np.zeros((2, 64)))


def test_plot_learning_curves_reads_the_history_once(digits_mlp, monkeypatch):
    import skdl.inspection._diagnostics as diagnostics
    import skdl.inspection._plotting as plotting

    original, calls = diagnostics.learning_curves, []

    def counted(net):
        calls.append(net)
        return original(net)

    monkeypatch.setattr(plotting, "learning_curves", counted)
    monkeypatch.setattr(diagnostics, "learning_curves", counted)
    fig = plot_learning_curves(digits_mlp)
    assert len(calls) == 1  # the diagnosis reuses the curves
    monkeypatch.undo()
    assert fig.get_suptitle() == f"Diagnosis: {diagnose_fit(digits_mlp).label}"
