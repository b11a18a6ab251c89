"""
======================================================
Decision regions of a classification tree with depth
======================================================

A classification tree cuts the feature space with axis-aligned splits, so
its decision regions are unions of rectangles. This example fits
:class:`skdl.tree.DecisionTreeClassifier` to two features of the iris data
(sepal length and width, where versicolor and virginica overlap) at depths
1, 3 and unlimited. A stump makes one cut, so it predicts only two of the
three classes; depth 3 finds the main boundaries; the fully grown tree
carves small boxes around single samples: its training accuracy rises, but
its 5-fold cross-validated accuracy does not: it fits the noise.

The second row grows the same trees with ``splitter="hist"``, which bins each
feature once into at most ``max_bins`` quantile bins and tries only the bin
edges as thresholds (here ``max_bins=8``, deliberately coarse so that the
effect shows; the default is 255). The regions are close to the exact ones,
but thresholds snap to the bin edges, and the fully grown tree has fewer
leaves because the coarse grid cannot isolate every sample. On large data
this splitter is much faster.
:func:`skdl.tree.export_text` prints the rules of a fitted tree. See
:ref:`trees`.
"""

# %%
# Data: iris, two sepal features
# ------------------------------
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn.datasets import load_iris
from sklearn.model_selection import cross_val_score

from skdl.tree import DecisionTreeClassifier, export_text

iris = load_iris()
X, y = iris.data[:, :2], iris.target
feature_names = iris.feature_names[:2]
xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 300),
    np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 300),
)
grid = np.c_[xx.ravel(), yy.ravel()]

# %%
# Decision regions: three depths, exact and histogram splitters
# -------------------------------------------------------------
# max_bins is used by splitter="hist" only.
colors = ["tab:blue", "tab:orange", "tab:green"]
fig, axes = plt.subplots(2, 3, figsize=(13, 8), sharex=True, sharey=True)
for row, splitter in zip(axes, ["best", "hist"]):
    for ax, depth in zip(row, [1, 3, None]):
        clf = DecisionTreeClassifier(max_depth=depth, splitter=splitter, max_bins=8, random_state=0)
        cv_accuracy = cross_val_score(clf, X, y, cv=5).mean()
        clf.fit(X, y)
        Z = clf.predict(grid).reshape(xx.shape)
        ax.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5, 2.5], cmap=ListedColormap(colors), alpha=0.3)
        for k, name in enumerate(iris.target_names):
            ax.scatter(X[y == k, 0], X[y == k, 1], s=14, c=colors[k], edgecolors="k", linewidths=0.3, label=name)
        ax.set_title(
            f'splitter="{splitter}", max_depth={depth}\n'
            f"{clf.get_n_leaves()} leaves, train acc {clf.score(X, y):.2f}, "
            f"CV acc {cv_accuracy:.2f}",
            fontsize=10,
        )
for ax in axes[1]:
    ax.set_xlabel(feature_names[0])
for ax in axes[:, 0]:
    ax.set_ylabel(feature_names[1])
axes[0, 0].legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %%
# The rules of the depth-3 tree
# -----------------------------
# Each line is one test; a leaf reports the class it predicts. Two leaves of
# the same class can share a parent: the split lowered the Gini impurity
# without changing the majority class.
clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
print(export_text(clf, feature_names=feature_names, class_names=list(iris.target_names)))
