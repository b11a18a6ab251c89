"""
=========================================================
Filters and feature maps of a small convolutional network
=========================================================

We train :class:`skdl.nn.CNNClassifier` (a LeNet-style network: two
convolution blocks, global pooling, a linear output) on the 8x8 digits and
look inside it with :mod:`skdl.inspection`:

- :func:`~skdl.inspection.plot_filters` draws the 5x5 filters of the first
  convolution;
- :func:`~skdl.inspection.plot_activations` draws the feature maps each block
  computes for one digit;
- :func:`~skdl.inspection.max_activating_inputs` finds, for a few channels of
  the second block, the test digits that excite them most.

See the :ref:`inspection` user guide.
"""

# %%
# Train the network
# -----------------
# The pixels are scaled to [0, 1]; the network takes flat rows of 64 values
# with ``input_shape=(1, 8, 8)``.

# sphinx_gallery_thumbnail_number = 4
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdl.inspection import (
    layer_activations,
    max_activating_inputs,
    plot_activations,
    plot_filters,
)
from skdl.nn import CNNClassifier

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
net = CNNClassifier(
    input_shape=(1, 8, 8),
    learning_rate=0.003,
    max_epochs=20,
    batch_size=64,
    random_state=0,
    device="cpu",
)
net.fit(X_train, y_train)
print(f"test accuracy: {net.score(X_test, y_test):.3f}")
print("layers:", [name for name, _ in net.module_.named_modules() if name])

# %%
# The filters of the first convolution
# ------------------------------------
# Each 5x5 filter is a small template slid over the image; red weights add,
# blue weights subtract. On images this small, after a few epochs, the
# filters are rough, but many show a red stripe beside a blue one: an
# oriented edge detector, responding where the ink starts or stops.
fig = plot_filters(net, "block0.conv")

# %%
# Feature maps for one digit
# --------------------------
# After the first block (convolution and ReLU) each map is bright where its
# filter matches the strokes: edges in several orientations, at full
# resolution. The second block works on the pooled 4x4 maps and combines the
# first block's patterns into coarser, more abstract features.
fig = plot_activations(net, X_test, "block0.act", sample=0)
fig = plot_activations(net, X_test, "block1.act", sample=0)

# %%
# The digits that most excite a channel
# -------------------------------------
# A channel's response to a digit is the maximum of its feature map. For
# four channels of the second block we show the six test digits with the
# largest response: what they share is what the channel detects (often a
# stroke shape common to a few digit classes).
channels = [0, 1, 2, 3]
k = 6
fig, axes = plt.subplots(len(channels), k, figsize=(1.3 * k, 1.45 * len(channels)), layout="constrained")
for row, channel in zip(axes, channels):
    indices, values = max_activating_inputs(net, X_test, "block1.act", channel, k=k)
    for ax, index, value in zip(row, indices, values):
        ax.imshow(X_test[index].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{y_test[index]}  ({value:.1f})", fontsize=8)
        ax.set_axis_off()
    row[0].text(
        -0.35, 0.5, f"channel {channel}", transform=row[0].transAxes, rotation=90, va="center", ha="center", fontsize=9
    )
fig.suptitle("Most activating test digits (label and response)")

# %%
# The same numbers, without a figure
# ----------------------------------
# ``layer_activations`` returns the arrays the figures are drawn from.
activations = layer_activations(net, X_test, ["block0.act", "block1.act", "pool"])
for name, values in activations.items():
    print(f"{name:12s} {values.shape}")
plt.show()
