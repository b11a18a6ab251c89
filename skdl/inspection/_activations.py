"""Activations of named layers, and the inputs that most activate a unit."""

from numbers import Integral

import numpy as np
from skorch import NeuralNet

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._net import check_input, check_layers, check_net, forward_hooked

_REDUCTIONS = {"max": "amax", "mean": "mean"}


@validate_params(
    {
        "net": [NeuralNet],
        "X": ["array-like"],
        "layers": [str, "array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def layer_activations(net, X, layers=None):
    """Activations of named layers of a fitted network, as NumPy arrays.

    A forward hook on each requested layer records its output while X goes
    through the network in batches (on the net's device, in evaluation mode,
    without gradients). The hooks are removed afterwards, also on error.

    Parameters
    ----------
    net : fitted skorch network
        A fitted (or initialized) skorch ``NeuralNet``, such as
        :class:`skorch.NeuralNetClassifier` or skdl's networks. Its
        ``module_`` is inspected. For a network at the end of a pipeline,
        pass ``pipeline[-1]`` and ``pipeline[:-1].transform(X)``.
    X : array-like of shape (n_samples, ...)
        Input in the layout the network takes. It is cast to the dtype of the
        network's weights.
    layers : str, list of str or None, default=None
        Names from ``net.module_.named_modules()``, e.g. ``"conv1"`` or
        ``"features.0"``. ``None`` records every leaf layer (a module with no
        sub-modules).

    Returns
    -------
    activations : dict of str to ndarray
        For each layer, its output for every sample, of shape
        ``(n_samples, ...)``: ``(n_samples, channels, height, width)`` for a
        2-D convolution, ``(n_samples, units)`` for a linear layer. A layer
        returning a tuple (e.g. an LSTM) contributes its first element.

    Raises
    ------
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If a layer name does not exist (the message lists the valid names) or
        X does not fit the network's input.

    See Also
    --------
    max_activating_inputs : The inputs that most activate one unit.
    hidden_embedding : A 2-D map of a layer's activations.
    plot_activations : The feature maps of a layer for one input.

    Examples
    --------
    >>> import torch
    >>> from sklearn.datasets import load_iris
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import layer_activations
    >>> X, y = load_iris(return_X_y=True)
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=2, train_split=None, verbose=0)
    >>> net = net.fit(X.astype("float32"), y)
    >>> acts = layer_activations(net, X, layers=["0", "1"])
    >>> acts["0"].shape, acts["1"].shape
    ((150, 8), (150, 8))
    >>> bool((acts["1"] >= 0).all())
    True
    """
    check_net(net)
    names = check_layers(net.module_, layers)
    X = check_input(net, X)
    return forward_hooked(net, X, names)


@validate_params(
    {
        "net": [NeuralNet],
        "X": ["array-like"],
        "layer": [str],
        "unit": [Interval(Integral, 0, None, closed="left")],
        "k": [Interval(Integral, 1, None, closed="left")],
        "reduce": [StrOptions(set(_REDUCTIONS))],
    },
    prefer_skip_nested_validation=True,
)
def max_activating_inputs(net, X, layer, unit, k=9, *, reduce="max"):
    """The k inputs that most activate one unit of a layer.

    The activation of a unit for an input is the unit's output: for a linear
    layer, ``activations[:, unit]``; for a convolutional layer the unit is a
    channel (a feature map), whose response to an input is the maximum (or
    mean) of its map over the spatial positions.

    Parameters
    ----------
    net : fitted skorch network
    X : array-like of shape (n_samples, ...)
        Candidate inputs, in the layout the network takes.
    layer : str
        A name from ``net.module_.named_modules()``.
    unit : int
        The unit (channel) of that layer, ``0 <= unit < n_units``.
    k : int, default=9
        How many inputs to return, ``1 <= k <= n_samples``.
    reduce : {"max", "mean"}, default="max"
        How a feature map's spatial positions are summarised.

    Returns
    -------
    indices : ndarray of shape (k,)
        Row indices into X, most activating first (ties in input order).
    values : ndarray of shape (k,)
        The unit's activation for those inputs.

    Raises
    ------
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If the layer does not exist, ``unit`` is not below the layer's number
        of units, ``k`` exceeds ``n_samples``, or X does not fit the network.

    See Also
    --------
    layer_activations : All activations of named layers.

    Examples
    --------
    >>> import torch
    >>> from sklearn.datasets import load_iris
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import max_activating_inputs
    >>> X, y = load_iris(return_X_y=True)
    >>> module = torch.nn.Sequential(
    ...     torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=2, train_split=None, verbose=0)
    >>> net = net.fit(X.astype("float32"), y)
    >>> indices, values = max_activating_inputs(net, X, "2", unit=0, k=5)
    >>> indices.shape, bool((values[:-1] >= values[1:]).all())
    ((5,), True)
    """
    check_net(net)
    (name,) = check_layers(net.module_, layer)
    X = check_input(net, X)
    if k > X.shape[0]:
        raise ValueError(f"k must be between 1 and n_samples={X.shape[0]}; got k={k}.")

    def unit_response(_name, out):
        if out.ndim < 2:
            raise ValueError(f"Layer {name!r} has no unit axis: its output is 1-D per batch.")
        if unit >= out.shape[1]:
            raise ValueError(
                f"unit must be between 0 and {out.shape[1] - 1} for layer {name!r} "
                f"({out.shape[1]} units); got unit={unit}."
            )
        response = out[:, unit]
        if response.ndim > 1:
            response = getattr(response.flatten(1), _REDUCTIONS[reduce])(dim=1)
        return response

    values = forward_hooked(net, X, [name], reduce=unit_response)[name]
    indices = np.argsort(-values, kind="stable")[:k]
    return indices, values[indices]
