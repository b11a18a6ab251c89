"""
=========================================
A convolutional network on digit images
=========================================

:class:`skdl.nn.CNNClassifier` takes images as flat rows plus their
``input_shape``, so it sits in a scikit-learn pipeline after any
transformer. This example trains a small VGG-style network (two blocks of two
3x3 convolutions with batch normalisation) on the 8x8 digits, with random
shifts of the training images (``augmentation="shift"``) and a cosine
learning-rate schedule, then looks inside it: the feature maps of the first
block, read with a forward hook on the layer named ``block0.act2``.
"""

# %%
# Train and evaluate
# ------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from skdl.nn import CNNClassifier

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
clf = CNNClassifier(
    "vgg",
    width=16,
    depth=2,
    input_shape=(1, 8, 8),
    augmentation="shift",
    lr_schedule="cosine",
    learning_rate=3e-3,
    batch_size=64,
    max_epochs=30,
    random_state=0,
    device="cpu",
).fit(X_train, y_train)
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, colorbar=False)
plt.title("CNN on the digits: test set")
plt.show()

# %%
# Feature maps of the first block
# -------------------------------
# The layers of ``clf.module_`` have names; a forward hook on one of them
# collects its output for a few test images.
maps = {}
layer = clf.module_.get_submodule("block0.act2")
handle = layer.register_forward_hook(lambda module, inputs, output: maps.update(out=output.detach()))
images = X_test[:3]
clf.predict(images)
handle.remove()

fig, axes = plt.subplots(3, 9, figsize=(10, 3.6))
for row, image in enumerate(images):
    axes[row, 0].imshow(image.reshape(8, 8), cmap="gray_r")
    for k in range(8):
        axes[row, k + 1].imshow(maps["out"][row, k].numpy(), cmap="magma")
for ax in axes.ravel():
    ax.set_axis_off()
axes[0, 0].set_title("image")
for k in range(8):
    axes[0, k + 1].set_title(f"ch {k}")
fig.suptitle("first 8 channels of block0.act2 (8x8, before down-sampling)")
fig.tight_layout()
plt.show()
