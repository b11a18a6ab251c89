"""Training diagnostics read from a network's history.

A skorch network records one entry per epoch in ``net.history_``: the
training loss ``train_loss`` and, when it holds out a validation split,
``valid_loss``, ``valid_acc`` and ``valid_loss_best`` (True at each epoch that
improved the validation loss). Early stopping that restores the best weights
(skorch's ``EarlyStopping(load_best=True)``, skdl's networks with
``early_stopping=True``) keeps those of the last epoch with
``valid_loss_best`` True.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch
from skorch import NeuralNet

from ..nn._callbacks import EarlyStoppingRestoreBest
from ..utils._sklearn_compat import Interval, validate_params
from ._net import check_net

# A fitted network, or its history: a skorch History (a list) or a list of dicts.
NET_OR_HISTORY = [NeuralNet, list]


def history_of(net):
    """The per-epoch history of a fitted net, or the history given directly.

    Parameters
    ----------
    net : fitted skorch network, skorch History or list of dict

    Returns
    -------
    history : list of dict
        At least one epoch.
    """
    if isinstance(net, NeuralNet):
        check_net(net)
        history = getattr(net, "history_", None)
        if history is None:
            history = net.history
    else:
        history = net
        odd = next((epoch for epoch in history if not isinstance(epoch, dict)), None)
        if odd is not None:
            raise TypeError(
                "net must be a fitted skorch network or its history (a skorch History, "
                f"a list of per-epoch dicts); got a list holding a {type(odd).__name__}."
            )
    if len(history) == 0:
        raise NotFittedError("The history is empty: the network has not been trained yet.")
    if any("train_loss" not in epoch for epoch in history):
        raise ValueError("Every epoch of the history must record 'train_loss'.")
    return history


def _curve(history, key):
    """One per-epoch series as floats, or None when no epoch records it."""
    if not any(key in epoch for epoch in history):
        return None
    return np.array([epoch.get(key, np.nan) for epoch in history], dtype=np.float64)


def _restores_best(callback):
    """True for an early-stopping callback that restores the best epoch's weights."""
    if getattr(callback, "load_best", False):  # skorch.callbacks.EarlyStopping(load_best=True)
        return True
    return isinstance(callback, EarlyStoppingRestoreBest)


def learning_curves(net):
    """The per-epoch curves of a history and the epoch whose weights were kept.

    Parameters
    ----------
    net : fitted skorch network, skorch History or list of dict

    Returns
    -------
    curves : Bunch
        ``epoch`` (numbers as recorded, else 1, 2, ...), ``train_loss``,
        ``valid_loss``, ``train_acc``, ``valid_acc`` (None when not recorded),
        ``best_index`` and ``best_epoch`` (the last epoch with
        ``valid_loss_best`` True, else the first minimum of ``valid_loss``;
        None without validation) and ``restored`` (True when the net's early
        stopping restores the best weights).
    """
    history = history_of(net)
    epochs = _curve(history, "epoch")
    if epochs is None or np.isnan(epochs).any():
        epochs = np.arange(1, len(history) + 1, dtype=np.float64)
    valid_loss = _curve(history, "valid_loss")
    best_index = None
    if valid_loss is not None:
        flags = [bool(epoch.get("valid_loss_best", False)) for epoch in history]
        if any(flags):
            best_index = len(flags) - 1 - flags[::-1].index(True)
        elif not np.isnan(valid_loss).all():
            best_index = int(np.nanargmin(valid_loss))
    restored = isinstance(net, NeuralNet) and any(
        _restores_best(callback) for _, callback in getattr(net, "callbacks_", None) or []
    )
    return Bunch(
        epoch=epochs.astype(int),
        train_loss=_curve(history, "train_loss"),
        valid_loss=valid_loss,
        train_acc=_curve(history, "train_acc"),
        valid_acc=_curve(history, "valid_acc"),
        best_index=best_index,
        best_epoch=None if best_index is None else int(epochs[best_index]),
        restored=restored,
    )


def _relative(change, reference):
    return change / max(abs(reference), np.finfo(np.float64).tiny)


_FRACTION = [Interval(Real, 0, None, closed="left")]


