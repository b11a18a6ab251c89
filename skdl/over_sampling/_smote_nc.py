"""SMOTE-NC: SMOTE for numerical and categorical features, as an imbalanced-learn over-sampler.

imbalanced-learn one-hot encodes the categorical columns of the whole
matrix, writes ``v = median_std / sqrt(2)`` into each one-hot entry (so that
two different categories of a feature are ``median_std`` apart) and runs
SMOTE on that sparse matrix; a new sample's categories are then voted among
its base sample's neighbours, reading a dense ``(n_new, k, n_columns)`` copy of
the one-hot neighbours. This module computes the same things from integer
category codes: the distances in :mod:`skdl.over_sampling._categorical_kneighbors`
(a shared category adds ``v^2`` to the dot product), the vote from counts of
codes. Random draws are imbalanced-learn's, in its order, so an int
``random_state`` gives its samples.
"""

import math
import numbers

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import check_array, check_random_state
from sklearn.utils.sparsefuncs import mean_variance_axis

from .._device import chunk_size, resolve_device
from ..utils._sklearn_compat import HasMethods, StrOptions, _get_column_indices, _safe_indexing
from ..utils._validation import check_any_X
from ._categorical_kneighbors import categorical_kneighbors
from ._smote import _BaseSMOTE, _check_enough_samples, _draw_pairs


