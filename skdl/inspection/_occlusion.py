"""Occlusion sensitivity: which parts of an image the prediction depends on.

Zeiler and Fergus (2014) slide a grey square over the image and watch the
probability of the true class: where hiding the square makes it drop, the
network was looking. Every occluded copy of every image is one row of a
batched ``predict_proba`` call; the copies are built in chunks whose size
follows from scikit-learn's ``working_memory`` budget.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d
from skorch import NeuralNet

from .._device import chunk_size
from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._net import as_images, check_input, check_net, net_input_shape, shape_errors_as_value_errors


def _pair(value, name, default):
    """An int or a pair of ints as ``(rows, cols)``, each >= 1.

    The type of ``value`` (None, an int >= 1, a tuple or a list) is checked by
    the constraints; this checks the content of a tuple or list.
    """
    if value is None:
        value = default
    pair = (value, value) if isinstance(value, Integral) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in pair):
        raise ValueError(f"{name} must be a positive int or a pair of them; got {value!r}.")
    return int(pair[0]), int(pair[1])


def _starts(size, patch, stride):
    """Patch positions along one axis; the last one touches the far edge."""
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def _target_columns(net, y, base_proba):
    """Column of ``predict_proba`` holding each sample's true class."""
    if y is None:
        return base_proba.argmax(axis=1)
    classes = getattr(net, "classes_", None)
    if classes is None:
        columns = np.asarray(y)
        valid = np.issubdtype(columns.dtype, np.integer) and ((columns >= 0) & (columns < base_proba.shape[1])).all()
        if not valid:
            raise ValueError(
                f"y must hold column indices of predict_proba (0 to {base_proba.shape[1] - 1}) "
                "for a network without classes_."
            )
        return columns
    classes = np.asarray(classes)
    index = {label: i for i, label in enumerate(classes.tolist())}
    labels = np.asarray(y).tolist()
    unknown = sorted({label for label in labels if label not in index}, key=str)
    if unknown:
        raise ValueError(
            f"y contains labels {unknown} that the network was not fitted on; its classes are {classes.tolist()}."
        )
    columns = np.array([index[label] for label in labels], dtype=np.intp)
    return columns


_PATCH_CONSTRAINTS = [Interval(Integral, 1, None, closed="left"), tuple, list, None]


