"""
=================================
Drawing a fitted tree's structure
=================================

:func:`skdl.tree.plot_tree` draws every node of a fitted
:class:`skdl.tree.DecisionTreeClassifier` with its split, its impurity, the
number of training samples that reach it and their class counts, coloured by
the majority class. Its arguments are those of
:func:`sklearn.tree.plot_tree`, and for a tree equal to scikit-learn's the
figure is the same. Here a depth-3 tree on the iris data: the root sends
every setosa left on the petal width, and the next two levels separate
versicolor from virginica, with a few mixed leaves where the two overlap.
See :ref:`trees`.
"""

# %%
# Fit a shallow tree and draw it
# ------------------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris

from skdl.tree import DecisionTreeClassifier, export_text, plot_tree

iris = load_iris()
clf = DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)

fig, ax = plt.subplots(figsize=(12, 6))
plot_tree(
    clf,
    feature_names=iris.feature_names,
    class_names=list(iris.target_names),
    filled=True,
    rounded=True,
    ax=ax,
)
ax.set_title("DecisionTreeClassifier(max_depth=3) on iris")
plt.show()

# %%
# The same rules as text
# ----------------------
print(export_text(clf, feature_names=iris.feature_names))