def _is_dataframe(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _category_codes(encoder, X_categorical):
    """Fit ``encoder`` and return each sample's category codes and the encoder's one-hot width.

    A :class:`~sklearn.preprocessing.OneHotEncoder` is fitted, and its codes
    read, without building the one-hot matrix (its ``_transform`` gives the
    codes its ``transform`` would expand). Any other encoder is used as
    imbalanced-learn uses it: ``fit_transform``, then each feature's column
    of the largest entry.
    """
    if isinstance(encoder, OneHotEncoder):
        encoder.fit(X_categorical)
        n_columns = len(encoder.get_feature_names_out())
        n_categories = sum(categories.size for categories in encoder.categories_)
        if n_columns != n_categories:
            return None, n_columns
        codes, _ = encoder._transform(X_categorical, handle_unknown="error", ensure_all_finite="allow-nan")
        return codes, n_columns
    one_hot = encoder.fit_transform(X_categorical)
    n_columns = one_hot.shape[1]
    if n_columns != sum(categories.size for categories in encoder.categories_):
        return None, n_columns
    one_hot = sparse.csr_matrix(one_hot)
    bounds = np.cumsum([0] + [categories.size for categories in encoder.categories_])
    codes = np.column_stack(
        [np.asarray(one_hot[:, start:stop].argmax(axis=1)).ravel() for start, stop in zip(bounds[:-1], bounds[1:])]
    )
    return codes, n_columns


def _decode(encoder, codes):
    """Category values of ``codes``, in the dtype the encoder's ``inverse_transform`` gives."""
    if isinstance(encoder, OneHotEncoder):
        dtype = np.result_type(*[categories.dtype for categories in encoder.categories_])
        values = np.empty(codes.shape, dtype=dtype)
        for j, categories in enumerate(encoder.categories_):
            values[:, j] = categories[codes[:, j]]
        return values
    sizes = [categories.size for categories in encoder.categories_]
    offsets = np.cumsum([0] + sizes[:-1])
    n = codes.shape[0]
    one_hot = sparse.csr_matrix(
        (np.ones(codes.size), (np.repeat(np.arange(n), codes.shape[1]), (codes + offsets).ravel())),
        shape=(n, sum(sizes)),
    )
    return np.asarray(encoder.inverse_transform(one_hot))


def _vote(codes, neighbours, rows, n_levels, weight, rng):
    """Each new sample's category of one feature: imbalanced-learn's vote.

    imbalanced-learn sums, over the base sample's ``k`` neighbours, their
    one-hot entries (each ``weight``), takes the categories whose sum
    ``np.isclose``-equals the largest, and breaks ties with
    ``rng.permutation`` of the (sample, tied category) pairs in row-major
    order: each sample gets its pair that comes first in the permutation.
    This does the same from counts of codes, per base sample.

    Parameters
    ----------
    codes : ndarray of shape (n_class,)
        The feature's codes of the class's samples.
    neighbours : ndarray of shape (n_class, k)
        Each sample's neighbours (indices into ``codes``).
    rows : ndarray of shape (n_new,)
        Each new sample's base sample.
    n_levels : int
    weight : scalar
        The one-hot entry (in the data's dtype).
    rng : RandomState

    Returns
    -------
    new_codes : ndarray of shape (n_new,)
    """
    n_class, k = neighbours.shape
    # tally[c]: the sum of c entries, accumulated one by one as NumPy does.
    tally = np.zeros(k + 1, dtype=np.asarray(weight).dtype)
    for count in range(1, k + 1):
        tally[count] = tally[count - 1] + weight
    tied_levels, n_tied = [], np.empty(n_class, dtype=np.int64)
    step = chunk_size(3 * 8 * n_levels, n_class)
    for start in range(0, n_class, step):
        stop = min(start + step, n_class)
        block = np.arange(stop - start)[:, None] * n_levels + codes[neighbours[start:stop]]
        counts = np.bincount(block.ravel(), minlength=(stop - start) * n_levels).reshape(-1, n_levels)
        is_max = np.isclose(tally[counts], tally[counts.max(axis=1)][:, None])
        n_tied[start:stop] = is_max.sum(axis=1)
        tied_levels.append(np.nonzero(is_max)[1])
    tied_levels = np.concatenate(tied_levels)
    level_offsets = np.cumsum(n_tied) - n_tied
    sample_tied = n_tied[rows]
    pair_offsets = np.cumsum(sample_tied) - sample_tied
    permutation = rng.permutation(int(sample_tied.sum()))
    position = np.empty_like(permutation)
    position[permutation] = np.arange(permutation.size)
    first = permutation[np.minimum.reduceat(position, pair_offsets)]
    return tied_levels[level_offsets[rows] + first - pair_offsets]


class SMOTENC(_BaseSMOTE):
    """SMOTE-NC: SMOTE for data with numerical and categorical features.

    Numerical features are interpolated as in :class:`SMOTE`. Between two
    samples, each categorical feature on which they differ adds the median
    ``m`` of the class's numerical standard deviations to their Euclidean
    distance (``m^2`` to the squared distance), and a synthetic sample takes,
    for each categorical feature, the category most frequent among the
    ``k_neighbors`` neighbours of its base sample (ties broken at random).
    The distances are computed from integer category codes, in chunks, on
    the CPU or a GPU: the categorical columns are never one-hot encoded, so
    memory grows with ``n_samples * n_features``, not with the number of
    categories.

    Read more in the :ref:`User Guide <imbalanced>`.

    Parameters
    ----------
    categorical_features : "auto" or array-like of shape (n_cat_features,) or (n_features,)
        Which features are categorical:

        - ``"auto"``: the columns of a :class:`pandas.DataFrame` with a
          :class:`pandas.CategoricalDtype`;
        - ints: the indices of the categorical features;
        - strs: their names (``X`` must then be a DataFrame);
        - a bool mask of shape ``(n_features,)``, True for a categorical
          feature.

        At least one feature must be numerical and one categorical.
    categorical_encoder : estimator, default=None
        The encoder whose categories are used: a
        :class:`~sklearn.preprocessing.OneHotEncoder` (``None``: one with
        ``handle_unknown="ignore"`` in the numerical columns' dtype) is only
        fitted, never asked for its one-hot matrix; another encoder with
        ``fit_transform``, ``inverse_transform`` and ``categories_`` is used
        as imbalanced-learn uses it. It must give one column per category.
    sampling_strategy : float, str, dict or callable, default="auto"
        How many samples each class should have after resampling, as in
        :class:`SMOTE`.
    random_state : int, RandomState instance or None, default=None
        Controls the random (sample, neighbour) pairs, the gaps and the
        ties of the vote. The draws are imbalanced-learn's, so an int gives
        the samples :class:`imblearn.over_sampling.SMOTENC` gives.
    k_neighbors : int or estimator, default=5
        Number of nearest same-class neighbours. An object with
        ``kneighbors`` and ``kneighbors_graph`` is used instead of skdl's
        search, as imbalanced-learn uses it: cloned, fitted on the class's
        samples encoded as imbalanced-learn encodes them (a sparse one-hot
        matrix, for this class only), and its first neighbour dropped.
    device : str, torch.device or None, default=None
        Where the neighbour search runs: ``"auto"``, ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"`` or a :class:`torch.device`; ``None`` uses
        :func:`skdl.get_config`'s device.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: number of samples to generate}``.
    categorical_encoder_ : estimator
        The fitted encoder.
    categorical_features_ : ndarray of shape (n_cat_features,), dtype=int64
        Indices of the categorical features.
    continuous_features_ : ndarray of shape (n_cont_features,), dtype=int64
        Indices of the numerical features.
    median_std_ : dict of {class: float}
        For each class over-sampled, the median of its numerical features'
        standard deviations.
    n_features_ : int
        Number of features seen during :meth:`fit_resample`.
    n_features_in_ : int
        Number of features seen during :meth:`fit_resample`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_resample`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    SMOTEN : SMOTE for categorical features only.
    SMOTE : SMOTE for numerical features.
    imblearn.over_sampling.SMOTENC : The imbalanced-learn implementation.

    Notes
    -----
    The distance between samples ``x`` and ``y`` of a class is

    .. math:: d(x, y)^2 = \\sum_{j\\ \\mathrm{numerical}} (x_j - y_j)^2
              + m^2 \\, \\#\\{j\\ \\mathrm{categorical} : x_j \\neq y_j\\},

    computed as scikit-learn computes imbalanced-learn's encoded distances
    (same sums, same rounding), and the neighbours are selected as
    scikit-learn selects them, ties included, on the CPU; on a GPU equal
    distances may come in another order. A sparse ``X`` is densified and
    the result is a CSR matrix (imbalanced-learn's tags say it takes no
    sparse input, though it does). The original samples come first, then the
    synthetic ones class by class.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall and W. P. Kegelmeyer,
       "SMOTE: Synthetic Minority Over-sampling Technique", Journal of
       Artificial Intelligence Research 16, 321-357, 2002 (section 6.1).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skdl.over_sampling import SMOTENC
    >>> X, y = make_classification(n_samples=1000, n_features=6, weights=[0.9], flip_y=0, random_state=0)
    >>> X[:, -2:] = np.random.RandomState(0).randint(0, 4, size=(1000, 2))
    >>> sampler = SMOTENC(categorical_features=[4, 5], random_state=0, device="cpu")
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [901, 901]
    >>> np.unique(X_res[:, 4]).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """

    _required_parameters = ["categorical_features"]

    _parameter_constraints: dict = {
        **_BaseSMOTE._parameter_constraints,
        "categorical_features": ["array-like", StrOptions({"auto"})],
        "categorical_encoder": [HasMethods(["fit_transform", "inverse_transform"]), None],
    }

    def __init__(
        self,
        categorical_features,
        *,
        categorical_encoder=None,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        device=None,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy, random_state=random_state, k_neighbors=k_neighbors, device=device
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        # Categorical columns may hold strings: X is kept as it is, and only
        # its numerical columns are converted (here to check them, so that
        # fit refuses what fit_resample refuses; again in _fit_resample).
        X, y, binarize_y = check_any_X(self, X, y)
        _, continuous = self._column_types(X, X.shape[1])
        check_array(_safe_indexing(X, continuous, axis=1), accept_sparse=["csr", "csc"])
        return X, y, binarize_y

    def _column_types(self, X, n_features):
        """Indices of the categorical and the numerical features, checked."""
        if isinstance(self.categorical_features, str):  # "auto", the only string allowed
            if not _is_dataframe(X):
                raise ValueError(
                    "When `categorical_features='auto'`, the input data "
                    f"should be a pandas.DataFrame. Got {type(X)} instead."
                )
            import pandas as pd

            is_categorical = np.array([isinstance(dtype, pd.CategoricalDtype) for dtype in X.dtypes], dtype=bool)
            categorical = np.flatnonzero(is_categorical)
        else:
            try:
                categorical = np.asarray(_get_column_indices(X, self.categorical_features), dtype=np.int64)
            except ValueError as error:
                raise ValueError(f"categorical_features: {error}") from None
            if np.unique(categorical).size != categorical.size:
                raise ValueError(f"categorical_features names a column twice: {categorical.tolist()}.")
        if categorical.size == n_features:
            raise ValueError(
                "SMOTE-NC is not designed to work only with categorical "
                "features. It requires some numerical features "
                f"(categorical_features names every feature of X, n_features={n_features}); use SMOTEN for categorical data."
            )
        if categorical.size == 0:
            raise ValueError(
                "SMOTE-NC is not designed to work only with numerical "
                "features. It requires some categorical features "
                "(categorical_features names none); use SMOTE for numerical data."
            )
        return categorical, np.setdiff1d(np.arange(n_features), categorical)

    def _fit_resample(self, X, y):
        device = resolve_device(self.device)
        n_features = X.shape[1]
        categorical, continuous = self._column_types(X, n_features)
        X_continuous = check_array(_safe_indexing(X, continuous, axis=1), accept_sparse=["csr", "csc"])
        X_continuous = X_continuous.toarray() if sparse.issparse(X_continuous) else X_continuous
        X_categorical = _safe_indexing(X, categorical, axis=1)
        X_categorical = X_categorical.toarray() if sparse.issparse(X_categorical) else X_categorical
        dtype = X_continuous.dtype
        if self.categorical_encoder is None:
            encoder = OneHotEncoder(handle_unknown="ignore", dtype=dtype)
        else:
            encoder = clone(self.categorical_encoder)
        codes, n_columns = _category_codes(encoder, X_categorical)
        n_levels = [categories.size for categories in encoder.categories_]
        if codes is None:
            raise ValueError(
                "SMOTENC requires a one-hot encoding with one column per category "
                "for the categorical features. The provided `categorical_encoder` "
                f"produced {n_columns} columns for {sum(n_levels)} categories. "
                "This happens when the encoder drops columns (e.g. "
                "`OneHotEncoder(drop=...)`) or merges infrequent categories, which "
                "is not supported. Pass an encoder that keeps all categories, such "
                "as `OneHotEncoder(handle_unknown='ignore')`."
            )
        codes = np.asarray(codes, dtype=np.int64)

        median_std, new_numeric, new_codes, new_y = {}, [], [], []
        for label, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            class_index = np.flatnonzero(y == label)
            numeric, class_codes = X_continuous[class_index], codes[class_index]
            _, variances = mean_variance_axis(sparse.csr_matrix(numeric), axis=0)
            median_std[label] = np.median(np.sqrt(variances))
            if not np.isfinite(median_std[label]):
                # The variances of values near the float64 limit overflow; the
                # distances built from them would be inf or NaN.
                raise ValueError(
                    f"The standard deviations of the numerical features of class {label!r} overflow "
                    f"(median {median_std[label]}): the values are too large to measure distances. "
                    "Scale X first, e.g. with sklearn.preprocessing.StandardScaler."
                )
            # imbalanced-learn's one-hot entry: median / sqrt(2), stored in the
            # data's dtype (so truncated for integer data).
            entry = np.asarray(median_std[label] / np.sqrt(2)).astype(dtype)[()]
            # With a zero median the vote reads the plain one-hot encoding.
            weight = dtype.type(1) if math.isclose(median_std[label], 0) else entry
            neighbours = self._class_neighbours(numeric, class_codes, n_levels, entry, label, device)
            rows, columns, steps = _draw_pairs(self.random_state, class_index.size, neighbours.shape[1], n_new)
            new_numeric.append(_interpolate(numeric, neighbours, rows, columns, steps))
            rng = check_random_state(self.random_state)
            new_codes.append(
                np.column_stack(
                    [
                        _vote(class_codes[:, j], neighbours, rows, n_levels[j], weight, rng)
                        for j in range(categorical.size)
                    ]
                )
            )
            new_y.append(np.full(n_new, label, dtype=y.dtype))

        numeric_all = np.concatenate([X_continuous, *new_numeric])
        values_all = _decode(encoder, np.concatenate([codes, *new_codes]))
        X_res = np.empty((numeric_all.shape[0], n_features), dtype=np.result_type(dtype, values_all.dtype))
        X_res[:, continuous] = numeric_all
        X_res[:, categorical] = values_all
        if sparse.issparse(X):
            X_res = sparse.csr_matrix(X_res)

        self.categorical_features_ = categorical
        self.continuous_features_ = continuous
        self.categorical_encoder_ = encoder
        self.median_std_ = median_std
        self.n_features_ = n_features
        return X_res, np.concatenate([y, *new_y])

    def _class_neighbours(self, numeric, codes, n_levels, entry, label, device):
        """Each class sample's ``k_neighbors`` nearest others (imbalanced-learn drops the first)."""
        n_class = numeric.shape[0]
        if not isinstance(self.k_neighbors, numbers.Integral):
            encoded = _encoded(numeric, codes, n_levels, entry)
            estimator = clone(self.k_neighbors).fit(encoded)
            return estimator.kneighbors(encoded, return_distance=False)[:, 1:]
        _check_enough_samples(n_class, int(self.k_neighbors), "k_neighbors", label)
        neighbours = categorical_kneighbors(
            numeric,
            codes,
            int(self.k_neighbors) + 1,
            device,
            match=float(entry) ** 2,
            float32=numeric.dtype == np.float32,
        )
        return neighbours[:, 1:]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A sparse X is densified, its result given back as CSR.
        tags.input_tags.sparse = True
        # Strings are taken in categorical columns only; the string checks
        # pass all-string X, which needs numerical columns to fail on.
        tags.input_tags.string = False
        return tags


def _encoded(numeric, codes, n_levels, entry):
    """imbalanced-learn's encoding of a class: numerical columns, then one-hot columns of ``entry``."""
    n, n_categorical = codes.shape
    offsets = np.cumsum([0] + list(n_levels[:-1]))
    one_hot = sparse.csr_matrix(
        (
            np.full(n * n_categorical, entry, dtype=numeric.dtype),
            (np.repeat(np.arange(n), n_categorical), (codes + offsets).ravel()),
        ),
        shape=(n, sum(n_levels)),
    )
    return sparse.hstack((numeric, one_hot), format="csr", dtype=numeric.dtype)


def _interpolate(numeric, neighbours, rows, columns, steps):
    """``x + u * (x_nn - x)`` in chunks, with imbalanced-learn's dtypes.

    The difference is taken in the data's dtype and the step in float64, then
    the result is cast back, as imbalanced-learn's sparse arithmetic does.
    """
    new = np.empty((rows.size, numeric.shape[1]), dtype=numeric.dtype)
    step = chunk_size(4 * 8 * max(numeric.shape[1], 1), rows.size)
    for start in range(0, rows.size, step):
        stop = min(start + step, rows.size)
        base = numeric[rows[start:stop]]
        diffs = numeric[neighbours[rows[start:stop], columns[start:stop]]] - base
        new[start:stop] = (base + steps[start:stop, None] * diffs).astype(numeric.dtype)
    return new
