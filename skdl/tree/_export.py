"""A plain-text rendering of a fitted tree's rules."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import HasMethods, Interval, validate_params
from ._tree import TREE_LEAF


def _subtree_depth(tree, node):
    """Depth of the subtree rooted at ``node`` (a leaf counts 1)."""
    if tree.children_left[node] == TREE_LEAF:
        return 1
    return 1 + max(
        _subtree_depth(tree, tree.children_left[node]),
        _subtree_depth(tree, tree.children_right[node]),
    )


@validate_params(
    {
        "decision_tree": [HasMethods("apply")],
        "feature_names": ["array-like", None],
        "class_names": ["array-like", None],
        "max_depth": [Interval(Integral, 0, None, closed="left")],
        "spacing": [Interval(Integral, 1, None, closed="left")],
        "decimals": [Interval(Integral, 0, None, closed="left")],
        "show_weights": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def export_text(
    decision_tree,
    *,
    feature_names=None,
    class_names=None,
    max_depth=10,
    spacing=3,
    decimals=2,
    show_weights=False,
):
    """Text report of the rules of a fitted decision tree.

    The layout is scikit-learn's :func:`sklearn.tree.export_text`, so the
    report of a tree equal to scikit-learn's is the same text.

    Parameters
    ----------
    decision_tree : DecisionTreeRegressor or DecisionTreeClassifier
        A fitted skdl tree.
    feature_names : array-like of str of shape (n_features,), default=None
        Names of the features; ``feature_<i>`` when None.
    class_names : array-like of shape (n_classes,), default=None
        Names of the classes, in the order of ``classes_``; the class labels
        when None.
    max_depth : int, default=10
        Deeper branches are reported as truncated.
    spacing : int, default=3
        Width of one indentation level.
    decimals : int, default=2
        Decimals of thresholds and values.
    show_weights : bool, default=False
        Classifiers: print the weighted class counts at each leaf.

    Returns
    -------
    report : str

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdl.tree import DecisionTreeClassifier, export_text
    >>> iris = load_iris()
    >>> clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(iris.data, iris.target)
    >>> print(export_text(clf, feature_names=iris.feature_names, class_names=iris.target_names))
    |--- petal width (cm) <= 0.80
    |   |--- class: setosa
    |--- petal width (cm) >  0.80
    |   |--- petal width (cm) <= 1.75
    |   |   |--- class: versicolor
    |   |--- petal width (cm) >  1.75
    |   |   |--- class: virginica
    <BLANKLINE>
    """
    check_is_fitted(decision_tree, "tree_")
    tree = decision_tree.tree_
    classifier = is_classifier(decision_tree)
    if classifier:
        classes = decision_tree.classes_
        if class_names is None:
            class_names = classes
        elif len(class_names) != len(classes):
            raise ValueError(
                f"class_names must contain {len(classes)} items (one per class), "
                f"got {len(class_names)}."
            )
    if feature_names is not None:
        if len(feature_names) != tree.n_features:
            raise ValueError(
                f"feature_names must contain {tree.n_features} elements, got {len(feature_names)}."
            )
    else:
        feature_names = [f"feature_{i}" for i in range(tree.n_features)]
    lines = []

    def leaf(node, indent):
        value = tree.value[node][0] if tree.n_outputs == 1 else tree.value[node].T[0]
        if classifier:
            text = ""
            if show_weights:
                weights = value * tree.weighted_n_node_samples[node]
                text = "[" + ", ".join(f"{v:.{decimals}f}" for v in weights) + "]"
            name = np.argmax(value)
            if tree.n_outputs == 1:
                name = class_names[name]
            prefix = " weights: " if show_weights else ""
            lines.append(f"{indent}{prefix}{text} class: {name}")
        else:
            text = "[" + ", ".join(f"{v:.{decimals}f}" for v in value) + "]"
            lines.append(f"{indent} value: {text}")

    def recurse(node, depth):
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth <= max_depth + 1:
            if tree.children_left[node] != TREE_LEAF:
                name = feature_names[tree.feature[node]]
                thr = f"{tree.threshold[node]:.{decimals}f}"
                lines.append(f"{indent} {name} <= {thr}")
                recurse(tree.children_left[node], depth + 1)
                lines.append(f"{indent} {name} >  {thr}")
                recurse(tree.children_right[node], depth + 1)
            else:
                leaf(node, indent)
        else:
            depth_below = _subtree_depth(tree, node)
            if depth_below == 1:
                leaf(node, indent)
            else:
                lines.append(f"{indent} truncated branch of depth {depth_below}")

    recurse(0, 1)
    return "\n".join(lines) + "\n"
