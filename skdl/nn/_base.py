"""The skorch-based base class of skdl's network classifiers.

:class:`BaseNetClassifier` is skorch's ``NeuralNetClassifier`` with the
behaviour of a scikit-learn classifier: validated input of any label type
(``classes_``), float32 tensors from float64/float32/pandas input,
``sample_weight``, no internal validation split unless ``early_stopping``,
``device`` resolved by :mod:`skdl._device`, ``random_state`` seeding the
initialisation, the shuffling and the random layers through
:class:`torch.Generator` objects (never torch's global seed), and the
training toolbox as plain parameters that build skorch callbacks, an
optimizer with parameter groups and a preset module.

skorch's own constructor arguments still work: ``module`` (a torch module
of your own), ``callbacks``, and any ``module__*``, ``optimizer__*``,
``iterator_train__*``, ``callbacks__*`` ... keyword argument. The skorch
arguments whose job a skdl parameter does (``criterion``, ``train_split``,
``lr``, ``predict_nonlinearity``, ``classes``) are not parameters here.
"""

import copy
import math
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EpochTimer, GradientNormClipping, PassthroughScoring, PrintLog
from skorch.dataset import Dataset
from skorch.utils import to_tensor as skorch_to_tensor

from .._device import DEVICE_CONSTRAINT, chunk_size, resolve_device, torch_generator
from ..utils._sklearn_compat import Interval, StrOptions, _check_sample_weight, _fit_context
from ..utils._tags import with_xfail_checks
from ..utils._threads import torch_threads
from ..utils._validation import (
    check_binary_or_more_classes,
    check_fitted,
    class_weighted_sample_weight,
    unchanged_on_error,
)
from ._callbacks import EarlyStoppingRestoreBest, LRSchedule, NonFiniteLossGuard, ValidAccuracy
from ._data import BatchIterator, batch_bounds, batch_rows
from ._layers import WeightedCrossEntropy, noise_generator
from ._presets import (
    ACTIVATIONS,
    INITS,
    NORMALIZATIONS,
    OPTIMIZERS,
    SCHEDULES,
    decayed_parameters,
    init_weights,
    resolve_optimizer,
)

_CPU = torch.device("cpu")

# Rows per forward pass of the direct prediction path: a 1-thread CPU forward
# of an MLP is fastest at 1k-4k rows (larger batches leave the caches); the
# working_memory budget lowers it for wide inputs.
_PREDICT_BATCH_ROWS = 2048
# skorch methods the direct prediction path stands in for; one overridden by
# a subclass sends prediction through skorch.
_PREDICTION_HOOKS = ("forward_iter", "evaluation_step", "infer", "get_dataset", "get_iterator")

# skorch constructor arguments whose job a skdl parameter does.
_REPLACED = {
    "criterion": "class_weight and label_smoothing (the loss is a weighted cross-entropy)",
    "train_split": "early_stopping and validation_fraction",
    "lr": "learning_rate",
    "predict_nonlinearity": "predict_proba (the softmax of the logits)",
    "classes": "the labels of y (or partial_fit's classes)",
}
# skorch constructor arguments with skdl defaults (class attributes below);
# one becomes a parameter when it is passed.
_SKORCH_OPTIONAL = ("iterator_train", "iterator_valid", "dataset", "compile", "use_caching", "torch_load_kwargs")

_XFAIL = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_ (its "
        "bookkeeping of an uninitialised net, which its __setattr__ and set_params rely on)."
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "Mini-batch training in float32: repeating a row and doubling its weight give the "
        "same expected gradient but different batches and float32 sums, so the fits agree "
        "only approximately, not to rtol=1e-7. tests/nn/test_nn_classifiers.py checks the "
        "equivalence to a tolerance with full batches."
    ),
}


def _as_float32(X):
    """X in float32, refusing values float32 can not hold (they would become inf).

    A SciPy sparse X keeps its format; only its stored values are converted.
    """
    values = X.data if sp.issparse(X) else X
    if values.dtype != np.float32 and values.size:
        # max and -min: two passes without the temporary array of abs
        largest = max(float(values.max()), -float(values.min()))
        if largest > float(np.finfo(np.float32).max):
            raise ValueError(
                f"Input X has values up to {largest:.3g}, too large for dtype('float32'), "
                "in which the networks compute. Rescale X (e.g. with StandardScaler)."
            )
    if sp.issparse(X):
        return X.astype(np.float32, copy=False)
    return np.require(X, dtype=np.float32, requirements=["C", "W"])


