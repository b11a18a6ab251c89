"""diagnose_fit on crafted histories, and the kept epoch of a real early-stopped fit."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from skorch.history import History

from skdl.inspection import diagnose_fit
from skdl.inspection._diagnostics import learning_curves
from skdl.utils._sklearn_compat import InvalidParameterError


def _history(train, valid=None, acc=None):
    """A skorch History as a net with a validation split records it."""
    history = History()
    best = np.inf
    for epoch, train_loss in enumerate(train, start=1):
        history.new_epoch()
        history.record("epoch", epoch)
        history.record("train_loss", float(train_loss))
        if valid is not None:
            valid_loss = float(valid[epoch - 1])
            history.record("valid_loss", valid_loss)
            history.record("valid_loss_best", valid_loss < best)
            best = min(best, valid_loss)
            if acc is not None:
                history.record("valid_acc", float(acc[epoch - 1]))
    return history


EPOCHS = np.arange(30)
# train falls steadily; validation bottoms out at epoch 9 and climbs back 60%
OVERFIT = _history(np.exp(-EPOCHS / 6), 0.5 + 0.0007 * (EPOCHS - 8) ** 2)
# both curves still falling fast at the last epoch
UNDERFIT_STILL_LEARNING = _history(1.0 - 0.02 * EPOCHS, 1.05 - 0.02 * EPOCHS)
# both curves flat from the start, near the first epoch's value
UNDERFIT_BARELY = _history(0.70 - 0.001 * EPOCHS, 0.71 - 0.001 * EPOCHS)
# both fall then flatten; validation wobbles by 2% around its floor
FINE = _history(
    0.05 + np.exp(-EPOCHS / 3),
    0.20 + np.exp(-EPOCHS / 3) + 0.004 * np.sin(EPOCHS),
    acc=np.minimum(0.95, 0.5 + EPOCHS / 20),
)


def test_over_fitting():
    diagnosis = diagnose_fit(OVERFIT)
    assert diagnosis.label == "over-fitting"
    assert diagnosis.best_epoch == 9
    assert diagnosis.valid_rise == pytest.approx((0.5 + 0.0007 * 21**2) / 0.5 - 1)
    assert "above its minimum (epoch 9)" in diagnosis.reason


def test_under_fitting_still_learning():
    diagnosis = diagnose_fit(UNDERFIT_STILL_LEARNING)
    assert diagnosis.label == "under-fitting"
    assert diagnosis.best_epoch == 30
    assert diagnosis.recent_drop == pytest.approx(0.1 / 0.57)
    assert "still fell" in diagnosis.reason


def test_under_fitting_barely_learned():
    diagnosis = diagnose_fit(UNDERFIT_BARELY)
    assert diagnosis.label == "under-fitting"
    assert diagnosis.train_drop == pytest.approx(0.029 / 0.70)
    assert "barely fits" in diagnosis.reason


def test_fine():
    diagnosis = diagnose_fit(FINE)
    assert diagnosis.label == "fine"
    assert diagnosis.valid_rise < 0.1 and diagnosis.recent_drop < 0.05
    assert diagnosis.train_drop > 0.25


def test_diverged_fit_is_under_fitting():
    diagnosis = diagnose_fit(_history([1.0, 0.8, np.nan], [1.0, 0.9, np.nan]))
    assert diagnosis.label == "under-fitting"
    assert "diverged" in diagnosis.reason


def test_thresholds_move_the_label():
    assert diagnose_fit(OVERFIT, overfit_rise=1.0).label != "over-fitting"
    assert diagnose_fit(FINE, min_train_drop=0.99).label == "under-fitting"
    assert diagnose_fit(UNDERFIT_STILL_LEARNING, underfit_drop=0.5, min_train_drop=0.1).label == ("fine")


def test_plain_list_of_dicts():
    assert diagnose_fit(list(map(dict, OVERFIT))).label == "over-fitting"


def test_fitted_net_with_early_stopping(digits_mlp):
    history = digits_mlp.history_
    flags = history[:, "valid_loss_best"]
    expected = history[len(flags) - 1 - flags[::-1].index(True), "epoch"]
    curves = learning_curves(digits_mlp)
    assert curves.best_epoch == expected
    assert curves.restored
    diagnosis = diagnose_fit(digits_mlp)
    assert diagnosis.best_epoch == expected
    assert diagnosis.label in {"fine", "over-fitting", "under-fitting"}
    assert diagnosis.n_epochs == len(history)


def test_learning_curves_without_early_stopping(cnn):
    curves = learning_curves(cnn)
    assert curves.valid_loss is None and curves.best_epoch is None
    assert not curves.restored
    assert len(curves.train_loss) == 15


# -- bad input --------------------------------------------------------------


def test_needs_validation_losses(cnn):
    with pytest.raises(ValueError, match="needs validation losses"):
        diagnose_fit(cnn)
    with pytest.raises(ValueError, match="needs validation losses"):
        diagnose_fit(_history([1.0, 0.5]))


def test_unfitted_and_empty(unfitted_cnn, cnn):
    with pytest.raises(NotFittedError):
        diagnose_fit(unfitted_cnn)
    with pytest.raises(NotFittedError, match="history is empty"):
        diagnose_fit(History())
    initialized = cnn.__class__(**cnn.get_params()).initialize()
    with pytest.raises(NotFittedError, match="history is empty"):
        diagnose_fit(initialized)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(overfit_rise=-0.1), r"'overfit_rise' parameter .* a float in the range \[0.0, inf\)"),
        (dict(underfit_drop="x"), "'underfit_drop' parameter"),
        (dict(min_train_drop=np.nan), "'min_train_drop' parameter"),
        (dict(window=0), r"'window' parameter .* an int in the range \[1, inf\)"),
    ],
)
def test_bad_thresholds(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        diagnose_fit(FINE, **kwargs)


def test_not_a_history():
    with pytest.raises(TypeError, match=r"'net' parameter .* or an instance of 'list'"):
        diagnose_fit({"train_loss": [1.0]})
    with pytest.raises(TypeError, match="skorch network or its history.*holding a str"):
        diagnose_fit(["train_loss"])
    with pytest.raises(ValueError, match="train_loss"):
        diagnose_fit([{"valid_loss": 1.0}])
