"""RandomOverSampler: draw existing samples again, optionally with Gaussian noise."""

import numbers
from collections.abc import Mapping

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.utils import check_array, check_random_state

from ..utils._sklearn_compat import Interval, _safe_indexing
from ..utils._validation import RowIndexingSamplerMixin, unchanged_on_error


def _smoothing_scale(X, class_index, shrinkage):
    """Per-feature standard deviation of the noise of a smoothed bootstrap.

    Silverman's rule-of-thumb bandwidth ``(4 / ((d + 2) n)) ** (1 / (d + 4))``
    times the class's per-feature standard deviation times ``shrinkage``
    (``n`` is the whole data set's size, as in imbalanced-learn).
    """
    n_samples, n_features = X.shape
    bandwidth = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))
    X_class = X[class_index]
    X_class = X_class.toarray() if sparse.issparse(X_class) else X_class
    return shrinkage * bandwidth * np.std(X_class, axis=0)


class RandomOverSampler(RowIndexingSamplerMixin, BaseOverSampler):
    """Over-sample by drawing samples of each class again, with replacement.

    With ``shrinkage``, the drawn samples get Gaussian noise (a *smoothed
    bootstrap*), so that repeated points become a small cloud around each
    original instead of exact duplicates.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class should have after resampling, in any form
        of imbalanced-learn's over-samplers (see :class:`SMOTE`).
    random_state : int, RandomState instance or None, default=None
        Controls the draws and the noise; pass an int for reproducible output.
    shrinkage : float, dict or None, default=None
        Scale of the noise of a smoothed bootstrap; ``None`` (or 0) copies the
        drawn samples exactly. The noise of class ``c`` is normal with
        per-feature standard deviation ``shrinkage * h * std_c``, where
        ``h = (4 / ((d + 2) n)) ** (1 / (d + 4))`` is Silverman's bandwidth and
        ``std_c`` the class's per-feature standard deviation. A dict gives one
        value per over-sampled class.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of samples to draw}``.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Index (into X) of each returned sample: ``0..n_samples-1`` then the
        drawn ones.
    shrinkage_ : dict or None
        ``{class: shrinkage}`` used, or None.
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    SMOTE : Over-sample with synthetic samples between neighbours.
    imblearn.over_sampling.RandomOverSampler : The imbalanced-learn implementation.

    Notes
    -----
    Without shrinkage any 2-D data is accepted (strings, missing values,
    sparse matrices, data frames): rows are only copied. The draws follow
    imbalanced-learn's, so an int ``random_state`` gives its output. This is a
    matter of indexing, so it runs with NumPy; there is no ``device``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skdl.over_sampling import RandomOverSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], flip_y=0, random_state=0)
    >>> ros = RandomOverSampler(random_state=0)
    >>> X_res, y_res = ros.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [901, 901]
    >>> ros.sample_indices_.shape
    (1802,)
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "shrinkage": [Interval(numbers.Real, 0, None, closed="left"), dict, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, shrinkage=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.shrinkage = shrinkage

    def fit_resample(self, X, y):
        """Resample the dataset: the original samples first, then the drawn ones.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Samples to over-sample.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape (n_samples_new, n_features)
            ``X`` unchanged in its first ``n_samples`` rows, then the drawn samples.
        y_resampled : {ndarray, series} of shape (n_samples_new,)
            The labels of ``X_resampled``.
        """
        with unchanged_on_error(self):
            return super().fit_resample(X, y)

    def _resolve_shrinkage(self):
        """``{class: shrinkage}`` for the classes to over-sample, or None."""
        if self.shrinkage is None:
            return None
        if not isinstance(self.shrinkage, Mapping):
            return {label: self.shrinkage for label in self.sampling_strategy_}
        missing = set(self.sampling_strategy_) - set(self.shrinkage)
        if missing:
            raise ValueError(
                "`shrinkage` should contain a shrinkage factor for each class that will "
                f"be resampled. The missing classes are: {sorted(missing)!r}"
            )
        for label, value in self.shrinkage.items():
            if not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(f"The shrinkage factor needs to be >= 0. Got {value!r} for class {label!r}.")
        return dict(self.shrinkage)

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        shrinkage = self._resolve_shrinkage()
        if shrinkage is not None:
            try:
                X = check_array(X, accept_sparse=["csr", "csc"], dtype="numeric")
            except ValueError as exc:
                raise ValueError(
                    "When shrinkage is not None, X needs to contain only numerical data "
                    "to generate a smoothed bootstrap sample."
                ) from exc
        drawn_X, drawn_index = [X], [np.arange(X.shape[0])]
        for label, n_new in self.sampling_strategy_.items():
            class_index = np.flatnonzero(y == label)
            drawn = rng.choice(class_index, size=n_new, replace=True)
            drawn_index.append(drawn)
            if shrinkage is None:
                drawn_X.append(_safe_indexing(X, drawn))
                continue
            noise = rng.standard_normal((n_new, X.shape[1])) * _smoothing_scale(X, class_index, shrinkage[label])
            rows = X[drawn]
            rows = rows.toarray() if sparse.issparse(rows) else rows
            smoothed = (rows + noise).astype(X.dtype, copy=False)
            drawn_X.append(sparse.csr_matrix(smoothed) if sparse.issparse(X) else smoothed)
        self.shrinkage_ = shrinkage
        self.sample_indices_ = np.concatenate(drawn_index)
        if sparse.issparse(X):
            X_res = sparse.vstack(drawn_X, format=X.format)
        else:
            X_res = np.concatenate(drawn_X)
        return X_res, y[self.sample_indices_]
