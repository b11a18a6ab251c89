"""The ``plot_*`` functions: figures of what the other tools compute.

matplotlib is an optional dependency (``pip install skdl[inspection]``); it
is imported inside each function, so :mod:`skdl.inspection` imports without
it. Figures are created with ``matplotlib.pyplot`` (so notebooks and
sphinx-gallery show them) and returned; nothing is shown or saved.
"""

from math import ceil, sqrt
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_array, check_consistent_length, column_or_1d
from skorch import NeuralNet

from .._device import to_numpy
from ..utils._sklearn_compat import HasMethods, Interval, validate_params
from ._diagnostics import NET_OR_HISTORY, _diagnose, learning_curves
from ._net import (
    as_images,
    check_input,
    check_layers,
    check_net,
    forward_hooked,
    net_input_shape,
)


def _pyplot():
    """Import matplotlib.pyplot, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "The plot_* functions of skdl.inspection need matplotlib, which is not "
            "installed. Install it with: pip install 'skdl[inspection]' (or pip "
            "install matplotlib)."
        ) from exc
    return plt


def _grid(n_panels):
    """(rows, cols) of a near-square grid holding n_panels."""
    cols = ceil(sqrt(n_panels))
    return ceil(n_panels / cols), cols


def _axes_grid(plt, n_panels, panel_size=1.6, title_space=0.5):
    rows, cols = _grid(n_panels)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(panel_size * cols + 0.4, panel_size * rows + title_space),
        squeeze=False,
        layout="constrained",
    )
    axes = axes.ravel()
    for ax in axes:
        ax.set_axis_off()
    return fig, axes


def _rgb(image):
    """A (3, H, W) array scaled to [0, 1] as (H, W, 3)."""
    low, high = image.min(), image.max()
    scaled = (image - low) / (high - low) if high > low else np.zeros_like(image)
    return np.moveaxis(scaled, 0, -1)


def _show_image(ax, image, **kwargs):
    """Draw one (C, H, W) image: RGB for 3 channels, else grey (channel mean)."""
    if image.shape[0] == 3:
        ax.imshow(_rgb(image), interpolation="nearest")
    else:
        kwargs.setdefault("cmap", "gray")
        ax.imshow(image.mean(axis=0), interpolation="nearest", **kwargs)
    ax.set_axis_off()


_IMAGE_SHAPE = [tuple, list, None]
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]


@validate_params(
    {
        "net": [NeuralNet],
        "X": ["array-like"],
        "layer": [str],
        "sample": [Interval(Integral, 0, None, closed="left")],
        "max_maps": _POSITIVE_INT,
        "image_shape": _IMAGE_SHAPE,
    },
    prefer_skip_nested_validation=True,
)
def plot_activations(net, X, layer, *, sample=0, max_maps=16, image_shape=None):
    """Draw the activations of one layer for one input.

    For a convolutional layer, each channel's feature map is drawn as an image
    (bright where the channel's filter matches the input), all on one colour
    scale so that strong and silent channels can be compared; a 1-D layer (a
    linear layer) is drawn as a bar per unit. The input itself comes first
    when it can be drawn as an image.

    Parameters
    ----------
    net : fitted skorch network
    X : array-like of shape (n_samples, ...)
        Inputs in the layout the network takes; only ``X[sample]`` is used.
    layer : str
        A name from ``net.module_.named_modules()``.
    sample : int, default=0
        Row of X to draw.
    max_maps : int, default=16
        At most this many feature maps are drawn (the first ones).
    image_shape : (int, int) or (int, int, int), default=None
        Shape of the input image when X has flat rows; defaults to the net's
        ``input_shape``, else a square image.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If the layer does not exist, ``sample`` is not a row of X, X does not
        fit the network, or the layer's output is neither maps nor a vector.

    See Also
    --------
    layer_activations : The activations as arrays.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import plot_activations
    >>> X = np.random.RandomState(0).normal(size=(20, 1, 8, 8)).astype("float32")
    >>> y = np.arange(20) % 2
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
    ...     torch.nn.Linear(4 * 6 * 6, 2))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=1, train_split=None, verbose=0).fit(X, y)
    >>> fig = plot_activations(net, X, "1", sample=3)
    >>> len(fig.axes)
    6
    """
    plt = _pyplot()
    check_net(net)
    (name,) = check_layers(net.module_, layer)
    X = check_input(net, X)
    if sample >= X.shape[0]:
        raise ValueError(f"sample must be a row of X, 0 to {X.shape[0] - 1}; got {sample!r}.")
    x = X[sample : sample + 1]
    activation = forward_hooked(net, x, [name])[name][0]
    try:
        image = as_images(x, image_shape or net_input_shape(net))[0][0]
    except ValueError:
        image = None
    title = f"Layer {name!r}, sample {sample}"
    if activation.ndim == 3:
        n_maps = min(activation.shape[0], max_maps)
        offset = image is not None
        fig, axes = _axes_grid(plt, n_maps + offset)
        if image is not None:
            _show_image(axes[0], image)
            axes[0].set_title("input", fontsize=9)
        low, high = float(activation[:n_maps].min()), float(activation[:n_maps].max())
        for channel in range(n_maps):
            ax = axes[channel + offset]
            ax.imshow(
                activation[channel],
                cmap="viridis",
                vmin=low,
                vmax=high,
                interpolation="nearest",
            )
            ax.set_title(f"map {channel}", fontsize=9)
        shown = f"{n_maps} of {activation.shape[0]} maps"
        fig.suptitle(f"{title}: {shown}")
    elif activation.ndim in (1, 2):
        n_panels = 1 + (image is not None)
        fig, axes = plt.subplots(1, n_panels, figsize=(4 * n_panels, 3.2), squeeze=False, layout="constrained")
        axes = axes.ravel()
        if image is not None:
            _show_image(axes[0], image)
            axes[0].set_title("input", fontsize=9)
        ax = axes[-1]
        if activation.ndim == 1:
            ax.bar(np.arange(activation.shape[0]), activation, color="tab:blue")
            ax.set(xlabel="unit", ylabel="activation")
        else:
            shown = activation[:max_maps]
            ax.imshow(shown, aspect="auto", cmap="viridis", interpolation="nearest")
            ax.set(xlabel="position", ylabel="channel")
        fig.suptitle(title)
    else:
        raise ValueError(
            f"Layer {name!r} outputs arrays of shape {activation.shape} per sample; "
            "plot_activations draws feature maps (channels, height, width), "
            "(channels, length) or vectors."
        )
    return fig


def _first_weighted_layer(module):
    for name, sub in module.named_modules():
        weight = getattr(sub, "weight", None)
        if name and isinstance(weight, torch.Tensor) and weight.ndim >= 2:
            return name
    raise ValueError("The network has no layer with a weight matrix or filter bank.")


@validate_params(
    {
        "net": [NeuralNet],
        "layer": [str, None],
        "max_filters": _POSITIVE_INT,
        "image_shape": _IMAGE_SHAPE,
    },
    prefer_skip_nested_validation=True,
)
def plot_filters(net, layer=None, *, max_filters=64, image_shape=None):
    """Draw the learned filters of a layer, by default the first one.

    A 2-D convolution's filters are drawn as small images (in colour when
    they have three input channels, else the mean over input channels); a
    linear layer's rows are drawn in the shape of the input image, which for
    the first layer of a network on images shows what pattern each hidden
    unit responds to. Blue is negative, red positive, on one scale for all
    filters.

    Parameters
    ----------
    net : fitted skorch network
    layer : str, default=None
        A name from ``net.module_.named_modules()`` whose module has a
        ``weight`` of at least two dimensions. ``None`` takes the first such
        layer.
    max_filters : int, default=64
        At most this many filters are drawn (the first ones).
    image_shape : (int, int) or (int, int, int), default=None
        Shape into which a linear layer's rows are drawn; defaults to the
        net's ``input_shape``, else a square image.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If the layer does not exist or has no weights that can be drawn.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import plot_filters
    >>> X = np.random.RandomState(0).normal(size=(20, 1, 8, 8)).astype("float32")
    >>> y = np.arange(20) % 2
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
    ...     torch.nn.Linear(4 * 6 * 6, 2))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=1, train_split=None, verbose=0).fit(X, y)
    >>> fig = plot_filters(net)
    >>> fig.get_suptitle()
    "Filters of layer '0': 4 of 4"
    """
    plt = _pyplot()
    check_net(net)
    module = net.module_
    if layer is None:
        name = _first_weighted_layer(module)
    else:
        (name,) = check_layers(module, layer)
    weight = getattr(dict(module.named_modules())[name], "weight", None)
    if not isinstance(weight, torch.Tensor) or weight.ndim < 2:
        raise ValueError(f"Layer {name!r} has no weight matrix or filter bank to draw.")
    weight = to_numpy(weight).astype(np.float64)
    if weight.ndim == 2:
        filters = as_images(weight, image_shape or net_input_shape(net))[0]
    elif weight.ndim == 3:
        filters = weight.mean(axis=1)[:, None, None, :]
    elif weight.ndim == 4:
        filters = weight
    else:
        raise ValueError(f"Layer {name!r} has {weight.ndim}-D weights; cannot draw them.")
    n_filters = min(len(filters), max_filters)
    shown = filters[:n_filters]
    fig, axes = _axes_grid(plt, n_filters, panel_size=1.1)
    vmax = float(np.abs(shown).max()) or 1.0
    for index, ax in zip(range(n_filters), axes):
        _show_image(ax, shown[index], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    fig.suptitle(f"Filters of layer {name!r}: {n_filters} of {len(filters)}")
    return fig


@validate_params(
    {
        "embedding": ["array-like"],
        "y": ["array-like", None],
        "title": [str, None],
        "ax": [HasMethods(["scatter", "set_title"]), None],
    },
    prefer_skip_nested_validation=True,
)
def plot_embedding(embedding, y=None, *, title=None, ax=None):
    """Draw a 2-D embedding, one colour per class.

    Parameters
    ----------
    embedding : array-like of shape (n_samples, 2)
        For instance the output of :func:`hidden_embedding`.
    y : array-like of shape (n_samples,), default=None
        Class of each point; ``None`` draws all points in one colour.
    title : str, default=None
        Title of the axes.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    ValueError
        If ``embedding`` is not of shape (n_samples, 2) or y has another length.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.inspection import plot_embedding
    >>> points = np.random.RandomState(0).normal(size=(30, 2))
    >>> fig = plot_embedding(points, np.arange(30) % 3, title="three classes")
    >>> fig.axes[0].get_title()
    'three classes'
    """
    plt = _pyplot()
    embedding = check_array(embedding, input_name="embedding")
    if embedding.shape[1] != 2:
        raise ValueError(f"embedding must have shape (n_samples, 2); got {embedding.shape}.")
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
    else:
        fig = ax.figure
    if y is None:
        ax.scatter(embedding[:, 0], embedding[:, 1], s=8, alpha=0.7)
    else:
        y = column_or_1d(y)
        check_consistent_length(embedding, y)
        classes = np.unique(y)
        cmap = plt.get_cmap("tab10" if len(classes) <= 10 else "tab20")
        for index, label in enumerate(classes):
            points = embedding[y == label]
            ax.scatter(
                points[:, 0],
                points[:, 1],
                s=8,
                alpha=0.7,
                color=cmap(index % cmap.N),
                label=str(label),
            )
        ax.legend(title="class", markerscale=2, fontsize=8, loc="best")
    ax.set(xticks=(), yticks=())
    if title is not None:
        ax.set_title(title)
    return fig


@validate_params(
    {
        "X": ["array-like"],
        "sensitivity": ["array-like"],
        "max_images": _POSITIVE_INT,
        "titles": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def plot_occlusion(X, sensitivity, *, max_images=8, titles=None):
    """Draw images above their occlusion sensitivity maps.

    Parameters
    ----------
    X : array-like of shape (n_samples, channels, height, width), \
            (n_samples, height, width) or (n_samples, n_features)
        The images given to :func:`occlusion_sensitivity`.
    sensitivity : array-like of shape (n_samples, height, width)
        Its result. Red marks regions whose occlusion lowers the true-class
        probability, blue those whose occlusion raises it.
    max_images : int, default=8
        At most this many images are drawn (the first ones).
    titles : list of str, default=None
        One title per drawn image.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    ValueError
        If the shapes of X and ``sensitivity`` do not agree, or ``titles``
        names fewer images than are drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.inspection import plot_occlusion
    >>> rng = np.random.RandomState(0)
    >>> images, maps = rng.normal(size=(3, 8, 8)), rng.normal(size=(3, 8, 8))
    >>> fig = plot_occlusion(images, maps, titles=["a", "b", "c"])
    >>> len(fig.axes)  # two rows of three, and a colour bar
    7
    """
    plt = _pyplot()
    sensitivity = check_array(sensitivity, allow_nd=True, input_name="sensitivity")
    if sensitivity.ndim != 3:
        raise ValueError(f"sensitivity must have shape (n_samples, height, width); got {sensitivity.shape}.")
    X = check_array(X, allow_nd=True, input_name="X")
    check_consistent_length(X, sensitivity)
    n, height, width = sensitivity.shape
    channels = X[0].size // (height * width)
    if channels < 1 or X[0].size % (height * width):
        raise ValueError(
            f"X has samples of shape {X.shape[1:]}, which are not images of {height}x{width} pixels like sensitivity."
        )
    images = as_images(X, (channels, height, width) if X.ndim == 2 else None)[0]
    if images.shape[2:] != (height, width):
        raise ValueError(
            f"X has images of {images.shape[2]}x{images.shape[3]} pixels but sensitivity maps of {height}x{width}."
        )
    n_show = min(n, max_images)
    if titles is not None and len(titles) < n_show:
        raise ValueError(f"titles must name the {n_show} images drawn; got {len(titles)}.")
    fig, axes = plt.subplots(2, n_show, figsize=(1.7 * n_show + 1.0, 3.8), squeeze=False, layout="constrained")
    vmax = float(np.abs(sensitivity[:n_show]).max()) or 1.0
    for index in range(n_show):
        _show_image(axes[0, index], images[index])
        if titles is not None:
            axes[0, index].set_title(str(titles[index]), fontsize=9)
        ax = axes[1, index]
        ax.imshow(images[index].mean(axis=0), cmap="gray", interpolation="nearest")
        heat = ax.imshow(
            sensitivity[index],
            cmap="RdBu_r",
            vmin=-vmax,
            vmax=vmax,
            alpha=0.75,
            interpolation="nearest",
        )
        ax.set_axis_off()
    fig.colorbar(heat, ax=axes[1, :].tolist(), shrink=0.9, label="probability drop")
    return fig


@validate_params(
    {"net": NET_OR_HISTORY, "diagnosis": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def plot_learning_curves(net, *, diagnosis=True):
    """Draw the loss and accuracy curves of a training run.

    The loss panel shows ``train_loss`` and ``valid_loss``, the accuracy
    panel (when the history records one) ``valid_acc`` and ``train_acc``. A
    dashed vertical line marks the epoch of the lowest validation loss (the
    last epoch with ``valid_loss_best``): the epoch whose weights early
    stopping kept when it restores the best weights (skorch's
    ``EarlyStopping(load_best=True)``), and its legend says so.

    Parameters
    ----------
    net : fitted skorch network, skorch History or list of dict
        A fitted network (its ``history_``) or a history.
    diagnosis : bool, default=True
        Put the label of :func:`diagnose_fit` (default thresholds) in the
        title, when the history records validation losses.

    Returns
    -------
    fig : matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If the network is not fitted or its history is empty.

    See Also
    --------
    diagnose_fit : The label and the quantities behind it.

    Examples
    --------
    >>> import torch
    >>> from sklearn.datasets import load_iris
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import plot_learning_curves
    >>> X, y = load_iris(return_X_y=True)
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=5, verbose=0)
    >>> net = net.fit(X.astype("float32"), y)
    >>> fig = plot_learning_curves(net)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss', 'accuracy']
    """
    plt = _pyplot()
    curves = learning_curves(net)
    colors = {"train": "tab:blue", "validation": "tab:orange"}
    accuracies = [
        (curve, label)
        for curve, label in [(curves.train_acc, "train"), (curves.valid_acc, "validation")]
        if curve is not None
    ]
    n_panels = 1 + bool(accuracies)
    fig, axes = plt.subplots(1, n_panels, figsize=(5.2 * n_panels, 3.8), squeeze=False, layout="constrained")
    axes = axes.ravel()
    epochs = curves.epoch
    loss_ax = axes[0]
    loss_ax.plot(epochs, curves.train_loss, marker=".", label="train", color=colors["train"])
    if curves.valid_loss is not None:
        loss_ax.plot(epochs, curves.valid_loss, marker=".", label="validation", color=colors["validation"])
    loss_ax.set(xlabel="epoch", ylabel="loss", title="Loss")
    if accuracies:
        acc_ax = axes[1]
        for curve, label in accuracies:
            acc_ax.plot(epochs, curve, marker=".", label=label, color=colors[label])
        acc_ax.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    if curves.best_epoch is not None:
        what = "weights kept" if curves.restored else "lowest validation loss"
        for ax in axes:
            ax.axvline(
                curves.best_epoch,
                color="k",
                linestyle="--",
                linewidth=1,
                label=f"{what} (epoch {curves.best_epoch})",
                gid="best_epoch",
            )
        loss_ax.plot(
            curves.best_epoch,
            curves.valid_loss[curves.best_index],
            marker="o",
            color="k",
            linestyle="none",
        )
    for ax in axes:
        ax.legend(fontsize=8)
    if diagnosis and curves.best_epoch is not None:
        fig.suptitle(f"Diagnosis: {_diagnose(curves).label}")
    return fig
