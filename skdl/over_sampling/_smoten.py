"""SMOTEN: SMOTE for categorical features only, as an imbalanced-learn over-sampler.

imbalanced-learn computes the class's whole ``n x n`` matrix of value
difference distances and hands it to a precomputed NearestNeighbors; this
module computes the same distances (the same bits: per-feature tables summed
feature by feature) block by block in
:mod:`skdl.over_sampling._categorical_kneighbors`, keeps each sample's
nearest and selects them as scikit-learn does. A new sample takes, for each
feature, the most frequent category among its base sample's neighbours
(the base sample included); ties go to the smallest code, as in
:func:`scipy.stats.mode`.
"""

import numbers
import warnings

import numpy as np
from imblearn.utils import check_target_type
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import OrdinalEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import unique_labels

from .._device import chunk_size, resolve_device
from ..utils._sklearn_compat import HasMethods, validate_data
from ._categorical_kneighbors import categorical_kneighbors, full_distances
from ._smote import _BaseSMOTE, _check_enough_samples


def value_difference_tables(codes, y, n_levels):
    """Per-feature tables of the value difference metric (``k=1``, ``r=2``).

    ``T_f[a, b] = (sum_c |p(c | b) - p(c | a)|)^2``, the class frequencies
    ``p(c | a)`` among the samples whose feature ``f`` is ``a``, computed as
    :class:`imblearn.metrics.pairwise.ValueDifferenceMetric` computes them
    (so the distances are its bits).

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_features), int
    y : ndarray of shape (n_samples,)
    n_levels : list of int

    Returns
    -------
    tables : list of ndarray of shape (n_levels_f, n_levels_f)
    """
    classes = unique_labels(y)
    tables = []
    for feature, size in enumerate(n_levels):
        proba = np.empty((size, classes.size), dtype=np.float64)
        for column, label in enumerate(classes):
            proba[:, column] = np.bincount(codes[y == label, feature], minlength=size)
        with np.errstate(invalid="ignore"):
            proba /= proba.sum(axis=1).reshape(-1, 1)
        np.nan_to_num(proba, copy=False)
        # scipy's distance_matrix(p=1): sum over classes of |y - x|
        difference = np.sum(np.abs(proba[np.newaxis, :, :] - proba[:, np.newaxis, :]), axis=-1)
        tables.append(difference**2)
    return tables


def _modes(codes, neighbours, n_levels):
    """Each sample's most frequent code among its neighbours, per feature (smallest on ties)."""
    n, k = neighbours.shape
    modes = np.empty(codes.shape, dtype=codes.dtype)
    for feature, size in enumerate(n_levels):
        step = chunk_size(2 * 8 * size, n)
        for start in range(0, n, step):
            stop = min(start + step, n)
            block = np.arange(stop - start)[:, None] * size + codes[neighbours[start:stop], feature]
            counts = np.bincount(block.ravel(), minlength=(stop - start) * size).reshape(-1, size)
            modes[start:stop, feature] = counts.argmax(axis=1)
    return modes


