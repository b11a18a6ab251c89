"""Utilities: the estimator registry."""

from .discovery import all_estimators

__all__ = ["all_estimators"]
