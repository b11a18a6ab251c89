"""Linear models: :class:`LogisticRegression`."""

from ._logistic import LogisticRegression

__all__ = ["LogisticRegression"]
