"""Over-samplers: imbalanced-learn samplers that add samples to small classes."""

from ._random import RandomOverSampler
from ._smote import SMOTE, BorderlineSMOTE

__all__ = ["SMOTE", "BorderlineSMOTE", "RandomOverSampler"]
