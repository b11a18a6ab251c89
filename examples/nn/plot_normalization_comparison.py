"""
=====================================================
Five normalisations of a convolutional network
=====================================================

:class:`skdl.nn.CNNClassifier` offers five normalisations through one
parameter. Three normalise a layer's outputs: ``"batch"`` over the samples
of the mini-batch, ``"layer"`` over all the channels of one sample,
``"group"`` over groups of channels of one sample. Two normalise the linear
map itself: ``"weight"`` writes each unit's weights as a length times a
direction (``w = g v / ||v||``), and ``"cosine"`` replaces each unit's dot
product by the cosine between its weights and its input patch. Here the same
LeNet-style network (two blocks of 5x5 convolutions, 16 then 32 channels) is
trained on the 8x8 digits with each of them, and without normalisation, for
30 epochs under a cosine learning-rate schedule, and the training losses are
drawn epoch by epoch.

The batch-based and per-sample normalisations drive the loss down fastest
(batch normalisation starts lowest: it standardises every unit from the first
step). Weight and cosine normalisation start as the plain network does and
end a little above the others, within a point of their training accuracy.
"""

# %%
# Train with each normalisation
# -----------------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdl.nn import CNNClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
normalizations = [None, "batch", "layer", "group", "weight", "cosine"]
nets = {}
for normalization in normalizations:
    nets[normalization] = CNNClassifier(
        "lenet",
        width=16,
        depth=2,
        input_shape=(1, 8, 8),
        normalization=normalization,
        learning_rate=0.01,
        lr_schedule="cosine",
        batch_size=64,
        max_epochs=30,
        random_state=0,
        device="cpu",
    ).fit(X_train, y_train)
    net = nets[normalization]
    print(
        f"{str(normalization):7s} training accuracy {net.score(X_train, y_train):.4f}, "
        f"held-out accuracy {net.score(X_test, y_test):.4f}"
    )

# %%
# Training curves
# ---------------
fig, ax = plt.subplots(figsize=(6, 4))
for normalization, net in nets.items():
    ax.plot(
        net.history_[:, "epoch"],
        net.history_[:, "train_loss"],
        label=str(normalization),
        linestyle="--" if normalization is None else "-",
    )
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("LeNet blocks on the digits, Adam, cosine schedule")
ax.legend(title="normalization")
fig.tight_layout()
plt.show()
