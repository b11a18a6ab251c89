"""skorch callbacks for the training toolbox of skdl's networks.

Each feature is a callback hooked into skorch's training loop (as skorch's
own ``EarlyStopping`` or ``GradientNormClipping``), not a flag inside it:

- :class:`LRSchedule`: sets the learning rate of every optimisation step
  from a schedule of :data:`skdl.nn._presets.SCHEDULES`; records ``lr``.
- :class:`ValidAccuracy`: ``valid_acc`` (and ``valid_acc_best``) from the
  validation batches' logits, without a second forward pass.
- :class:`EarlyStoppingRestoreBest`: stops after ``patience`` epochs without
  a new best ``valid_loss`` and restores the weights of the best epoch
  (the last epoch whose ``valid_loss_best`` is True).
- :class:`NonFiniteLossGuard`: stops training when a training batch's loss
  is NaN or infinite, restores the best weights seen so far and warns,
  naming the epoch.

Gradient clipping is skorch's own ``GradientNormClipping``.
"""

import math
import warnings

from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback
from skorch.dataset import unpack_data

from ._presets import schedule_factor


def _snapshot(module):
    """A detached copy of the module's state (parameters and buffers)."""
    return {key: value.detach().clone() for key, value in module.state_dict().items()}


def _labels(y):
    """The class labels of a batch target (a tensor, or skdl's {"y", "w"} dict)."""
    return y["y"] if isinstance(y, dict) else y


class LRSchedule(Callback):
    """Set the learning rate of each training step from a named schedule.

    The factor of step ``t`` of ``T = max_epochs * batches per epoch`` steps
    multiplies each parameter group's initial learning rate. The schedule
    starts again at each ``fit``; successive ``partial_fit`` calls continue
    it (``net._schedule_origin`` is the epoch it started at) and after ``T``
    steps it keeps its last value.

    Parameters
    ----------
    schedule : str
        A name of :data:`~skdl.nn._presets.SCHEDULES`.
    """

    def __init__(self, schedule="constant"):
        self.schedule = schedule

    def initialize(self):
        self.base_lrs_ = None
        self.n_batches_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.n_batches_ = None
        if self.base_lrs_ is None:
            self.base_lrs_ = [group.get("initial_lr", group["lr"]) for group in net.optimizer_.param_groups]
            for group, lr in zip(net.optimizer_.param_groups, self.base_lrs_):
                group["initial_lr"] = lr

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if self.n_batches_ is None:
            # The training iterator's own count (iterator_train__batch_size,
            # a DataLoader for other datasets), taken once per training run.
            self.n_batches_ = len(net.get_iterator(dataset_train, training=True))
        self.epoch_ = len(net.history) - 1 - vars(net).get("_schedule_origin", 0)
        self.batch_ = 0
        self._apply(net)
        net.history.record("lr", net.optimizer_.param_groups[0]["lr"])

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training and self.schedule != "constant":
            self._apply(net)
            self.batch_ += 1

    def _apply(self, net):
        total = net.max_epochs * self.n_batches_
        step = self.epoch_ * self.n_batches_ + self.batch_
        factor = schedule_factor(self.schedule, step, total)
        for group, lr in zip(net.optimizer_.param_groups, self.base_lrs_):
            group["lr"] = lr * factor


class ValidAccuracy(Callback):
    """Record ``valid_acc`` (accuracy on the validation split) and ``valid_acc_best``.

    Computed from the logits of the validation batches skorch already ran
    (no second forward pass); nothing is recorded without validation data.
    """

    def initialize(self):
        self.best_ = -math.inf
        self.correct_, self.seen_ = 0, 0
        return self

    def on_epoch_begin(self, net, **kwargs):
        self.correct_, self.seen_ = 0, 0

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if training:
            return
        labels = _labels(unpack_data(batch)[1]).to(y_pred.device)
        self.correct_ += int((y_pred.argmax(dim=1) == labels).sum())
        self.seen_ += len(labels)

    def on_epoch_end(self, net, **kwargs):
        if not self.seen_:
            return
        accuracy = self.correct_ / self.seen_
        net.history.record("valid_acc", accuracy)
        net.history.record("valid_acc_best", accuracy > self.best_)
        self.best_ = max(self.best_, accuracy)


