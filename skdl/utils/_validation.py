"""The few input checks scikit-learn does not already provide."""

from contextlib import contextmanager

import numpy as np


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
