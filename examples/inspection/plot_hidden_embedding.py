"""
=================================================
The hidden layers of a network, seen in the plane
=================================================

A hidden layer maps each digit to a vector of activations. If the layer has
learned features that separate the classes, the vectors of one class gather
together. :func:`~skdl.inspection.hidden_embedding` maps them to two
dimensions with t-SNE (or PCA) and :func:`~skdl.inspection.plot_embedding`
colours them by class.

We train :class:`skdl.nn.MLPClassifier` with two hidden layers on the
digits and compare the raw pixels of the test digits with the two hidden
layers. See the :ref:`inspection` user guide.
"""

# %%
# Train the network
# -----------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdl.inspection import hidden_embedding, plot_embedding
from skdl.nn import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
net = MLPClassifier((64, 32), max_epochs=30, random_state=0, device="cpu")
net.fit(X_train, y_train)
print(f"test accuracy: {net.score(X_test, y_test):.3f}")
print("layers:", [name for name, _ in net.module_.named_modules() if name])

# %%
# Pixels, first and second hidden layer
# -------------------------------------
# t-SNE keeps each point's near neighbours near: clusters are meaningful, the
# distances between them are not. On the raw pixels most digits already form
# groups, with 1s, 8s and 9s mixed; after the first hidden layer (64 ReLU
# units) the groups are tighter, and after the second (32 units, the features
# the output layer separates linearly) nearly every digit sits in its own
# class's cluster. The few points in another cluster are mostly the test
# errors.
embeddings = {
    "pixels (64 values)": TSNE(init="pca", random_state=0).fit_transform(X_test),
    "hidden layer 1 (act0)": hidden_embedding(net, X_test, "act0", random_state=0),
    "hidden layer 2 (act1)": hidden_embedding(net, X_test, "act1", random_state=0),
}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), layout="constrained")
for ax, (title, embedding) in zip(axes, embeddings.items()):
    plot_embedding(embedding, y_test, title=title, ax=ax)
for ax in axes[:-1]:
    ax.get_legend().remove()
fig.suptitle("t-SNE of the test digits")

# %%
# t-SNE or PCA
# ------------
# PCA keeps the two directions of largest variance: linear, fast and
# deterministic, it shows how much of the separation is already visible in
# two straight directions of the layer, and it keeps the distances between
# groups meaningful.
pca = hidden_embedding(net, X_test, "act1", method="pca")
fig = plot_embedding(pca, y_test, title="PCA of hidden layer 2 (act1)")

errors = net.predict(X_test) != y_test
print(f"{errors.sum()} test errors among {len(y_test)} digits")
plt.show()