class EarlyStoppingRestoreBest(Callback):
    """Stop when ``valid_loss`` has not improved for ``patience`` epochs; keep the best weights.

    The best epoch is the last one skorch marked ``valid_loss_best`` (a
    strictly lower validation loss than all earlier epochs). At the end of
    training its weights (parameters and buffers) are restored, so the
    fitted network is the one of that epoch. Epochs without a validation
    loss (``partial_fit``) are ignored.

    Parameters
    ----------
    patience : int, default=10
        Epochs without improvement before stopping.
    sink : callable, default=print
        Receives the stopping message when the net is verbose.
    """

    def __init__(self, patience=10, sink=print):
        self.patience = patience
        self.sink = sink

    def initialize(self):
        self.best_weights_ = None
        self.best_epoch_ = None
        self.misses_ = 0
        return self

    def on_train_begin(self, net, **kwargs):
        self.misses_ = 0
        if self.best_weights_ is not None:  # warm start: the current weights are the best so far
            self.best_weights_ = _snapshot(net.module_)

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        if "valid_loss_best" not in row:
            return
        if row["valid_loss_best"]:
            self.best_weights_ = _snapshot(net.module_)
            self.best_epoch_ = row["epoch"]
            self.misses_ = 0
            return
        self.misses_ += 1
        if self.misses_ >= self.patience:
            if net.verbose:
                self.sink(
                    f"Stopping: valid_loss has not improved for {self.patience} epochs; "
                    f"restoring the weights of epoch {self.best_epoch_}."
                )
            raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        if self.best_weights_ is not None and self.best_epoch_ != net.history[-1, "epoch"]:
            net.module_.load_state_dict(self.best_weights_)


class NonFiniteLossGuard(Callback):
    """Stop training at a NaN or infinite training loss and keep the best weights so far.

    Snapshots the weights at the start of training and after every epoch
    that improves on the best loss so far (``valid_loss`` when there is a
    validation split, else ``train_loss``). When a training batch's loss is
    not finite, it restores that snapshot, clears the optimizer's state,
    records the epoch's ``train_loss`` as NaN, warns with a
    :class:`~sklearn.exceptions.ConvergenceWarning` naming the epoch and
    stops training (the fit returns normally).
    """

    def initialize(self):
        self.best_weights_ = None
        self.best_epoch_ = None
        return self

    def on_train_begin(self, net, **kwargs):
        self.best_weights_ = _snapshot(net.module_)
        self.best_epoch_ = len(net.history) or None

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        key = "valid_loss_best" if "valid_loss_best" in row else "train_loss_best"
        if row.get(key):
            self.best_weights_ = _snapshot(net.module_)
            self.best_epoch_ = row["epoch"]

    def on_batch_end(self, net, batch=None, training=False, loss=None, **kwargs):
        if not training or loss is None:
            return
        # skorch recorded the batch's loss (as a float) before this hook.
        value = net.history[-1, "batches", -1, "train_loss"]
        if math.isfinite(value):
            return
        epoch = net.history[-1, "epoch"]
        batch_index = len(net.history[-1, "batches"])
        net.module_.load_state_dict(self.best_weights_)
        net.optimizer_.state.clear()
        net.history.record("train_loss", float("nan"))
        kept = (
            f"the weights of epoch {self.best_epoch_} (the best so far)"
            if self.best_epoch_
            else "the initial weights (no epoch finished with a finite loss)"
        )
        warnings.warn(
            f"{type(net).__name__}: the training loss became {value} at epoch {epoch} "
            f"(batch {batch_index}); training stopped and {kept} were kept. "
            "Lower learning_rate, or set gradient_clipping or a normalization.",
            ConvergenceWarning,
            stacklevel=2,
        )
        raise KeyboardInterrupt
