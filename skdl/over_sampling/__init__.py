"""Over-samplers: imbalanced-learn samplers that add samples to small classes."""

from ._random import RandomOverSampler
from ._smote import SMOTE, BorderlineSMOTE
from ._smote_nc import SMOTENC
from ._smoten import SMOTEN

__all__ = ["SMOTE", "SMOTENC", "SMOTEN", "BorderlineSMOTE", "RandomOverSampler"]
