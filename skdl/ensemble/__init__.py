"""Ensembles: boosting (AdaBoost, AdaCost) and imbalance ensembles."""

from ._adacost import AdaCostClassifier
from ._balance_cascade import BalanceCascadeClassifier
from ._easy_ensemble import EasyEnsembleClassifier
from ._weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "AdaCostClassifier",
    "BalanceCascadeClassifier",
    "EasyEnsembleClassifier",
]
