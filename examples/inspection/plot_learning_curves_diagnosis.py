"""
==================================================
Learning curves: under-fitting, over-fitting, fine
==================================================

A network's history records the training and validation loss of every
epoch. :func:`~skdl.inspection.plot_learning_curves` draws them, with the
validation accuracy, and marks the epoch whose weights early stopping kept;
:func:`~skdl.inspection.diagnose_fit` reads a label from the same curves
with documented thresholds.

We train three :class:`skdl.nn.MLPClassifier` networks on the digits, each
with a validation split (``early_stopping=True``), so that each lands in one
of the three cases. See the :ref:`inspection` user guide for the rules.
"""

# %%
# The digits, standardised
# ------------------------

# sphinx_gallery_thumbnail_number = 2
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from skdl.inspection import diagnose_fit, plot_learning_curves
from skdl.nn import MLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)


def report(net):
    diagnosis = diagnose_fit(net)
    print(f"{diagnosis.label}: {diagnosis.reason}.")
    print(
        f"  best epoch {diagnosis.best_epoch} of {diagnosis.n_epochs}; "
        f"valid_rise={diagnosis.valid_rise:.3f}, recent_drop={diagnosis.recent_drop:.3f}, "
        f"train_drop={diagnosis.train_drop:.3f}"
    )


# %%
# Under-fitting: too small a step, stopped too soon
# -------------------------------------------------
# Sixteen hidden units, a learning rate of a third of Adam's usual ``1e-3``
# and twelve epochs: both losses are still falling steeply when
# training ends, and the validation accuracy is far from what the digits
# allow. More epochs or a larger learning rate would help.
under = MLPClassifier(
    (16,),
    learning_rate=3e-4,
    max_epochs=12,
    early_stopping=True,
    random_state=0,
    device="cpu",
).fit(X, y)
report(under)
fig = plot_learning_curves(under)

# %%
# Over-fitting: a large network memorising noisy labels
# -----------------------------------------------------
# Two layers of 256 units trained on 300 digits, a fifth of whose labels
# were replaced by random ones, for 60 epochs (``patience=60`` keeps early
# stopping from ending the run). The training loss falls towards zero as
# the network memorises the wrong labels too, while the validation loss
# reaches its minimum after a few epochs and then climbs. Early stopping
# restores the weights of the marked epoch; weight decay, dropout or more
# data would lower the validation loss further.
rng = np.random.RandomState(0)
X_small, y_noisy = X[:300], y[:300].copy()
flipped = rng.rand(300) < 0.2
y_noisy[flipped] = rng.randint(0, 10, flipped.sum())
over = MLPClassifier(
    (256, 256),
    max_epochs=60,
    early_stopping=True,
    patience=60,
    validation_fraction=0.3,
    random_state=0,
    device="cpu",
).fit(X_small, y_noisy)
report(over)
fig = plot_learning_curves(over)

# %%
# Fine: a moderate network stopped at the right time
# --------------------------------------------------
# 64 hidden units and early stopping with a patience of five epochs: the
# validation loss has flattened near its minimum when training stops, and
# the weights of the best epoch are kept.
fine = MLPClassifier(
    (64,),
    max_epochs=200,
    early_stopping=True,
    patience=5,
    random_state=0,
    device="cpu",
).fit(X, y)
report(fine)
fig = plot_learning_curves(fine)
plt.show()
