"""Neural-network classifiers trained with PyTorch through skorch.

:class:`MLPClassifier` (fully connected) and :class:`CNNClassifier`
(convolutional, for images) are scikit-learn classifiers whose training
toolbox (architecture, activations, normalisation, initialisation,
optimizers, schedules, clipping, early stopping, class weights, label
smoothing, augmentation) is a set of plain constructor parameters.
"""

from ._classifiers import CNNClassifier, MLPClassifier

__all__ = ["CNNClassifier", "MLPClassifier"]
