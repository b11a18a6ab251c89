"""
=====================================================
Loss curves of the stochastic optimizers
=====================================================

``LogisticRegression(solver="sgd")`` trains by mini-batch stochastic
gradient with any of seven update rules. This example trains each one for 40
epochs on the digits data (10 classes, standardised pixels) with the same
mini-batches and plots the training objective after each epoch
(``loss_curve_``), next to the exact minimum found by ``solver="lbfgs"``.

With these step sizes the adaptive methods (Adagrad, RMSprop, Adam), which
scale each coordinate's step by its gradient history, drop fastest in the
first epochs; plain SGD, momentum and Nesterov (whose effective step is ten
times the learning rate) catch up after about 20 epochs, and Adadelta, which
has no learning rate of its own (``learning_rate=1`` is the original
method), starts slowest. With a constant step every curve flattens at a
stochastic noise floor above the exact minimum (RMSprop and Adam, whose
normalised steps stay large, the highest); a decaying ``lr_schedule``
lowers it. See :ref:`linear_models`.
"""

# %%
# Train each optimizer
# --------------------
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdl.linear_model import LogisticRegression

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
C = 0.1
exact = LogisticRegression(C=C, max_iter=1000, device="cpu").fit(X, y).objective(X, y)

rates = {"sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.1, "adadelta": 1.0, "rmsprop": 0.01, "adam": 0.01}
curves = {}
for optimizer, rate in rates.items():
    clf = LogisticRegression(
        C=C,
        solver="sgd",
        optimizer=optimizer,
        learning_rate=rate,
        batch_size=64,
        max_iter=40,
        n_iter_no_change=40,
        random_state=0,
        device="cpu",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    curves[optimizer] = clf.loss_curve_

# %%
# Plot the loss curves
# --------------------
fig, ax = plt.subplots(figsize=(7, 4.5))
for optimizer, curve in curves.items():
    ax.plot(range(1, len(curve) + 1), curve, label=f"{optimizer} (lr={rates[optimizer]:g})")
ax.axhline(exact, color="black", linestyle="--", label="lbfgs minimum")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training objective")
ax.set_title("LogisticRegression(solver='sgd') on digits")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