class BaseNetClassifier(NeuralNetClassifier):
    """skorch's NeuralNetClassifier as a scikit-learn classifier; see the module docstring.

    Subclasses define ``__init__`` (calling :meth:`_init_net`),
    ``_check_X(X, y, reset)`` and ``_build_module()``.
    """

    # skorch arguments skdl sets itself: class attributes, not parameters.
    criterion = WeightedCrossEntropy
    train_split = None
    predict_nonlinearity = None
    classes = None
    # skorch arguments with skdl defaults.
    iterator_train = BatchIterator
    iterator_valid = BatchIterator
    dataset = Dataset
    compile = False
    use_caching = "auto"
    torch_load_kwargs = None
    # Attributes that live only while fit trains (set by fit, dropped after).
    _training_only = ("_valid_dataset",)

    _parameter_constraints = {
        "activation": [StrOptions(set(ACTIVATIONS))],
        "normalization": [None, StrOptions({name for name in NORMALIZATIONS if name is not None})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "weight_init": [StrOptions(set(INITS))],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "learning_rate": [None, Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions(set(SCHEDULES))],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "gradient_clipping": [None, Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [None, dict, StrOptions({"balanced"})],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "device": DEVICE_CONSTRAINT,
        "n_jobs": [None, Interval(Integral, None, -1, closed="right"), Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "module": [None, callable, torch.nn.Module],
        "callbacks": [None, list, StrOptions({"disable"})],
    }

    # ------------------------------------------------------------ construction

    def _init_net(
        self,
        module,
        *,
        optimizer,
        learning_rate,
        max_epochs,
        batch_size,
        callbacks,
        warm_start,
        verbose,
        device,
        kwargs,
    ):
        """Hand skorch its arguments; keep only the ones that are parameters here."""
        replaced = sorted(set(kwargs) & set(_REPLACED))
        if replaced:
            raise TypeError(
                f"{type(self).__name__} does not take skorch's "
                + "; ".join(f"{name!r} (use {_REPLACED[name]})" for name in replaced)
                + "."
            )
        NeuralNetClassifier.__init__(
            self,
            module,
            criterion=WeightedCrossEntropy,
            train_split=None,
            classes=None,
            predict_nonlinearity=None,
            optimizer=optimizer,
            lr=learning_rate,
            max_epochs=max_epochs,
            batch_size=batch_size,
            callbacks=callbacks,
            warm_start=warm_start,
            verbose=verbose,
            device=device,
            **kwargs,
        )
        state = vars(self)
        for name in ("criterion", "train_split", "classes", "predict_nonlinearity"):
            state.pop(name)
        for name in _SKORCH_OPTIONAL:
            if name not in kwargs:
                state.pop(name)

    @property
    def lr(self):
        """The learning rate (``learning_rate``, or the optimizer's default when None)."""
        try:
            return resolve_optimizer(self.optimizer, self.learning_rate)[2]
        except ValueError:
            return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = value

    def _get_param_names(self):
        # skorch lists every attribute of the instance; private ones are not parameters.
        return sorted(k for k in vars(self) if not k.endswith("_") and not k.startswith("_"))

    __repr__ = BaseEstimator.__repr__

    def set_params(self, **params):
        """Set the parameters of this estimator (skorch's set_params).

        Before the net is initialised, ``callbacks`` is stored like any
        parameter and checked at ``fit`` (skorch would build the callbacks
        at once and fail on a bad value here).

        Parameters
        ----------
        **params : dict
            Estimator parameters, including skorch's prefixed ones.

        Returns
        -------
        self : estimator instance
        """
        if "callbacks" in params and not self.initialized_:
            vars(self)["callbacks"] = params.pop("callbacks")
        return super().set_params(**params)

    def _validate_params(self):
        # sklearn's constraint validation, then skorch's check of prefixed
        # arguments (which needs the initialised net's module/optimizer names).
        BaseEstimator._validate_params(self)
        if self.initialized_:
            NeuralNetClassifier._validate_params(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_label = False
        return with_xfail_checks(tags, _XFAIL)

    def __sklearn_is_fitted__(self):
        return "_classes" in vars(self) and bool(self.initialized_)

    @property
    def classes_(self):
        """ndarray of shape (n_classes,): the class labels seen in fit."""
        try:
            return vars(self)["_classes"]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} is not fitted: it has no classes_.") from None

    # ---------------------------------------------------------------- devices

    @contextmanager
    def _device_scope(self, *, training):
        # torch's CPU threads: n_jobs (None: 1, -1: all cores), restored after.
        with self._on_device(training=training) as device:
            with torch_threads(device, effective_n_jobs(self.n_jobs)):
                yield device

    @contextmanager
    def _on_device(self, *, training):
        """Compute on the resolved ``device`` inside the block.

        skorch reads ``self.device`` as a torch device; the parameter may be
        "auto" or None, so the resolved device stands in for it inside the
        block and the parameter comes back unchanged. Prediction falls back
        to the CPU (with a warning) when the requested GPU is not there.
        """
        accelerator = vars(self).get("accelerator")
        if accelerator is not None:
            # skorch's AccelerateMixin: Accelerate places the module and the
            # batches itself, and skorch must see device=None.
            yield accelerator.device
            return
        requested = vars(self)["device"]
        device = resolve_device(requested, fallback_to_cpu=not training)
        vars(self)["device"] = device
        try:
            module = vars(self).get("module_")
            if module is not None:
                current = next((p.device for p in module.parameters()), device)
                if current != device:
                    module.to(device)
                    if training:  # the optimizer's state lives with the parameters
                        self._initialize_optimizer()
            yield device
        finally:
            vars(self)["device"] = requested

    def __getstate__(self):
        state = super().__getstate__()
        for name in ("_init_generator", "_shuffle_generator", "_noise_generator"):
            state.pop(name, None)  # device-bound; new ones come from random_state
        return state

    def __setstate__(self, state):
        requested = state["device"]
        # Map the tensors to where this process computes (the CPU without a GPU).
        state["device"] = resolve_device(requested, fallback_to_cpu=True)
        super().__setstate__(state)
        vars(self)["device"] = requested

    # ------------------------------------------------------- skorch overrides

    def initialize_module(self):
        """Build the preset module (or the user's) and draw its weights from ``random_state``."""
        kwargs = self.get_params_for("module")
        if self.module is None:
            if kwargs:
                raise ValueError(
                    f"module__* arguments ({', '.join(sorted(kwargs))}) configure a module you "
                    "pass as module=...; the preset network is set by the estimator's parameters."
                )
            if "_classes" not in vars(self):
                raise ValueError(f"{type(self).__name__} builds its network from the data: call fit.")
            with torch.random.fork_rng(devices=[]):  # torch's own init must not move the global stream
                module = self._build_module()
            init_weights(module, self.weight_init, self._init_generator)
        else:
            with torch.random.fork_rng(devices=[]):  # nor the default init of the user's module class
                module = self.initialized_instance(self.module, kwargs)
            if module is not self.module:  # built here: draw its weights too
                init_weights(module, self.weight_init, self._init_generator)
        self.module_ = module
        return self

    def initialize_criterion(self):
        self.criterion_ = WeightedCrossEntropy(label_smoothing=self.label_smoothing)
        return self

    def initialize_optimizer(self, triggered_directly=None):
        """The optimizer of ``optimizer``, with weight decay on weights only.

        skorch's ``optimizer__*`` arguments (including ``param_groups``)
        apply; the parameters not in a user group are split into the
        weights of Linear/Conv layers (decayed by ``weight_decay``) and the
        rest: biases, normalisation parameters, PReLU slopes (not decayed).
        """
        cls, options, _ = resolve_optimizer(self.optimizer, self.learning_rate)
        (groups,), kwargs = self.get_params_for_optimizer("optimizer", self.get_all_learnable_params())
        decayed = {id(p) for p in decayed_parameters(self.module_)}
        split = []
        for group in groups:
            if "weight_decay" in group or not self.weight_decay:  # the user's group, or no decay
                split.append(group)
                continue
            weights = [p for p in group["params"] if id(p) in decayed]
            others = [p for p in group["params"] if id(p) not in decayed]
            if weights:
                split.append({**group, "params": weights, "weight_decay": self.weight_decay})
            if others:
                split.append({**group, "params": others, "weight_decay": 0.0})
        if isinstance(self.optimizer, str):  # AdamW's own default would decay with weight_decay=0
            options["weight_decay"] = 0.0
        self.optimizer_ = cls(split, **{**options, **kwargs})
        return self

    @property
    def _default_callbacks(self):
        callbacks = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_acc", ValidAccuracy()),
            ("lr_schedule", LRSchedule(self.lr_schedule)),
        ]
        if self.gradient_clipping is not None:
            callbacks.append(("gradient_clipping", GradientNormClipping(self.gradient_clipping)))
        # (no truth test of a parameter that set_params may have made an array)
        if isinstance(self.early_stopping, (bool, np.bool_)) and self.early_stopping:
            callbacks.append(("early_stopping", EarlyStoppingRestoreBest(self.patience)))
        callbacks += [("nonfinite_guard", NonFiniteLossGuard()), ("print_log", PrintLog())]
        return callbacks

    def _set_training(self, training=True):
        # skorch sets the mode of every module at every batch; walking the
        # module tree costs more than a small network's step, so only a
        # module whose mode differs is switched.
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    def check_data(self, X, y):
        """Nothing to check: ``fit`` validated the data."""

    def get_split_datasets(self, X, y=None, **fit_params):
        """The training dataset and the validation split ``fit`` made (None without early stopping)."""
        return self.get_dataset(X, y), vars(self).get("_valid_dataset")

    def get_iterator(self, dataset, training=False):
        """skorch's iterator, shuffling training batches with the net's generator."""
        if training:
            kwargs, iterator = self.get_params_for("iterator_train"), self.iterator_train
            kwargs.setdefault("shuffle", self.shuffle)
            if kwargs["shuffle"]:
                kwargs.setdefault("generator", vars(self).get("_shuffle_generator"))
        else:
            kwargs, iterator = self.get_params_for("iterator_valid"), self.iterator_valid
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return iterator(dataset, **kwargs)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The weighted cross-entropy of the logits ``y_pred``."""
        if isinstance(y_true, dict):
            labels, weight = y_true["y"], y_true["w"]
        else:
            labels, weight = y_true, None
        labels = skorch_to_tensor(labels, device=self.device)
        if weight is not None:
            weight = skorch_to_tensor(weight, device=self.device)
        return self.criterion_(y_pred, labels, weight)

    def _get_predict_nonlinearity(self):
        return lambda logits: torch.softmax(logits, dim=-1)

    # -------------------------------------------------------------- training

    def _check_labels(self, y, classes, *, reset, incremental):
        """``(classes_, y encoded as 0..K-1)``; checks the labels against the known classes."""
        check_classification_targets(y)
        present = np.unique(y)
        if reset:
            known = present if classes is None else np.unique(np.asarray(classes))
        else:
            known = self.classes_
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), known):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()} is not the same as the classes of "
                    f"the first call to partial_fit ({known.tolist()})."
                )
        unseen = np.setdiff1d(present, known)
        if unseen.size:
            what = "the classes given to partial_fit" if incremental else "the classes seen in the first fit"
            raise ValueError(f"y has labels {unseen.tolist()} that are not among {what}: {known.tolist()}.")
        check_binary_or_more_classes(known)
        return known, np.searchsorted(known, y)

    def _sample_weights(self, X, y, classes, sample_weight, *, incremental):
        """Per-sample weights (sample times class weight) scaled to mean 1; None when all equal."""
        if sample_weight is None and self.class_weight is None:
            return None
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        weights = class_weighted_sample_weight(self.class_weight, classes, y, weights)
        if not weights.sum() > 0:
            raise ValueError("The sample weights (times the class weights) sum to zero.")
        if not incremental and np.unique(y[weights > 0]).size < 2:
            raise ValueError(
                "Only one class has a positive sample weight (times its class weight); "
                "a classifier needs samples of at least 2 classes."
            )
        weights = weights / weights.mean()
        # Equal weights are no weights (the same loss, computed the same way).
        return None if np.all(weights == 1.0) else weights.astype(np.float32)

    def _split(self, X, y, weights, rng, *, validate):
        """Training and validation datasets; the validation split only when ``validate``."""
        seed = rng.randint(np.iinfo(np.int32).max)
        target = {"y": y, "w": weights} if weights is not None else y
        if not validate:
            return Dataset(X, target), None
        n = len(y)
        n_valid = max(1, int(np.ceil(self.validation_fraction * n)))
        if n_valid >= n:
            raise ValueError(
                f"early_stopping needs at least 2 samples; validation_fraction="
                f"{self.validation_fraction} of {n} leaves none to train on."
            )
        counts = np.bincount(y)
        stratify = y if counts[counts > 0].min() >= 2 and n_valid >= np.count_nonzero(counts) else None
        train, valid = train_test_split(np.arange(n), test_size=n_valid, stratify=stratify, random_state=seed)

        def part(rows):
            return Dataset(X[rows], {"y": y[rows], "w": weights[rows]} if weights is not None else y[rows])

        return part(train), part(valid)

    def _fit(self, X, y, sample_weight, *, incremental, classes=None):
        fitted = self.__sklearn_is_fitted__()
        fresh = not fitted or not (incremental or self.warm_start)
        with unchanged_on_error(self):
            X, y = self._check_X(X, y, reset=fresh)
            classes_, y_encoded = self._check_labels(y, classes, reset=fresh, incremental=incremental)
            weights = self._sample_weights(X, y, classes_, sample_weight, incremental=incremental)
            self._check_hyperparameters()
            self._classes = classes_
            rng = check_random_state(self.random_state)
            with self._device_scope(training=True) as device:
                init_generator = torch_generator(rng, _CPU)
                shuffle_generator = torch_generator(rng, _CPU)
                noise = torch_generator(rng, device)
                old_noise = vars(self).get("_noise_generator")
                if fresh or not incremental or old_noise is None or old_noise.device != device:
                    self._shuffle_generator, self._noise_generator = shuffle_generator, noise
                train, valid = self._split(X, y_encoded, weights, rng, validate=self.early_stopping and not incremental)
                # What training changes in place (the old module and optimizer
                # when training continues, the old History) is restored if it fails.
                with self._restored_on_error(fitted and not fresh):
                    if fresh:
                        self._init_generator = init_generator
                        # skorch clears an existing History in place: build a new one.
                        vars(self)["history_"] = None
                        self.initialize()
                        self._schedule_origin = 0
                    elif not incremental:
                        self._schedule_origin = len(self.history)
                    self._valid_dataset = valid
                    try:
                        with noise_generator(self._noise_generator):
                            NeuralNet.partial_fit(self, train, None, epochs=1 if incremental else self.max_epochs)
                    finally:
                        for name in self._training_only:
                            vars(self).pop(name, None)
        return self

    @contextmanager
    def _restored_on_error(self, active):
        """Put back what training changed in place if the block raises.

        ``unchanged_on_error`` restores the attributes (references); this
        restores the contents of the objects training changes in place when
        it continues from the fitted network (``active``): the module's and
        optimizer's states, the history and the random generators.
        """
        if not active:
            yield
            return
        state = vars(self)
        module, optimizer, history = state["module_"], state["optimizer_"], state["history_"]
        module_state = {key: value.detach().clone() for key, value in module.state_dict().items()}
        optimizer_state = copy.deepcopy(optimizer.state_dict())
        n_epochs, last_epoch = len(history), copy.deepcopy(history[-1]) if len(history) else None
        generators = [
            (state[name], state[name].get_state())
            for name in ("_shuffle_generator", "_noise_generator")
            if state.get(name) is not None
        ]
        try:
            yield
        except BaseException:
            module.load_state_dict(module_state)
            optimizer.load_state_dict(optimizer_state)
            del history[n_epochs:]
            if last_epoch is not None:
                history[-1] = last_epoch
            for generator, generator_state in generators:
                generator.set_state(generator_state)
            raise

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network for ``max_epochs`` epochs.

        The weights are drawn anew (from ``random_state``) unless
        ``warm_start=True`` and the network is already fitted, in which case
        training continues from the current weights (the learning-rate
        schedule starts again).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; see the class docstring for the accepted shapes.
        y : array-like of shape (n_samples,)
            Class labels, of any type.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss (multiplied by its
            class weight, then scaled to mean 1).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train one epoch over ``(X, y)``, continuing from the current weights.

        The first call initialises the network (as ``fit``); later calls
        continue its training, with the learning-rate schedule going on
        from where it was. Early stopping does not apply (no validation
        split is made).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; see the class docstring for the accepted shapes.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All the classes, needed on the first call when ``y`` does not
            hold every class; later calls must give the same or None.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss.

        Returns
        -------
        self : object
            The estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _check_hyperparameters(self):
        """Checks of parameter values the constraints can not express (subclasses add theirs)."""

    # ------------------------------------------------------------ prediction

    def predict_proba(self, X):
        """Class probabilities: the softmax of the network's logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            See the class docstring for the accepted shapes.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; float64 rows summing to 1.
        """
        check_fitted(self, self.__sklearn_is_fitted__())
        X, _ = self._check_X(X, "no_validation", reset=False)
        if self._predicts_directly():
            proba = self._direct_proba(X)
        else:
            with self._device_scope(training=False):
                proba = NeuralNet.predict_proba(self, X)
        proba = proba.astype(np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def _predicts_directly(self):
        """Whether prediction may run the module itself rather than through skorch.

        skorch's route (a Dataset, an iterator of ``batch_size`` rows,
        ``evaluation_step`` and ``infer`` per batch) gives the same numbers;
        it is kept for what only it serves: Accelerate, a custom
        ``iterator_valid`` or ``dataset``, and subclasses that override its
        steps.
        """
        if vars(self).get("accelerator") is not None:
            return False
        if self.iterator_valid is not BatchIterator or self.dataset is not Dataset:
            return False
        cls = type(self)
        return all(getattr(cls, name) is getattr(BaseNetClassifier, name) for name in _PREDICTION_HOOKS)

    def _direct_proba(self, X):
        """Softmax of the module's logits on validated float32 ``X`` (array or CSR), in float32.

        The fixed costs of a call are a handful of microseconds: no dataset
        or iterator objects, one forward pass per batch of up to
        ``_PREDICT_BATCH_ROWS`` rows under :func:`torch.inference_mode`.
        The batches follow skorch's rule (a last batch of one row joins the
        one before), and a batch of two or more rows gives each row the
        result it gets in any other such batch, so the probabilities are
        those of skorch's route bit for bit; a sparse X is densified one
        batch at a time.
        """
        n = X.shape[0]
        size = 1 if n == 1 else min(_PREDICT_BATCH_ROWS, chunk_size(self._prediction_row_bytes(X), n))
        n_threads = 1 if self.n_jobs is None else effective_n_jobs(self.n_jobs)
        if not sp.issparse(X):
            X = torch.from_numpy(X)
        parts = []
        with self._on_device(training=False) as device, torch_threads(device, n_threads):
            self._set_training(False)
            with torch.inference_mode():
                for start, stop in batch_bounds(n, size):
                    logits = self.module_(batch_rows(X, slice(start, stop)).to(device))
                    if isinstance(logits, tuple):  # skorch's rule: the first output is the prediction
                        logits = logits[0]
                    parts.append(torch.softmax(logits, dim=-1).cpu().numpy())
        if not parts:
            return np.empty((0, len(self.classes_)), dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _prediction_row_bytes(self, X):
        """Bytes of one row's float32 input and dense-layer outputs (the working_memory estimate)."""
        widths = sum(getattr(layer, "out_features", 0) for layer in self.module_.modules())
        return 4 * (math.prod(X.shape[1:]) + widths)

    def predict(self, X):
        """Predict class labels: the class of largest probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            See the class docstring for the accepted shapes.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
