"""Support vector machines: :class:`SVC` (kernel) and :class:`LinearSVC`."""

from ._classes import LinearSVC
from ._svc import SVC

__all__ = ["LinearSVC", "SVC"]