@validate_params(
    {
        "net": [NeuralNet],
        "X": ["array-like"],
        "y": ["array-like", None],
        "patch": _PATCH_CONSTRAINTS,
        "stride": _PATCH_CONSTRAINTS,
        "fill": [StrOptions({"mean"}), Interval(Real, None, None, closed="neither")],
        "image_shape": [tuple, list, None],
    },
    prefer_skip_nested_validation=True,
)
def occlusion_sensitivity(net, X, y=None, *, patch=None, stride=None, fill="mean", image_shape=None):
    """Drop in the true-class probability when a grey patch hides each region.

    For an image :math:`x` with class :math:`c` and a patch position
    :math:`q`, let :math:`x_{\\setminus q}` be :math:`x` with the pixels under
    the patch (in every channel) set to ``fill``. The drop at :math:`q` is
    :math:`p(c \\mid x) - p(c \\mid x_{\\setminus q})`, with the probabilities
    of ``net.predict_proba``. The patch slides over the image with the given
    stride (the last position of each axis touches the far edge, so every pixel
    is covered), and the sensitivity of a pixel is the mean drop over the
    positions whose patch covers it. Large positive values mark the regions the
    prediction relies on; negative values mark regions whose removal makes the
    class more likely.

    Parameters
    ----------
    net : fitted skorch classifier
        A fitted skorch network with ``predict_proba``.
    X : array-like of shape (n_samples, channels, height, width), \
            (n_samples, height, width) or (n_samples, n_features)
        The images, in the layout the network takes. Flat rows are reshaped
        with ``image_shape``, else the network's ``input_shape``, else a
        square single-channel image when ``n_features`` is a perfect square.
    y : array-like of shape (n_samples,), default=None
        The true classes (labels from ``net.classes_``). ``None`` uses the
        class the network predicts for the unoccluded image.
    patch : int or (int, int), default=None
        Height and width of the patch. ``None`` takes a quarter of the
        smaller image side (at least 1).
    stride : int or (int, int), default=None
        Step between patch positions, at most the patch size. ``None`` takes
        half the patch (at least 1).
    fill : "mean" or float, default="mean"
        The grey value of the patch. ``"mean"`` is the mean of X in each
        channel, so the patch carries no information about the image.
    image_shape : (int, int) or (int, int, int), default=None
        ``(height, width)`` or ``(channels, height, width)`` of flat rows.

    Returns
    -------
    sensitivity : ndarray of shape (n_samples, height, width)
        The mean drop in the true-class probability for each pixel.

    Raises
    ------
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If ``net`` is not fitted.
    ValueError
        If ``patch``, ``stride`` or ``image_shape`` holds other than positive
        ints, the patch is larger than the image, the stride larger than the
        patch, X cannot be read as images or does not fit the network, or y
        holds unknown classes.

    See Also
    --------
    plot_occlusion : Draw the images with their sensitivity maps.

    References
    ----------
    .. [1] M. D. Zeiler and R. Fergus, "Visualizing and understanding
       convolutional networks", ECCV 2014.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skorch import NeuralNetClassifier
    >>> from skdl.inspection import occlusion_sensitivity
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 1, 6, 6)).astype("float32")
    >>> y = np.arange(40) % 2
    >>> X[y == 1, :, :2, :2] += 3.0   # class 1 is bright in the top-left corner
    >>> module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(36, 2))
    >>> net = NeuralNetClassifier(module, criterion=torch.nn.CrossEntropyLoss,
    ...                           max_epochs=20, lr=0.1, train_split=None, verbose=0)
    >>> net = net.fit(X, y)
    >>> maps = occlusion_sensitivity(net, X, y, patch=2, stride=2)
    >>> maps.shape
    (40, 6, 6)
    >>> mean_map = maps[y == 1].mean(axis=0)
    >>> bool(mean_map[:2, :2].mean() > mean_map[2:, 2:].mean())
    True
    """
    check_net(net)
    X = check_input(net, X)
    if image_shape is None:
        image_shape = net_input_shape(net)
    images, to_input = as_images(X, image_shape)
    n, n_channels, height, width = images.shape
    ph, pw = _pair(patch, "patch", max(1, min(height, width) // 4))
    if ph > height or pw > width:
        raise ValueError(f"patch={(ph, pw)} is larger than the images, which are {height}x{width} pixels.")
    sh, sw = _pair(stride, "stride", (max(1, ph // 2), max(1, pw // 2)))
    if sh > ph or sw > pw:
        raise ValueError(
            f"stride={(sh, sw)} must not exceed the patch {(ph, pw)}: the pixels "
            "between two patch positions would never be occluded."
        )
    if isinstance(fill, str):  # "mean", the only string the constraints let through
        fill_values = images.mean(axis=(0, 2, 3), dtype=np.float64)
    else:
        fill_values = np.full(n_channels, float(fill))
    fill_values = fill_values.astype(images.dtype)[:, None, None]
    if y is not None:
        y = column_or_1d(y)
        check_consistent_length(X, y)

    with shape_errors_as_value_errors(X):
        base = np.asarray(net.predict_proba(X), dtype=np.float64)
    columns = _target_columns(net, y, base)
    base_true = base[np.arange(n), columns]

    positions = [(r, c) for r in _starts(height, ph, sh) for c in _starts(width, pw, sw)]
    coverage = np.zeros((height, width))
    for r, c in positions:
        coverage[r : r + ph, c : c + pw] += 1
    total = np.zeros((n, height, width))
    n_positions = len(positions)
    step = chunk_size(n_positions * images[0].nbytes * 2, n)
    for start in range(0, n, step):
        block = images[start : start + step]
        b = len(block)
        occluded = np.repeat(block[:, None], n_positions, axis=1)
        for p, (r, c) in enumerate(positions):
            occluded[:, p, :, r : r + ph, c : c + pw] = fill_values
        occluded = occluded.reshape(b * n_positions, *block.shape[1:])
        with shape_errors_as_value_errors(X):
            proba = np.asarray(net.predict_proba(to_input(occluded)), dtype=np.float64)
        proba = proba.reshape(b, n_positions, -1)
        cols = columns[start : start + b]
        p_true = np.take_along_axis(proba, cols[:, None, None], axis=2)[:, :, 0]
        drop = base_true[start : start + b, None] - p_true
        for p, (r, c) in enumerate(positions):
            total[start : start + b, r : r + ph, c : c + pw] += drop[:, p, None, None]
    return total / coverage
