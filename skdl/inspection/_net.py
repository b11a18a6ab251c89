"""How the inspection tools reach into a fitted skorch network.

Every public function of :mod:`skdl.inspection` goes through these helpers:
:func:`check_net` (a fitted net, else ``NotFittedError``),
:func:`check_input` (numeric, finite, cast to the dtype of the network's
weights, consistent with its ``input_shape`` when it has one),
:func:`forward_hooked` (batched forward passes of the module, with forward
hooks on named layers) and :func:`as_images` (the ``(n, C, H, W)`` view of X
that the image tools need).

Activations are recorded by running the module itself, in batches of the
net's (validation) batch size, on the device its weights live on, in
evaluation mode and under ``torch.no_grad``; the module's training flag is
restored afterwards. Going around skorch's ``forward_iter`` keeps this
independent of how a net resolves its ``device`` parameter (skdl's nets
accept ``"auto"``). Probabilities come from the net's own ``predict_proba``.
"""

import numbers
from contextlib import contextmanager
from math import isqrt, prod

import numpy as np
import torch
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_array

from .._device import to_numpy, to_tensor
from ..utils._validation import check_image_shape, rows_as_images

# torch.OutOfMemoryError (torch >= 2.5) is an alias of the CUDA one.
_OUT_OF_MEMORY = getattr(torch, "OutOfMemoryError", torch.cuda.OutOfMemoryError)


def check_net(net):
    """Check that ``net``, a skorch network, is fitted (initialized).

    The public functions' ``validate_params`` constraints have already
    checked that ``net`` is a skorch ``NeuralNet``.

    Parameters
    ----------
    net : skorch.NeuralNet
        The network to check.

    Raises
    ------
    NotFittedError
        If the net has not been fitted or initialized.
    """
    if not getattr(net, "initialized_", False) or getattr(net, "module_", None) is None:
        raise NotFittedError(
            f"This {type(net).__name__} instance is not fitted yet. Call 'fit' "
            "with appropriate arguments before inspecting it."
        )


def module_dtype(module):
    """The floating dtype of the module's weights (float32 when it has none)."""
    for tensor in (*module.parameters(), *module.buffers()):
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.float32


def _numpy_dtype(torch_dtype):
    return torch.empty(0, dtype=torch_dtype).numpy().dtype


def net_input_shape(net):
    """The per-sample input shape a net declares (``input_shape_`` or ``input_shape``)."""
    for name in ("input_shape_", "input_shape"):
        shape = getattr(net, name, None)
        if shape is not None:
            return tuple(int(s) for s in np.atleast_1d(shape))
    return None


def check_input(net, X):
    """Validate X for a forward pass of ``net``.

    Parameters
    ----------
    net : fitted skorch net
    X : array-like of shape (n_samples, ...)

    Returns
    -------
    X : ndarray
        Finite, at least 2-D, in the dtype of the network's weights; of
        shape ``(n_samples, *input_shape)`` when the net declares an
        ``input_shape``.

    Raises
    ------
    ValueError
        If X is empty, 1-D, not finite, or does not match the net's
        ``input_shape`` (flat rows, the full shape, and the shape with or
        without a single channel axis are accepted).
    """
    dtype = _numpy_dtype(module_dtype(net.module_))
    if isinstance(X, torch.Tensor):
        X = to_numpy(X)
    X = check_array(X, allow_nd=True, dtype=dtype, input_name="X")
    shape = net_input_shape(net)
    if shape is not None:
        accepted = {shape, (prod(shape),)}
        if len(shape) == 2:
            accepted.add((1, *shape))
        elif len(shape) == 3 and shape[0] == 1:
            accepted.add(shape[1:])
        if X.shape[1:] not in accepted:
            raise ValueError(
                f"X has shape {X.shape} but the network's input_shape is {shape}: "
                f"X must have shape (n_samples, {prod(shape)}) or (n_samples, "
                f"{', '.join(map(str, shape))})."
            )
        X = X.reshape(len(X), *shape)
    return X


def module_device(module):
    """The device the module's weights live on (the CPU for a module without any)."""
    for tensor in (*module.parameters(), *module.buffers()):
        return tensor.device
    return torch.device("cpu")


def batch_size_of(net, n_samples):
    """The batch size the net predicts with (all samples when it has none)."""
    size = net.get_params_for("iterator_valid").get("batch_size", getattr(net, "batch_size", None))
    if not isinstance(size, numbers.Integral) or size < 1:
        return max(n_samples, 1)
    return int(size)


@contextmanager
def shape_errors_as_value_errors(X):
    """Turn the RuntimeError torch raises on an input that does not fit into a ValueError."""
    try:
        yield
    except _OUT_OF_MEMORY:
        raise
    except RuntimeError as exc:
        raise ValueError(
            f"X of shape {X.shape} does not fit the network's input; the forward pass failed with: {exc}"
        ) from None


def check_layers(module, layers):
    """Resolve layer names against ``module.named_modules()``.

    Parameters
    ----------
    module : torch.nn.Module
    layers : str, list of str or None
        ``None`` means every leaf module (a module without children).

    Returns
    -------
    names : list of str

    Raises
    ------
    ValueError
        If a name is not a sub-module; the message lists the valid names.
    """
    modules = dict(module.named_modules())
    del modules[""]
    if not modules:
        raise ValueError(f"The network's module ({type(module).__name__}) has no named sub-modules to inspect.")
    if layers is None:
        return [name for name, sub in modules.items() if not any(True for _ in sub.children())]
    names = [layers] if isinstance(layers, str) else list(layers)
    if not names:
        raise ValueError("layers must name at least one layer.")
    unknown = [name for name in names if name not in modules]
    if unknown:
        raise ValueError(f"Unknown layer name(s) {unknown}; the network's layers are {list(modules)}.")
    return names


def _first_tensor(output, name):
    if isinstance(output, (tuple, list)) and output:
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            f"Layer {name!r} returns a {type(output).__name__}, not a tensor; its activations cannot be recorded."
        )
    return output


def forward_hooked(net, X, layers, reduce=None):
    """Batched forward passes of X through ``net``, recording named layers.

    Parameters
    ----------
    net : fitted skorch net
    X : ndarray
        Already checked with :func:`check_input`.
    layers : list of str
        Already checked with :func:`check_layers`.
    reduce : callable, default=None
        ``reduce(name, tensor) -> tensor`` applied to each batch's output
        of a layer before it leaves the device (to keep only what is needed).

    Returns
    -------
    activations : dict of str to ndarray
        One array per layer, samples along the first axis.
    """
    modules = dict(net.module_.named_modules())
    current = {}

    def hook_for(name):
        def hook(_module, _inputs, output):
            current[name] = _first_tensor(output, name).detach()

        return hook

    module = net.module_
    device = module_device(module)
    step = batch_size_of(net, len(X))
    was_training = module.training
    handles = [modules[name].register_forward_hook(hook_for(name)) for name in layers]
    parts = {name: [] for name in layers}
    try:
        module.eval()
        with torch.no_grad(), shape_errors_as_value_errors(X):
            for start in range(0, len(X), step):
                module(to_tensor(X[start : start + step], device, dtype=X.dtype))
                for name in layers:
                    if name not in current:
                        raise ValueError(f"Layer {name!r} is not called by the network's forward pass.")
                    out = current.pop(name)
                    if reduce is not None:
                        out = reduce(name, out)
                    parts[name].append(to_numpy(out))
    finally:
        for handle in handles:
            handle.remove()
        module.train(was_training)
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def as_images(X, image_shape=None):
    """View X as a batch of images ``(n, C, H, W)``.

    Parameters
    ----------
    X : ndarray of shape (n, C, H, W), (n, H, W) or (n, d)
    image_shape : tuple or list of int, or None
        ``(H, W)`` or ``(C, H, W)``; needed for flat rows, checked otherwise.
        For flat rows without it, a square single-channel image is assumed
        when ``d`` is a perfect square.

    Returns
    -------
    images : ndarray of shape (n, C, H, W)
        A view of X (no copy).
    to_input : callable
        Turns an ``(m, C, H, W)`` array back into X's layout.

    Raises
    ------
    ValueError
        If X cannot be read as images of that shape.
    """
    if image_shape is not None:
        image_shape = check_image_shape(image_shape, "image_shape", allow_2d=True)
    if X.ndim == 4:
        images, to_input = X, lambda images: images
    elif X.ndim == 3:
        images, to_input = X[:, None], lambda images: images[:, 0]
    elif X.ndim == 2:
        d = X.shape[1]
        if image_shape is None and isqrt(d) ** 2 == d:
            image_shape = (1, isqrt(d), isqrt(d))
        if image_shape is None:
            raise ValueError(
                f"X has flat rows of {d} values; pass image_shape=(height, width) or "
                "(channels, height, width), or use a network with an input_shape."
            )
        images = rows_as_images(X, image_shape, "image_shape")
        return images, lambda images: images.reshape(len(images), d)
    else:
        raise ValueError(
            f"X must hold images of shape (n_samples, channels, height, width), "
            f"(n_samples, height, width) or flat rows; got shape {X.shape}."
        )
    if image_shape is not None and images.shape[1:] != image_shape:
        raise ValueError(f"X has images of shape {images.shape[1:]}, not {image_shape}.")
    return images, to_input