class SMOTEN(_BaseSMOTE):
    """SMOTEN: SMOTE for data whose features are all categorical.

    Samples are compared with the value difference metric [2]_: two
    categories of a feature are as far apart as the class distributions of
    the samples that carry them, ``delta_f(a, b) = sum_c |p(c | a) - p(c | b)|``,
    and two samples are ``sum_f delta_f(x_f, y_f)^2`` apart. A synthetic
    sample is made from a random sample of the class and its
    ``k_neighbors`` nearest same-class samples (itself included): for each
    feature, the category most of them share. The distances are computed
    block by block on the CPU or a GPU, never as the class's ``n x n``
    matrix.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    categorical_encoder : estimator, default=None
        Ordinal encoder of the features (``None``: an
        :class:`~sklearn.preprocessing.OrdinalEncoder` with ``dtype=np.int32``).
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class should have after resampling, as in
        :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls which samples the new ones are made from. The draws are
        imbalanced-learn's, so an int gives the samples
        :class:`imblearn.over_sampling.SMOTEN` gives.
    k_neighbors : int or estimator, default=5
        Number of nearest neighbours, besides the sample itself. An object
        with ``kneighbors`` and ``kneighbors_graph`` is used as
        imbalanced-learn uses it: cloned, set to ``metric="precomputed"`` and
        fitted on the class's full distance matrix (which this route then
        builds).
    device : str, torch.device or None, default=None
        Where the neighbour search runs, as in :class:`SMOTE`.

    Attributes
    ----------
    categorical_encoder_ : estimator
        The fitted encoder.
    sampling_strategy_ : dict
        ``{class: number of samples to generate}``.
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    SMOTENC : SMOTE for numerical and categorical features.
    imblearn.over_sampling.SMOTEN : The imbalanced-learn implementation.

    Notes
    -----
    The neighbours are selected as scikit-learn selects them from a
    precomputed matrix, ties included (categorical data has many), on the
    CPU; on a GPU equal distances may come in another order. A sparse ``X``
    is densified (with a warning, as imbalanced-learn) and the result has
    its format.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: Synthetic Minority Over-sampling Technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002 (section 6.2).
    .. [2] C. Stanfill and D. Waltz, "Toward memory-based reasoning",
       Communications of the ACM 29(12), 1213-1228, 1986.

    Examples
    --------
    >>> import numpy as np
    >>> from skdl.over_sampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object).reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0, device="cpu").fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [40, 40]
    """

    _parameter_constraints: dict = {
        **_BaseSMOTE._parameter_constraints,
        "categorical_encoder": [HasMethods(["fit_transform", "inverse_transform"]), None],
    }

    def __init__(
        self, categorical_encoder=None, *, sampling_strategy="auto", random_state=None, k_neighbors=5, device=None
    ):
        super().__init__(
            sampling_strategy=sampling_strategy, random_state=random_state, k_neighbors=k_neighbors, device=device
        )
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        # Categories may be strings: no conversion to numbers.
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(self, X=X, y=y, reset=True, dtype=None, accept_sparse=["csr", "csc"])
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        device = resolve_device(self.device)
        sparse_format = X.format if sparse.issparse(X) else None
        if sparse_format is not None:
            X = X.toarray()
            warnings.warn(
                "Passing a sparse matrix to SMOTEN is not really efficient since it"
                " is converted to a dense array internally.",
                DataConversionWarning,
            )
        encoder = (
            OrdinalEncoder(dtype=np.int32) if self.categorical_encoder is None else clone(self.categorical_encoder)
        )
        codes = np.asarray(encoder.fit_transform(X), dtype=np.int64)
        n_levels = [len(categories) for categories in encoder.categories_]
        tables = value_difference_tables(codes, y, n_levels)

        X_res, y_res = [X.copy()], [y.copy()]
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            class_codes = codes[y == label]
            n_class = class_codes.shape[0]
            neighbours = self._class_neighbours(class_codes, tables, label, device)
            samples = check_random_state(self.random_state).choice(np.arange(n_class), size=n_new, replace=True)
            new_codes = _modes(class_codes, neighbours, n_levels)[samples]
            X_res.append(encoder.inverse_transform(new_codes.astype(np.int32)))
            y_res.append(np.full(n_new, label, dtype=y.dtype))

        self.categorical_encoder_ = encoder
        X_res, y_res = np.vstack(X_res), np.hstack(y_res)
        if sparse_format == "csr":
            return sparse.csr_matrix(X_res), y_res
        if sparse_format == "csc":
            return sparse.csc_matrix(X_res), y_res
        return X_res, y_res

    def _class_neighbours(self, codes, tables, label, device):
        """Each class sample's ``k_neighbors + 1`` nearest, itself among them, as imbalanced-learn keeps them."""
        no_numeric = np.empty((codes.shape[0], 0))
        if not isinstance(self.k_neighbors, numbers.Integral):
            distances = full_distances(no_numeric, codes, tables=tables)
            estimator = clone(self.k_neighbors).set_params(metric="precomputed").fit(distances)
            return estimator.kneighbors(distances, return_distance=False)
        _check_enough_samples(codes.shape[0], int(self.k_neighbors), "k_neighbors", label)
        return categorical_kneighbors(no_numeric, codes, int(self.k_neighbors) + 1, device, tables=tables)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags
