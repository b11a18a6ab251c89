"""Renderings of a fitted tree: its rules as text, its nodes as a matplotlib figure."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, validate_params
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
            raise ValueError(f"class_names must contain {len(classes)} items (one per class), got {len(class_names)}.")
    if feature_names is not None:
        if len(feature_names) != tree.n_features:
            raise ValueError(f"feature_names must contain {tree.n_features} elements, got {len(feature_names)}.")
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


@validate_params(
    {
        "decision_tree": [HasMethods("apply")],
        "max_depth": [Interval(Integral, 0, None, closed="left"), None],
        "feature_names": ["array-like", None],
        "class_names": ["array-like", "boolean", None],
        "label": [StrOptions({"all", "root", "none"})],
        "filled": ["boolean"],
        "impurity": ["boolean"],
        "node_ids": ["boolean"],
        "proportion": ["boolean"],
        "rounded": ["boolean"],
        "precision": [Interval(Integral, 0, None, closed="left"), None],
        "ax": "no_validation",  # matplotlib validates its axes
        "fontsize": [Interval(Integral, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def plot_tree(
    decision_tree,
    *,
    max_depth=None,
    feature_names=None,
    class_names=None,
    label="all",
    filled=False,
    impurity=True,
    node_ids=False,
    proportion=False,
    rounded=False,
    precision=3,
    ax=None,
    fontsize=None,
):
    """Plot a fitted decision tree with matplotlib.

    The arguments and the figure are those of :func:`sklearn.tree.plot_tree`:
    skdl's trees carry scikit-learn's ``tree_`` arrays, so scikit-learn's own
    matplotlib exporter draws them. (:func:`sklearn.tree.plot_tree` itself
    accepts only scikit-learn's classes; :func:`sklearn.tree.export_graphviz`
    accepts skdl's trees as they are.)

    Parameters
    ----------
    decision_tree : DecisionTreeRegressor or DecisionTreeClassifier
        A fitted skdl tree.
    max_depth : int, default=None
        Deepest level drawn; the whole tree when None.
    feature_names : array-like of str of shape (n_features,), default=None
        Names of the features; ``x[<i>]`` when None.
    class_names : array-like of str, bool or None, default=None
        Names of the classes in ascending order; True shows ``y[<i>]``.
    label : {"all", "root", "none"}, default="all"
        Which nodes show informative labels such as the impurity.
    filled : bool, default=False
        Colour nodes by their majority class (classification), by the extremity
        of their value (regression) or by purity (multi-output).
    impurity : bool, default=True
        Show each node's impurity.
    node_ids : bool, default=False
        Show each node's id.
    proportion : bool, default=False
        Show proportions of samples instead of counts.
    rounded : bool, default=False
        Draw nodes with rounded corners.
    precision : int, default=3
        Digits of impurities, thresholds and values.
    ax : matplotlib Axes, default=None
        Axes to draw on; the current axes when None.
    fontsize : int, default=None
        Text size; fitted to the figure when None.

    Returns
    -------
    annotations : list of matplotlib.text.Annotation
        One per drawn node, and the "True" / "False" labels of the root's two
        edges.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skdl.tree import DecisionTreeClassifier, plot_tree
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> annotations = plot_tree(clf)
    >>> sum("samples" in annotation.get_text() for annotation in annotations)
    5
    """
    # Private in scikit-learn but the very drawing plot_tree makes; the
    # pinned scikit-learn range keeps it available.
    from sklearn.tree._export import _MPLTreeExporter

    check_is_fitted(decision_tree, "tree_")
    exporter = _MPLTreeExporter(
        max_depth=max_depth,
        feature_names=feature_names,
        class_names=class_names,
        label=label,
        filled=filled,
        impurity=impurity,
        node_ids=node_ids,
        proportion=proportion,
        rounded=rounded,
        precision=precision,
        fontsize=fontsize,
    )
    return exporter.export(decision_tree, ax=ax)
