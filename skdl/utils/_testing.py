"""Shared helpers for skdl's tests and its tour: fast constructor settings.

``FAST_PARAMS`` is the one table of quick constructor settings used by the
common tests (as imbalanced-learn's ``INIT_PARAMS``): few iterations, few
initialisations, always on the CPU so the suite is the same on every machine.
"""

from .discovery import all_estimators

FAST_PARAMS = {
    "DecisionTreeClassifier": {"random_state": 0},
    "DecisionTreeRegressor": {"random_state": 0},
    "AdaBoostClassifier": {"n_estimators": 5, "random_state": 0},
    "AdaBoostRegressor": {"n_estimators": 5, "random_state": 0},
    "AdaCostClassifier": {"n_estimators": 5, "random_state": 0},
    "KMeans": {"n_init": 2, "max_iter": 50, "device": "cpu"},
    "LogisticRegression": {"device": "cpu"},
    "LinearSVC": {"random_state": 0, "device": "cpu"},
    "SVC": {"random_state": 0, "device": "cpu"},
    "SMOTE": {"device": "cpu"},
    "BorderlineSMOTE": {"device": "cpu"},
    "SMOTENC": {"categorical_features": [-1], "device": "cpu"},
    "SMOTEN": {"device": "cpu"},
    "EasyEnsembleClassifier": {"n_estimators": 3},
    "BalanceCascadeClassifier": {"n_estimators": 3, "n_boost": 5},
    # Tiny networks, few epochs, small batches (enough steps to learn iris or blobs).
    "MLPClassifier": {
        "hidden_layer_sizes": (16,),
        "max_epochs": 20,
        "batch_size": 32,
        "learning_rate": 0.01,
        "device": "cpu",
    },
    "CNNClassifier": {
        "width": 8,
        "depth": 1,
        "max_epochs": 20,
        "batch_size": 32,
        "learning_rate": 0.01,
        "device": "cpu",
    },
}


def fast_instance(cls):
    """An instance of ``cls`` with the fast settings of ``FAST_PARAMS``.

    Parameters
    ----------
    cls : type
        An skdl estimator class.

    Returns
    -------
    estimator : estimator instance
    """
    return cls(**FAST_PARAMS.get(cls.__name__, {}))


def expected_failed_checks(estimator):
    """The checks an estimator declares it fails, with the reason for each.

    An estimator declares them in the ``xfail_checks`` field of the
    :class:`~skdl.utils._tags.SkdlTags` its ``__sklearn_tags__`` returns, as
    ``{check name: reason}``; most estimators declare none.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    checks : dict
    """
    return dict(getattr(estimator.__sklearn_tags__(), "xfail_checks", {}))


def all_fast_instances():
    """One fast instance of every estimator in the registry.

    Returns
    -------
    estimators : list of estimator instances
    """
    return [fast_instance(cls) for _, cls in all_estimators()]
