"""Support vector machines: :class:`LinearSVC`."""

from ._classes import LinearSVC

__all__ = ["LinearSVC"]
