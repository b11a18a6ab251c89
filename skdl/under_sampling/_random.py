"""RandomUnderSampler: keep a random subset of the samples of large classes."""

import numpy as np
from imblearn.under_sampling.base import BaseUnderSampler
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import _safe_indexing
from ..utils._validation import RowIndexingSamplerMixin, unchanged_on_error


class RandomUnderSampler(RowIndexingSamplerMixin, BaseUnderSampler):
    """Under-sample by keeping a random subset of each class to reduce.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class keeps, in any form of imbalanced-learn's
        under-samplers: a float (binary only: the minority / majority ratio
        wanted), ``"majority"``, ``"not minority"``, ``"not majority"``,
        ``"all"``, ``"auto"`` (same as ``"not minority"``), a dict
        ``{class: n_samples kept}`` or a callable ``y -> dict``.
    random_state : int, RandomState instance or None, default=None
        Controls the draws; pass an int for reproducible output.
    replacement : bool, default=False
        Draw with replacement (a bootstrap) instead of a subset.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of samples kept}`` for the classes reduced.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Index (into X) of each returned sample, class by class.
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    RandomOverSampler : Over-sample by drawing samples again.
    skdl.ensemble.EasyEnsembleClassifier : Boosted learners on many balanced subsets.
    imblearn.under_sampling.RandomUnderSampler : The imbalanced-learn implementation.

    Notes
    -----
    Any 2-D data is accepted (strings, missing values, sparse matrices, data
    frames): rows are only selected, never changed. The classes come out in
    sorted order, and the draws follow imbalanced-learn's, so an int
    ``random_state`` gives its output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skdl.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0, random_state=0)
    >>> rus = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = rus.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [99, 99]
    >>> bool((X_res == X[rus.sample_indices_]).all())
    True
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "random_state": ["random_state"],
        "replacement": ["boolean"],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, replacement=False):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.replacement = replacement

    def fit_resample(self, X, y):
        """Resample the dataset: a random subset of each class to reduce.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Samples to under-sample.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape (n_samples_new, n_features)
            The kept rows of ``X``, unchanged.
        y_resampled : {ndarray, series} of shape (n_samples_new,)
            Their labels.
        """
        with unchanged_on_error(self):
            return super().fit_resample(X, y)

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        kept = []
        for label in np.unique(y):
            class_index = np.flatnonzero(y == label)
            if label in self.sampling_strategy_:
                choice = rng.choice(class_index.size, size=self.sampling_strategy_[label], replace=self.replacement)
                class_index = class_index[choice]
            kept.append(class_index)
        self.sample_indices_ = np.concatenate(kept)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]
