"""The few input checks scikit-learn does not already provide."""

import sys
from contextlib import contextmanager
from numbers import Integral

import numpy as np
from imblearn.utils import check_target_type
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.class_weight import compute_class_weight

from ._sklearn_compat import validate_data


def check_n_samples_at_least(X, minimum, parameter):
    """Raise a ValueError when X has fewer samples than a parameter needs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    minimum : int
        The smallest acceptable number of samples.
    parameter : str
        The parameter that sets ``minimum``, named in the message.

    Raises
    ------
    ValueError
        ``"n_samples=<n> should be >= <parameter>=<minimum>."``
    """
    if X.shape[0] < minimum:
        raise ValueError(f"n_samples={X.shape[0]} should be >= {parameter}={minimum}.")


@contextmanager
def unchanged_on_error(estimator):
    """Restore the estimator's attributes if the block raises.

    scikit-learn's ``validate_data(reset=True)`` writes ``n_features_in_`` and
    ``feature_names_in_`` before the rest of ``fit`` has checked its input; a
    fit that then fails must not leave a previously fitted estimator half
    changed.

    Parameters
    ----------
    estimator : estimator instance
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved)
        raise


def check_fitted(estimator, fitted):
    """Raise scikit-learn's NotFittedError unless ``fitted`` is true.

    :func:`sklearn.utils.validation.check_is_fitted`'s message, without its
    look-up of the estimator's tags, which costs as much as a one-row
    ``predict``'s arithmetic.
    """
    if not fitted:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )


def check_squares_are_finite(X, what="sums of squares of its features"):
    """Raise a ValueError when X's values are too large to square in its dtype.

    Squared distances (k-means) and the Gram / Hessian products of linear
    models (``X.T @ D @ X``) overflow to inf for values near the float limits
    (e.g. 1e300 in float64), and the solvers then return NaN or a meaningless
    model. The bound used is ``n_features * (2 * max|X|) ** 2``.

    Parameters
    ----------
    X : ndarray or scipy.sparse matrix of shape (n_samples, n_features)
    what : str
        What overflows, named in the message.

    Raises
    ------
    ValueError
        ``"X has values up to <m>: <what> overflow <dtype>. Rescale X ..."``
    """
    values = X.data if hasattr(X, "tocsr") else X
    if values.size == 0:
        return
    largest = float(abs(values).max())
    if 4.0 * largest * largest * X.shape[1] > float(np.finfo(X.dtype).max):
        raise ValueError(
            f"X has values up to {largest:.3g}: {what} overflow {X.dtype}. "
            "Rescale X (for example with sklearn.preprocessing.StandardScaler)."
        )


def check_binary_or_more_classes(classes, who="This solver"):
    """Raise scikit-learn's ValueError when y holds a single class.

    The message is scikit-learn's (its tests match it); ``who`` names the
    estimator where "This solver" would not fit, e.g. an ensemble.
    """
    if len(classes) < 2:
        raise ValueError(
            f"{who} needs samples of at least 2 classes in the data, but the "
            f"data contains only one class: {classes[0]!r}"
        )


def class_weights_of(class_weight, classes, y, sample_weight):
    """One weight per class (ones for ``class_weight=None``).

    ``"balanced"`` counts weighted samples, as scikit-learn does.
    """
    if class_weight is None:
        return np.ones(len(classes))
    if isinstance(class_weight, dict):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"The class_weight keys {sorted(unknown, key=str)} are not classes of y; "
                f"classes are {classes.tolist()}."
            )
    return compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sample_weight)


def class_weighted_sample_weight(class_weight, classes, y, sample_weight):
    """Sample weights multiplied by the weight of each sample's class."""
    if class_weight is None:
        return sample_weight
    weights = class_weights_of(class_weight, classes, y, sample_weight)
    return sample_weight * weights[np.searchsorted(classes, y)].astype(sample_weight.dtype)


def _is_pandas_df(X):
    """True for a pandas DataFrame (pandas is not imported if the caller never did)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(X, pandas.DataFrame)


def check_any_X(sampler, X, y):
    """Validate X without converting it (strings, NaN, sparse and frames pass).

    Samplers that only index rows accept any 2-D data, as imbalanced-learn's
    random samplers do; complex numbers and non 2-D input are still refused.
    """
    y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
    if _is_pandas_df(X):
        # Kept as it is, as imbalanced-learn keeps it: rows are indexed with
        # their index and column dtypes (datetimes, categories, objects).
        X_checked = X
        if X.ndim != 2 or X.shape[0] < 1:
            check_array(X, dtype=None, ensure_all_finite=False)
    else:
        X_checked = check_array(X, accept_sparse=["csr", "csc"], dtype=None, ensure_all_finite=False)
    check_consistent_length(X_checked, y)
    validate_data(sampler, X=X, y=y, reset=True, skip_check_array=True)
    return X_checked, np.asarray(y), binarize_y


class RowIndexingSamplerMixin:
    """Mixin of the samplers that only index rows (the random samplers).

    Such a sampler accepts any 2-D data, as imbalanced-learn's random samplers
    do: X passes :func:`check_any_X` unconverted (strings, NaN, sparse,
    frames), and the tags say so. Put it before the imbalanced-learn base.
    """

    def _check_X_y(self, X, y, accept_sparse=None):
        return check_any_X(self, X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags


def check_single_output(y):
    """ValueError for a 2-D target of several columns, as imbalanced-learn raises."""
    ndim, shape = getattr(y, "ndim", None), getattr(y, "shape", None)
    if ndim is None:  # a list, or an array-like without ndim
        shape = np.asarray(y).shape
        ndim = len(shape)
    if ndim == 2 and shape[1] > 1:
        raise ValueError("Multilabel and multioutput targets are not supported.")


def check_image_shape(shape, name, *, allow_2d=False):
    """The image shape ``(C, H, W)`` that a parameter declares, as ints.

    Shared by :class:`~skdl.nn.CNNClassifier` (``input_shape``) and
    :mod:`skdl.inspection` (``image_shape``, where ``(H, W)`` means one
    channel). The parameter's type (tuple or list) is checked by its
    constraint; this checks its content.

    Raises
    ------
    ValueError
        Naming the parameter, if ``shape`` does not hold 3 (or, with
        ``allow_2d``, 2) positive integers.
    """
    values = tuple(shape)
    lengths = (2, 3) if allow_2d else (3,)
    if len(values) not in lengths or not all(isinstance(s, Integral) and s > 0 for s in values):
        what = "2 or 3 positive integers ((H, W) or (C, H, W))" if allow_2d else "3 positive integers (C, H, W)"
        raise ValueError(f"{name} must be {what}; got {shape!r}.")
    values = tuple(int(s) for s in values)
    return (1, *values) if len(values) == 2 else values


def rows_as_images(rows, shape, name):
    """Flat rows ``(n, C*H*W)`` viewed as images ``(n, C, H, W)`` of ``shape``.

    Raises
    ------
    ValueError
        If the rows do not hold ``prod(shape)`` values; the message names the
        parameter that set ``shape``.
    """
    n_values = int(np.prod(shape))
    if rows.shape[1] != n_values:
        raise ValueError(
            f"X has {rows.shape[1]} features per row, which can not be reshaped to "
            f"{name}={tuple(shape)} ({n_values} values per image)."
        )
    return rows.reshape(len(rows), *shape)
