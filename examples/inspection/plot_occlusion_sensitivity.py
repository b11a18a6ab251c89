"""
===============================================
Occlusion sensitivity: where the network looks
===============================================

:func:`~skdl.inspection.occlusion_sensitivity` hides one region of an image
at a time behind a grey patch and records how much the probability of the
true class drops. Regions whose occlusion makes the probability fall are the
evidence the network relies on.

We first check the method where the answer is known: a plain skorch network
(any torch module wrapped by skorch works) trained on synthetic images in
which only one corner carries the class. Then we look at the digits
classified by :class:`skdl.nn.CNNClassifier`. See the :ref:`inspection` user
guide for the definition.
"""

# %%
# A known answer: only one corner carries the class
# -------------------------------------------------
# Class 1 images have a bright 3x3 square at rows and columns 1-3; class 0
# images do not; everything else is noise. A small convolutional module of
# our own, wrapped by :class:`skorch.NeuralNetClassifier`, learns to tell
# them apart.

# sphinx_gallery_thumbnail_number = 2
import matplotlib.pyplot as plt
import numpy as np
import torch
from skorch import NeuralNetClassifier

from skdl.inspection import occlusion_sensitivity, plot_occlusion

rng = np.random.RandomState(0)
X_toy = rng.normal(scale=0.5, size=(240, 1, 8, 8)).astype(np.float32)
y_toy = np.arange(240) % 2
X_toy[y_toy == 1, 0, 1:4, 1:4] += 1.5

torch.manual_seed(0)  # skorch draws the initial weights from torch's global generator
toy_net = NeuralNetClassifier(
    torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(4 * 4 * 4, 2),
    ),
    criterion=torch.nn.CrossEntropyLoss,
    optimizer=torch.optim.Adam,
    lr=0.02,
    max_epochs=12,
    batch_size=32,
    train_split=None,
    verbose=0,
)
toy_net.fit(X_toy, y_toy)
print(f"training accuracy on the toy images: {toy_net.score(X_toy, y_toy):.3f}")

maps = occlusion_sensitivity(toy_net, X_toy, y_toy, patch=3, stride=1)
positives = y_toy == 1
fig = plot_occlusion(X_toy[positives], maps[positives], max_images=6, titles=["class 1"] * 6)
fig.suptitle("Toy images: the drop concentrates on the informative corner")

mean_map = maps[positives].mean(axis=0)
row, col = np.unravel_index(mean_map.argmax(), mean_map.shape)
print(f"most sensitive pixel of the mean class-1 map: row {row}, column {col}")

# %%
# Digits: which strokes make a digit what it is
# ---------------------------------------------
# A LeNet-style :class:`skdl.nn.CNNClassifier` on the 8x8 digits. A 3x3
# grey patch slides with stride 1 over each test digit (36 positions, so 37
# forward passes per digit, batched). The digits whose probability is near 1
# barely react: no single patch removes all of their evidence. The less
# certain a prediction, the more the map shows which strokes carry it; a blue
# region is one whose removal would make the true class more likely, where
# the network sees evidence for another digit.
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

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
print(f"test accuracy on the digits: {net.score(X_test, y_test):.3f}")

maps = occlusion_sensitivity(net, X_test, y_test, patch=3, stride=1)
first_of_each = [np.flatnonzero(y_test == digit)[0] for digit in range(8)]
proba = net.predict_proba(X_test[first_of_each])
titles = [f"{y_test[i]}: p={p[y_test[i]]:.2f}" for i, p in zip(first_of_each, proba)]
fig = plot_occlusion(X_test[first_of_each], maps[first_of_each], titles=titles)
fig.suptitle("Digits: red regions hold the evidence for the true class")

# %%
# The mean map of each class
# --------------------------
# Averaged over the test digits of a class, the maps show where the network
# finds that class's evidence; in this run, the central vertical stroke of a
# 1, the bottom bar of a 2, the top bar of a 5, the waist of an 8 and the
# upper loop of a 9. Classes with pale maps (0, 6) are recognised from
# redundant evidence that no single 3x3 patch hides.
fig, axes = plt.subplots(1, 10, figsize=(12, 1.9), layout="constrained")
vmax = max(abs(maps[y_test == d].mean(axis=0)).max() for d in range(10))
for digit, ax in enumerate(axes):
    ax.imshow(maps[y_test == digit].mean(axis=0), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
    ax.set_title(str(digit))
    ax.set_axis_off()
fig.suptitle("Mean occlusion sensitivity per class")
plt.show()
