"""Decision trees: :class:`DecisionTreeRegressor`, :class:`DecisionTreeClassifier`."""

from ._classes import DecisionTreeClassifier, DecisionTreeRegressor
from ._export import export_text, plot_tree
from ._tree import Tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree", "export_text", "plot_tree"]