@validate_params(
    {
        "net": NET_OR_HISTORY,
        "overfit_rise": _FRACTION,
        "underfit_drop": _FRACTION,
        "min_train_drop": _FRACTION,
        "window": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def diagnose_fit(net, *, overfit_rise=0.10, underfit_drop=0.05, min_train_drop=0.25, window=5):
    """Label a training run as under-fitting, over-fitting or fine.

    The label is read from the loss curves of the history, in this order:

    1. **over-fitting** if the validation loss at the last epoch is more than
       ``overfit_rise`` (relative) above its best value while the training
       loss kept falling after the best epoch: the network learns the training
       set at the expense of new data.
    2. **under-fitting** if the validation loss still fell by more than
       ``underfit_drop`` (relative) over the last ``window`` epochs: training
       stopped before the curves flattened.
    3. **under-fitting** if the training loss at the last epoch is less than
       ``min_train_drop`` (relative) below that of the first epoch: the network
       barely fits even its training data. A loss that is not finite
       (diverged) counts here too.
    4. **fine** otherwise.

    These are heuristics on two curves; a small, noisy validation split can
    move the validation loss by more than ``overfit_rise`` by chance, and a
    task whose best achievable loss is high (noisy labels) can look like
    under-fitting. The quantities behind the label are returned so they can
    be judged. See the :ref:`inspection` user guide.

    Parameters
    ----------
    net : fitted skorch network, skorch History or list of dict
        A network fitted with a validation split (its history records
        ``valid_loss``), or such a history.
    overfit_rise : float, default=0.10
        Relative rise of the validation loss above its minimum that counts as
        over-fitting.
    underfit_drop : float, default=0.05
        Relative fall of the validation loss over the last ``window`` epochs
        that counts as still learning.
    min_train_drop : float, default=0.25
        Smallest relative fall of the training loss from the first epoch to
        the last for a network that fits its training data.
    window : int, default=5
        Number of final epochs over which ``underfit_drop`` is measured
        (fewer when the run is shorter).

    Returns
    -------
    diagnosis : Bunch
        ``label`` (``"under-fitting"``, ``"over-fitting"`` or ``"fine"``),
        ``reason`` (a sentence), ``best_epoch``, ``n_epochs`` and the three
        quantities compared with the thresholds: ``valid_rise``,
        ``recent_drop`` and ``train_drop``.

    Raises
    ------
    InvalidParameterError
        If a parameter has the wrong type or is out of its range
        (scikit-learn's error, both a ``ValueError`` and a ``TypeError``).
    NotFittedError
        If the network is not fitted or its history is empty.
    ValueError
        If the history records no validation loss (or an epoch no
        ``train_loss``).

    See Also
    --------
    plot_learning_curves : Draw the curves with the kept epoch marked.

    Examples
    --------
    >>> from skorch.history import History
    >>> history = History()
    >>> for epoch, (train, valid) in enumerate(
    ...         [(1.0, 0.9), (0.6, 0.5), (0.3, 0.4), (0.1, 0.5), (0.05, 0.7)], start=1):
    ...     history.new_epoch()
    ...     history.record("epoch", epoch)
    ...     history.record("train_loss", train)
    ...     history.record("valid_loss", valid)
    ...     history.record("valid_loss_best", epoch <= 3)
    >>> diagnosis = diagnose_fit(history)
    >>> diagnosis.label, diagnosis.best_epoch, round(diagnosis.valid_rise, 2)
    ('over-fitting', 3, 0.75)
    """
    return _diagnose(
        learning_curves(net),
        overfit_rise=overfit_rise,
        underfit_drop=underfit_drop,
        min_train_drop=min_train_drop,
        window=window,
    )


def _diagnose(curves, *, overfit_rise=0.10, underfit_drop=0.05, min_train_drop=0.25, window=5):
    """:func:`diagnose_fit` on curves already computed by :func:`learning_curves` (thresholds checked)."""
    if curves.valid_loss is None or curves.best_index is None:
        raise ValueError(
            "diagnose_fit needs validation losses ('valid_loss' in the history); "
            "fit the network with a validation split (train_split)."
        )
    train, valid, best = curves.train_loss, curves.valid_loss, curves.best_index
    n_epochs = len(train)
    last = n_epochs - 1
    start = max(0, last - window)
    valid_rise = _relative(valid[last] - valid[best], valid[best])
    recent_drop = _relative(valid[start] - valid[last], valid[start])
    train_drop = _relative(train[0] - train[last], train[0])
    finite = np.isfinite([train[last], valid[last], train[0], valid[start]]).all()
    if finite and valid_rise > overfit_rise and train[last] < train[best]:
        label = "over-fitting"
        reason = (
            f"the validation loss ended {valid_rise:.0%} above its minimum (epoch "
            f"{curves.best_epoch}) while the training loss kept falling"
        )
    elif finite and recent_drop > underfit_drop:
        label = "under-fitting"
        reason = (
            f"the validation loss still fell {recent_drop:.0%} over the last "
            f"{last - start} epoch(s): training stopped before the curves flattened"
        )
    elif not finite or train_drop < min_train_drop:
        label = "under-fitting"
        reason = (
            "the loss is not finite: training diverged"
            if not finite
            else f"the training loss fell only {train_drop:.0%} from the first epoch: "
            "the network barely fits its training data"
        )
    else:
        label = "fine"
        reason = (
            f"the validation loss ended within {overfit_rise:.0%} of its minimum and "
            "had flattened, and the training loss fell well below its start"
        )
    return Bunch(
        label=label,
        reason=reason,
        best_epoch=curves.best_epoch,
        n_epochs=n_epochs,
        valid_rise=float(valid_rise),
        recent_drop=float(recent_drop),
        train_drop=float(train_drop),
    )
