"""
==========================================
Learning curves from a network's history
==========================================

Every fitted network of :mod:`skdl.nn` keeps skorch's ``history_``: one row
per epoch with the training loss and, with ``early_stopping=True``, the loss
and accuracy on the held-out validation split. This example trains a
:class:`skdl.nn.MLPClassifier` on the digits with early stopping and plots
both curves, together with the epoch whose weights were kept (the last one
whose ``valid_loss_best`` is True).

The training loss keeps falling while the validation loss stops improving
(and slowly rises): from there on the network memorises the training
samples rather than learning what generalises. Early stopping waits
``patience`` epochs for a new best validation loss, then stops and restores
the best weights.
"""

# %%
# Train with early stopping
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdl.nn import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
clf = MLPClassifier(
    (256, 256),
    learning_rate=3e-3,
    early_stopping=True,
    validation_fraction=0.2,
    patience=8,
    max_epochs=200,
    random_state=0,
    device="cpu",
).fit(scaler.transform(X_train), y_train)

history = clf.history_
epochs = np.array(history[:, "epoch"])
best = epochs[np.array(history[:, "valid_loss_best"])][-1]
print(f"stopped after {len(history)} epochs; kept the weights of epoch {best}")
print(f"test accuracy: {clf.score(scaler.transform(X_test), y_test):.3f}")

# %%
# Plot the curves
# ---------------
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
ax_loss.plot(epochs, history[:, "train_loss"], label="training loss")
ax_loss.plot(epochs, history[:, "valid_loss"], label="validation loss")
ax_loss.set_yscale("log")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("cross-entropy")
ax_acc.plot(epochs, history[:, "valid_acc"], color="C1")
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("validation accuracy")
for ax in (ax_loss, ax_acc):
    ax.axvline(best, color="grey", linestyle="--", label=f"kept: epoch {best}")
ax_loss.legend()
fig.tight_layout()
plt.show()
