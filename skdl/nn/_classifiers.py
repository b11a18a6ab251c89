"""Neural-network classifiers: :class:`MLPClassifier` and :class:`CNNClassifier`.

Both are skorch ``NeuralNetClassifier`` subclasses (through
:class:`~skdl.nn._base.BaseNetClassifier`) whose training toolbox is a set of
plain constructor parameters; see the :ref:`user guide <neural_networks>`.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils import assert_all_finite

from ..utils._sklearn_compat import Interval, StrOptions, validate_data
from ..utils._validation import check_image_shape, rows_as_images
from ._base import BaseNetClassifier, _as_float32
from ._data import augment, parse_augmentation
from ._modules import ARCHITECTURES, CNN, MLP
from ._presets import DENSE_NORMALIZATIONS


def _ndim(X):
    """Number of dimensions of array-like X (None when it has no regular shape)."""
    shape = getattr(X, "shape", None)
    if shape is None:
        try:
            shape = np.asarray(X).shape
        except (ValueError, TypeError):
            return None
    return len(shape)


def _is_float_matrix(X):
    """Whether X is a non-empty 2-D float32/float64 NumPy array (no subclass, no dataframe)."""
    return type(X) is np.ndarray and X.ndim == 2 and X.dtype in (np.float32, np.float64) and X.shape[0] > 0


_MLP_XFAIL = {
    "check_methods_subset_invariance": (
        "The MLP's forward pass is float32: a matrix product over a batch and over a subset of its "
        "rows may round differently (about 1e-7 relative), while the check compares the "
        "float64 output at rtol=1e-7. tests/nn/test_nn_classifiers.py checks subset "
        "invariance at float32's precision."
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "As check_sample_weight_equivalence_on_dense_data (sparse batches are densified into "
        "the dense copy's values): repeated rows and doubled weights make other mini-batches "
        "and float32 sums, so the fits agree only approximately, not to rtol=1e-7."
    ),
}


class MLPClassifier(BaseNetClassifier):
    """Multi-layer perceptron classifier trained with PyTorch through skorch.

    A scikit-learn classifier (labels of any type, ``predict_proba``,
    ``sample_weight``, ``Pipeline`` and ``GridSearchCV`` over every
    parameter) built on skorch's ``NeuralNetClassifier``: the network is
    ``dense -> [norm] -> activation -> [dropout]`` per hidden layer, then a
    linear layer with one logit per class, trained on the (weighted)
    cross-entropy. See the :ref:`user guide <neural_networks>`.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` gives multinomial logistic
        regression.
    activation : {"relu", "leaky_relu", "prelu", "rrelu", "elu", "tanh", \
"sigmoid", "softplus", "maxout"}, default="relu"
        Non-linearity of the hidden layers. ``"prelu"`` learns one negative
        slope per channel; ``"rrelu"`` draws the negative slopes at random
        while training (from ``random_state``); ``"maxout"`` keeps the
        largest of two linear pieces (the layer before it produces twice the
        units).

    normalization : {"batch", "layer", "group", "weight", "cosine"} or None, \
default=None
        Normalisation of each hidden linear/convolution layer. ``"batch"``,
        ``"layer"`` and ``"group"`` normalise its outputs before the
        activation (``"group"`` uses 8 groups, or the largest divisor of the
        channel count below 8). ``"weight"`` reparametrises its weights as
        ``w = g v / ||v||`` per unit (Salimans and Kingma, 2016);
        ``"cosine"`` makes each unit output the cosine between its input
        (with a constant 1 for the bias) and its weights (with the bias), in
        [-1, 1] (Luo et al., 2017). The output layer is never normalised;
        after cosine-normalised layers it multiplies its input by the square
        root of the last one's fan-in, the inverse of a random cosine's size.

    dropout : float in [0, 1), default=0.0
        Probability of zeroing a unit while training.
    weight_init : {"xavier_uniform", "xavier_normal", "he_uniform", \
"he_normal", "lecun_uniform", "lecun_normal", "orthogonal", "sparse"}, \
default="he_uniform"
        How the weights of the Linear/Conv layers are drawn (from
        ``random_state``); biases start at zero. ``"sparse"``: each unit gets
        15 non-zero incoming weights (all of them when it has fewer inputs)
        drawn from N(0, 1) at random positions, the others zero (Martens,
        2010); its weights are not scaled by the fan-in, so it wants a
        larger ``learning_rate`` than the default of adam (e.g. 0.01).

    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "adadelta", \
"rmsprop", "adam", "adamw"} or a torch optimizer class, default="adam"
        The update rule; ``"momentum"`` and ``"nesterov"`` are SGD with
        momentum 0.9. Options such as ``optimizer__betas=(0.9, 0.99)`` are
        passed on (skorch's ``optimizer__*``).

    learning_rate : float or None, default=None
        Initial learning rate; None takes the optimizer's usual value (0.01
        for the SGD family and adagrad, 1.0 for adadelta, 0.001 for rmsprop,
        adam and adamw).

    weight_decay : float, default=0.0
        L2 penalty on the weights of the Linear/Conv layers, not on biases,
        normalisation parameters or PReLU slopes (for ``"adamw"``: decoupled
        weight decay).

    lr_schedule : {"constant", "step", "exponential", "inverse_time", \
"cosine", "warmup_cosine"}, default="constant"
        Learning-rate multiplier over the ``max_epochs * batches`` steps of a
        fit, updated at every step: ``"step"`` divides by 10 at 50% and 75%;
        ``"exponential"`` decays to 1%; ``"inverse_time"`` is ``1 / (1 + 9
        t)`` (10% at the end); ``"cosine"`` goes from 1 to 0 along a half
        cosine; ``"warmup_cosine"`` rises linearly over the first 10% of
        the steps, then follows the cosine.

    batch_size : int, default=128
        Samples per mini-batch (all of them when larger than the data).

    max_epochs : int, default=100
        Passes over the training data in ``fit``.

    shuffle : bool, default=True
        Shuffle the training samples at each epoch (from ``random_state``).

    gradient_clipping : float or None, default=None
        Rescale the gradient so that its norm (over all parameters) is at
        most this value before each step (skorch's ``GradientNormClipping``).

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified),
        stop when the validation loss has not improved for ``patience``
        epochs, and keep the weights of the best epoch. Without it every
        training sample is used for training.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training data held out when ``early_stopping=True``.

    patience : int, default=10
        Epochs without a new best validation loss before stopping.

    class_weight : dict, "balanced" or None, default=None
        Weight of each class in the loss (cost-sensitive cross-entropy);
        ``"balanced"`` uses ``n_samples / (n_classes * counts)``. The
        weights (times ``sample_weight``) are scaled to mean 1.

    label_smoothing : float in [0, 1), default=0.0
        The loss targets are ``(1 - label_smoothing)`` on the true class plus
        ``label_smoothing / n_classes`` on every class.

    device : str, torch.device or None, default=None
        ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"`` or a :class:`torch.device`; None uses
        :func:`skdl.set_config` (``"auto"`` by default). A model fitted on a
        GPU predicts on the CPU when no GPU is available.

    n_jobs : int or None, default=None
        Threads torch uses on the CPU during ``fit`` and ``predict``: None
        means 1 (fastest for the small networks of tabular data, and it
        leaves the other cores to ``GridSearchCV(n_jobs=...)``), -1 all
        cores. Nothing changes on a GPU.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the shuffling, the early-stopping split and the
        random layers (dropout, rrelu, augmentation) through
        :class:`torch.Generator` objects; torch's global seed is never
        touched. On the CPU, two fits with the same integer give identical
        predictions.

    verbose : int, default=0
        Print skorch's table of epochs (losses, accuracy, duration) if
        positive.

    warm_start : bool, default=False
        If True, ``fit`` continues from the current weights.

    module : torch.nn.Module class or instance, default=None
        A network of your own, used instead of the preset one; configure it
        with ``module__*`` arguments. It must return one logit per class.
        ``weight_init`` draws the weights of a module built from a class (an
        instance keeps its weights).

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks, run after skdl's.

    **kwargs
        Other skorch arguments: ``module__*``, ``optimizer__*``,
        ``iterator_train__*``, ``callbacks__*``, ``iterator_train``,
        ``dataset``, ``compile``, ``torch_load_kwargs`` ... skorch's
        ``criterion``, ``train_split``, ``lr``, ``predict_nonlinearity`` and
        ``classes`` are replaced by the parameters above.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    module_ : torch.nn.Module
        The trained network (its layers are named, see the user guide).

    history_ : skorch.History
        One row per epoch with ``epoch``, ``dur``, ``lr``, ``train_loss``
        and ``train_loss_best``; with ``early_stopping`` also ``valid_loss``,
        ``valid_loss_best``, ``valid_acc`` and ``valid_acc_best``. The
        weights kept by early stopping are those of the last epoch whose
        ``valid_loss_best`` is True.

    See Also
    --------
    CNNClassifier : Convolutional network for images.
    sklearn.neural_network.MLPClassifier : scikit-learn's perceptron (NumPy).

    Notes
    -----
    X is computed in float32 (float64 input is converted; values beyond
    float32's range are refused). X may be a SciPy sparse matrix or array of
    any format: it is converted to CSR once and each batch's rows are
    densified on their own, for training and prediction, so the fit is that
    of the dense copy with the same ``random_state``. When a batch's training loss becomes NaN
    or infinite, training stops with a ``ConvergenceWarning`` naming the
    epoch and the best weights so far are kept.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdl.nn import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     MLPClassifier((32,), learning_rate=0.01, max_epochs=50, random_state=0, device="cpu"),
    ... ).fit(X, y)
    >>> round(clf.score(X, y), 2)
    0.98
    >>> clf[-1].history_[-1, "epoch"], clf[-1].module_.dense0.out_features
    (50, 32)
    """

    _parameter_constraints = {
        **BaseNetClassifier._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        # local response normalisation ("lrn") needs image channels
        "normalization": [None, StrOptions({name for name in DENSE_NORMALIZATIONS if name is not None})],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()  # SkdlTags already: add to them (predict asks twice per call)
        tags.input_tags.sparse = True
        tags.xfail_checks = {**tags.xfail_checks, **_MLP_XFAIL}
        return tags

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        normalization=None,
        dropout=0.0,
        weight_init="he_uniform",
        optimizer="adam",
        learning_rate=None,
        weight_decay=0.0,
        lr_schedule="constant",
        batch_size=128,
        max_epochs=100,
        shuffle=True,
        gradient_clipping=None,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        class_weight=None,
        label_smoothing=0.0,
        device=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        module=None,
        callbacks=None,
        **kwargs,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.normalization = normalization
        self.dropout = dropout
        self.weight_init = weight_init
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.shuffle = shuffle
        self.gradient_clipping = gradient_clipping
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing
        self.n_jobs = n_jobs
        self.random_state = random_state
        self._init_net(
            module,
            optimizer=optimizer,
            learning_rate=learning_rate,
            max_epochs=max_epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            warm_start=warm_start,
            verbose=verbose,
            device=device,
            kwargs=kwargs,
        )

    def _hidden_sizes(self):
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if sizes.ndim != 1 or (sizes.size and not (np.issubdtype(sizes.dtype, np.integer) and sizes.min() > 0)):
            raise ValueError(f"hidden_layer_sizes must be positive integers; got {self.hidden_layer_sizes!r}.")
        return tuple(int(s) for s in sizes)

    def _check_hyperparameters(self):
        self._hidden_sizes()

    def _check_X(self, X, y, *, reset):
        """Validated float32 rows (and y when fitting); sparse X of any format becomes CSR."""
        options = {"dtype": [np.float64, np.float32], "accept_sparse": "csr", "reset": reset}
        if isinstance(y, str):  # prediction: sklearn's "no_validation"
            if _is_float_matrix(X) and not hasattr(self, "feature_names_in_"):
                return _as_float32(self._check_float_matrix(X)), None
            return _as_float32(validate_data(self, X, **options)), None
        X, y = validate_data(self, X, y, **options)
        return _as_float32(X), y

    def _check_float_matrix(self, X):
        """What ``validate_data(self, X, reset=False)`` checks of a 2-D float ndarray, with its messages.

        For single rows (the serving case) ``validate_data``'s dispatch over
        input types (dataframes, array namespaces, sparse formats, feature
        names) costs more than the network's forward pass; a plain NumPy
        matrix needs only its width and finiteness checked (no feature names
        to compare: the fit saw none, or this path is not taken).
        """
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        assert_all_finite(X, allow_nan=False, input_name="X", estimator_name=type(self).__name__)
        return X

    def _build_module(self):
        return MLP(
            self.n_features_in_,
            len(self.classes_),
            self._hidden_sizes(),
            self.activation,
            self.normalization,
            self.dropout,
        )


class CNNClassifier(BaseNetClassifier):
    """Convolutional network classifier trained with PyTorch through skorch.

    Takes images as an array of shape ``(n_samples, C, H, W)``, or as flat
    rows of ``C * H * W`` values together with ``input_shape=(C, H, W)`` (so
    it can follow any scikit-learn transformer in a ``Pipeline``). The
    network is a stack of ``depth`` blocks of the chosen ``architecture``,
    global average pooling, optional dropout and a linear layer with one
    logit per class. Otherwise it behaves as :class:`MLPClassifier`. See
    the :ref:`user guide <neural_networks>`.

    Parameters
    ----------
    architecture : {"lenet", "vgg", "resnet", "inception", "densenet", \
"alexnet"}, default="lenet"
        ``"alexnet"``: AlexNet's five convolutions (the third stage has
        ``depth + 1``), large early kernels shrunk with the image, 3x3
        max-pooling of stride 2 after the first, second and last, then two
        dense layers of ``16 *`` the last convolution's channels (with
        ``dropout`` before each; the paper used 0.5) and the output layer;
        images need at least 8x8 pixels; ``normalization="lrn"`` gives the
        paper's local response normalisation after the first two
        convolutions. ``"lenet"``: one 5x5 convolution per block; ``"vgg"``: two stacked
        3x3 convolutions per block; ``"resnet"``: residual blocks of two 3x3
        convolutions; ``"inception"``: 1x1 / 3x3 / 5x5 / pooling branches
        with 1x1 bottlenecks; ``"densenet"``: blocks of three 3x3
        convolutions each seeing all earlier outputs. Every block but the
        last halves the image while it is at least 2x2.

    width : int, default=16
        Channels of the first block; block ``i`` has ``width * 2**i``
        (densenet: each layer adds ``width`` channels).

    depth : int, default=2
        Number of blocks.

    se : bool, default=False
        Squeeze-and-excitation (channel gating) at the end of every block.

    input_shape : tuple of 3 int or None, default=None
        ``(C, H, W)`` of the images when X is given as flat rows. None: a
        4-D X gives its own shape and a 2-D X is read as ``n_features``
        channels of a 1x1 image (the convolutions then act as dense layers).

    augmentation : str or None, default=None
        Random changes applied to each training batch (never to prediction
        or validation): ``"flip"`` (left-right, with probability 1/2),
        ``"shift"`` (a random crop of the zero-padded image: shifts up to
        1/8 of its size), ``"noise"`` (Gaussian, 0.1 times the batch's
        standard deviation), or several joined by ``"+"``, e.g.
        ``"shift+noise"``. Drawn from ``random_state``.

    activation, normalization, dropout : see :class:`MLPClassifier`
        ``normalization`` defaults to ``"batch"`` here (batch normalisation
        after every convolution) and may also be ``"lrn"`` (local response
        normalisation across 5 neighbouring channels, Krizhevsky et al.,
        2012); ``dropout`` applies before the output layer (AlexNet: before
        each of its dense layers).

    weight_init, optimizer, learning_rate, weight_decay, lr_schedule : see :class:`MLPClassifier`

    batch_size, max_epochs, shuffle, gradient_clipping : see :class:`MLPClassifier`

    early_stopping, validation_fraction, patience : see :class:`MLPClassifier`

    class_weight, label_smoothing : see :class:`MLPClassifier`

    device, n_jobs, random_state, verbose, warm_start : see :class:`MLPClassifier`

    module, callbacks, **kwargs : see :class:`MLPClassifier`

    Attributes
    ----------
    input_shape_ : tuple of int
        ``(C, H, W)`` of the images the network takes.
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when X has string feature
        names.

    module_ : torch.nn.Module
        The trained network (its layers are named, see the user guide).

    history_ : skorch.History
        One row per epoch with ``epoch``, ``dur``, ``lr``, ``train_loss``
        and ``train_loss_best``; with ``early_stopping`` also ``valid_loss``,
        ``valid_loss_best``, ``valid_acc`` and ``valid_acc_best``. The
        weights kept by early stopping are those of the last epoch whose
        ``valid_loss_best`` is True.

    See Also
    --------
    MLPClassifier : Fully connected network for tabular data.

    Notes
    -----
    X is computed in float32. A 2-D X whose rows do not have ``C * H * W``
    values, or images of another shape than in fit, are a ValueError.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdl.nn import CNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = CNNClassifier(input_shape=(1, 8, 8), learning_rate=0.01, max_epochs=10,
    ...                     random_state=0, device="cpu")
    >>> clf.fit(X[:1000] / 16, y[:1000]).score(X[1000:] / 16, y[1000:]) > 0.95
    True
    >>> [name for name, _ in clf.module_.named_children()]
    ['block0', 'block1', 'pool', 'output']
    """

    _parameter_constraints = {
        **BaseNetClassifier._parameter_constraints,
        "architecture": [StrOptions(set(ARCHITECTURES))],
        "width": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 1, None, closed="left")],
        "se": ["boolean"],
        "input_shape": [None, tuple, list],
        "augmentation": [None, str],
    }

    def __init__(
        self,
        architecture="lenet",
        *,
        width=16,
        depth=2,
        se=False,
        input_shape=None,
        augmentation=None,
        activation="relu",
        normalization="batch",
        dropout=0.0,
        weight_init="he_uniform",
        optimizer="adam",
        learning_rate=None,
        weight_decay=0.0,
        lr_schedule="constant",
        batch_size=128,
        max_epochs=100,
        shuffle=True,
        gradient_clipping=None,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        class_weight=None,
        label_smoothing=0.0,
        device=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        module=None,
        callbacks=None,
        **kwargs,
    ):
        self.architecture = architecture
        self.width = width
        self.depth = depth
        self.se = se
        self.input_shape = input_shape
        self.augmentation = augmentation
        self.activation = activation
        self.normalization = normalization
        self.dropout = dropout
        self.weight_init = weight_init
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.shuffle = shuffle
        self.gradient_clipping = gradient_clipping
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing
        self.n_jobs = n_jobs
        self.random_state = random_state
        self._init_net(
            module,
            optimizer=optimizer,
            learning_rate=learning_rate,
            max_epochs=max_epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            warm_start=warm_start,
            verbose=verbose,
            device=device,
            kwargs=kwargs,
        )

    _training_only = BaseNetClassifier._training_only + ("_augmentations",)

    def _check_hyperparameters(self):
        # Parsed once per fit for train_step; dropped when training ends.
        self._augmentations = parse_augmentation(self.augmentation)

    def _declared_shape(self):
        if self.input_shape is None:
            return None
        return check_image_shape(self.input_shape, "input_shape")

    def _check_X(self, X, y, *, reset):
        """Validated float32 images ``(n, C, H, W)`` (and y when fitting)."""
        predicting = isinstance(y, str)
        if sp.issparse(X):
            raise TypeError(
                f"{type(self).__name__} takes dense images, but sparse data was passed for X "
                f"({type(X).__name__}). Pass a dense array: X.toarray() as flat rows with "
                "input_shape=(C, H, W), or images of shape (n_samples, C, H, W). "
                "MLPClassifier takes sparse matrices."
            )
        if not hasattr(X, "iloc") and not hasattr(X, "tocsr") and _ndim(X) == 4:
            # One validation (and at most one copy): the flat rows of the images' array.
            images = np.asarray(X)
            shape = images.shape[1:]
            rows = images.reshape(len(images), int(np.prod(shape)))
            out = validate_data(self, rows, y, dtype=[np.float64, np.float32], reset=reset)
            rows, y = (out, None) if predicting else out
            expected = self._declared_shape() if reset else self.input_shape_
            if expected is not None and shape != expected:
                source = "input_shape" if reset else "the images seen in fit"
                raise ValueError(
                    f"X has images of shape {shape}, but {type(self).__name__} expects {expected} (from {source})."
                )
        else:
            out = validate_data(self, X, y, dtype=[np.float64, np.float32], reset=reset)
            rows, y = (out, None) if predicting else out
            shape = self._declared_shape() if reset else self.input_shape_
            if shape is None:
                shape = (rows.shape[1], 1, 1)
        images = rows_as_images(_as_float32(rows), shape, "input_shape")
        if reset:
            self.input_shape_ = tuple(int(s) for s in shape)
        return images, y

    def _build_module(self):
        return CNN(
            self.input_shape_,
            len(self.classes_),
            self.architecture,
            self.width,
            self.depth,
            self.activation,
            self.normalization,
            self.dropout,
            self.se,
        )

    def train_step(self, batch, **fit_params):
        """skorch's training step, on the batch after ``augmentation``."""
        functions = vars(self).get("_augmentations")
        if functions is None:  # a train_step outside fit
            functions = parse_augmentation(self.augmentation)
        if functions:
            X, y = batch
            if self.device is not None:
                X = X.to(self.device)
            batch = (augment(X, functions, vars(self).get("_noise_generator")), y)
        return super().train_step(batch, **fit_params)
