"""The few input checks scikit-learn does not already provide."""

from contextlib import contextmanager


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
