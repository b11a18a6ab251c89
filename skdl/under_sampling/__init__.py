"""Under-samplers: imbalanced-learn samplers that remove samples from large classes."""

from ._random import RandomUnderSampler

__all__ = ["RandomUnderSampler"]
