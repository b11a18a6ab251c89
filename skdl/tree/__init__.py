"""Decision trees: :class:`DecisionTreeRegressor`, :class:`DecisionTreeClassifier`."""

from ._classes import DecisionTreeClassifier, DecisionTreeRegressor
from ._export import export_text
from ._tree import Tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree", "export_text"]
